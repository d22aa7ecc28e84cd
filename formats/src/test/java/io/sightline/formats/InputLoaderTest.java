package io.sightline.formats;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.RuntimeEvent;
import io.sightline.event.SkippedRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad files in an analysis folder are reported by name and cost nothing else. */
class InputLoaderTest {

    private static final Path SCENARIO = Path.of(System.getProperty("sightline.scenarios"), "docker-host-miner");

    @TempDir
    Path folder;

    @Test
    void aBinaryFileIsReportedAndTheRestIsRead() throws IOException {
        Path scans = Files.createDirectories(folder.resolve("scans"));
        Files.copy(SCENARIO.resolve("scans/web-portal.grype.json"), scans.resolve("web-portal.grype.json"));
        Files.write(scans.resolve("random.bin"), new byte[] {0x1f, (byte) 0x8b, 0, 0, 0x13, 0x37});

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(scans));

        assertThat(loader.reports()).hasSize(1);
        assertThat(loader.skipped())
                .extracting(SkippedRecord::file, SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "scans/random.bin", 0, "not a text file (binary content); file skipped"));
    }

    @Test
    void aTruncatedScanReportIsOneSkippedFileNotManyTelemetryLines() throws IOException {
        String whole = Files.readString(SCENARIO.resolve("scans/orders-py.trivy.json"));
        Path cut = folder.resolve("orders-py.trivy.json");
        Files.writeString(cut, whole.substring(0, whole.length() / 2));

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(cut));

        assertThat(loader.hasTelemetry()).isFalse();
        assertThat(loader.skipped()).singleElement().satisfies(skip -> {
            assertThat(skip.file()).isEqualTo("orders-py.trivy.json");
            assertThat(skip.reason()).startsWith("not valid JSON at line ").endsWith("file skipped");
        });
    }

    @Test
    void anInvalidUtf8ByteDoesNotStopTheFile() throws IOException {
        List<String> lines =
                Files.readAllLines(SCENARIO.resolve("telemetry/tetragon.jsonl")).subList(0, 3);
        byte[] broken =
                (lines.get(1).replace("\"arguments\":\"", "\"arguments\":\"\u0000")).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < broken.length; i++) {
            if (broken[i] == 0) {
                broken[i] = (byte) 0xe9;
            }
        }
        Path file = folder.resolve("tetragon.jsonl");
        Files.write(file, (lines.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(file, broken, java.nio.file.StandardOpenOption.APPEND);
        Files.write(
                file,
                ("\n" + lines.get(2) + "\n").getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(file));
        List<RuntimeEvent> events = new ArrayList<>();
        loader.streamTelemetry(events::add);

        assertThat(loader.skipped()).isEmpty();
        assertThat(events).extracting(e -> e.source().line()).containsExactly(1, 2, 3);
    }

    @Test
    void aNulByteOnOneLineCostsThatLineAloneAndACompressedFileIsBinary() throws IOException {
        List<String> lines =
                Files.readAllLines(SCENARIO.resolve("telemetry/tetragon.jsonl")).subList(0, 3);
        String text = lines.get(0) + "\n" + lines.get(1).replace("\"arguments\":", "\u0000\"arguments\":") + "\n"
                + lines.get(2) + "\n";
        Path telemetry = Files.writeString(folder.resolve("tetragon.jsonl"), text);
        Path compressed = folder.resolve("tetragon.jsonl.gz");
        try (var gzip = new java.util.zip.GZIPOutputStream(Files.newOutputStream(compressed))) {
            gzip.write(String.join("\n", lines).repeat(20).getBytes(StandardCharsets.UTF_8));
        }

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(telemetry, compressed));
        List<RuntimeEvent> events = new ArrayList<>();
        loader.streamTelemetry(events::add);

        assertThat(events).extracting(e -> e.source().line()).containsExactly(1, 3);
        assertThat(loader.skipped())
                .extracting(SkippedRecord::file, SkippedRecord::line)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("tetragon.jsonl", 2),
                        org.assertj.core.groups.Tuple.tuple("tetragon.jsonl.gz", 0));
    }

    @Test
    void theSameFileNamedTwiceIsReadOnce() {
        Path tetragon = SCENARIO.resolve("telemetry/tetragon.jsonl");
        Path sameAgain = SCENARIO.resolve("telemetry/../telemetry/tetragon.jsonl");

        InputLoader loader = new InputLoader(SCENARIO);
        loader.addDocuments(List.of(tetragon, sameAgain));
        List<RuntimeEvent> events = new ArrayList<>();
        loader.streamTelemetry(events::add);

        assertThat(loader.files()).hasSize(1);
        assertThat(loader.files().getFirst().records()).isEqualTo(2042);
    }

    @Test
    void aFileWhoseReadFailsIsReportedAndTheRestIsRead() throws IOException {
        Path scans = Files.createDirectories(folder.resolve("scans"));
        Files.copy(SCENARIO.resolve("scans/web-portal.grype.json"), scans.resolve("web-portal.grype.json"));
        // Reading /proc/self/mem from offset 0 fails with EIO even as root, where chmod 000 does not bite.
        Files.createSymbolicLink(scans.resolve("broken.trivy.json"), Path.of("/proc/self/mem"));

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(scans));

        assertThat(loader.reports()).hasSize(1);
        assertThat(loader.skipped())
                .extracting(SkippedRecord::file, SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "scans/broken.trivy.json", 0, "cannot read the file: input/output error; file skipped"));
    }

    @Test
    void anUnreadableFileAndFolderAreReportedAndTheRestIsRead() throws IOException {
        Path scans = Files.createDirectories(folder.resolve("scans"));
        Files.copy(SCENARIO.resolve("scans/web-portal.grype.json"), scans.resolve("web-portal.grype.json"));
        Path locked = Files.writeString(scans.resolve("locked.json"), "{}");
        Path lockedFolder = Files.createDirectories(scans.resolve("locked"));
        Files.writeString(lockedFolder.resolve("inside.json"), "{}");
        Files.setPosixFilePermissions(locked, java.util.Set.of());
        Files.setPosixFilePermissions(lockedFolder, java.util.Set.of());
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(
                    Files.isReadable(locked), "permissions do not bite for this user (root)");

            InputLoader loader = new InputLoader(folder);
            loader.addDocuments(List.of(scans));

            assertThat(loader.reports()).hasSize(1);
            assertThat(loader.skipped())
                    .extracting(SkippedRecord::file, SkippedRecord::reason)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(
                                    "scans/locked", "cannot read the folder: permission denied; folder skipped"),
                            org.assertj.core.groups.Tuple.tuple(
                                    "scans/locked.json", "cannot read the file: permission denied; file skipped"));
        } finally {
            Files.setPosixFilePermissions(
                    lockedFolder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aLatin1ByteInAScanReportIsReplacedAndNotedAndTheReportIsRead() throws IOException {
        Path source =
                Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral/scans/orders-api.trivy.json");
        String text = Files.readString(source);
        String title = "remote code execution";
        int at = text.indexOf(title);
        byte[] before = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] after = text.substring(at).getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[before.length + 1 + after.length];
        System.arraycopy(before, 0, broken, 0, before.length);
        broken[before.length] = (byte) 0xe9;
        System.arraycopy(after, 0, broken, before.length + 1, after.length);
        int line = (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        Path file = Files.write(folder.resolve("orders-api.trivy.json"), broken);
        InputLoader clean = new InputLoader(source.getParent());
        clean.addDocuments(List.of(source));

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(file));

        assertThat(loader.reports()).singleElement().satisfies(report -> {
            assertThat(report.findings())
                    .hasSameSizeAs(clean.reports().getFirst().findings());
            assertThat(report.findings())
                    .anySatisfy(f -> assertThat(f.toString()).contains("\uFFFD" + title));
        });
        assertThat(loader.skipped())
                .extracting(SkippedRecord::file, SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "orders-api.trivy.json",
                        line,
                        "not valid UTF-8: byte 0xE9 at byte offset " + before.length + " (line " + line
                                + ") replaced with U+FFFD; file read"));
        assertThat(loader.files()).extracting(InputLoader.FileSummary::format).containsExactly("trivy");
    }

    @Test
    void anEmptyScanReportIsListedAsSkipped() throws IOException {
        Path scans = Files.createDirectories(folder.resolve("scans"));
        Files.copy(SCENARIO.resolve("scans/web-portal.grype.json"), scans.resolve("web-portal.grype.json"));
        Files.write(scans.resolve("empty.trivy.json"), new byte[0]);

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(scans));

        assertThat(loader.reports()).hasSize(1);
        assertThat(loader.hasTelemetry()).isFalse();
        assertThat(loader.skipped())
                .extracting(SkippedRecord::file, SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("scans/empty.trivy.json", 0, "empty file; file skipped"));
    }

    @Test
    void aTrivyReportWithABrokenResultsFieldIsRefusedNamingTheField() throws IOException {
        Path scans = Files.createDirectories(folder.resolve("scans"));
        Files.writeString(
                scans.resolve("orders-api.trivy.json"),
                "{\"SchemaVersion\": 2, \"ArtifactName\": \"orders-api:1.4\", \"ArtifactType\": \"container_image\","
                        + " \"Results\": \"x\"}");

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(scans));

        assertThat(loader.hasTelemetry()).isFalse();
        assertThat(loader.skipped())
                .extracting(SkippedRecord::file, SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "scans/orders-api.trivy.json", 0, "Results: expected an array, got a string; file skipped"));
    }

    @Test
    void aDocumentOfNoKnownFormatUnderScansNamesTheScannerFormats() throws IOException {
        Path scans = Files.createDirectories(folder.resolve("scans"));
        Files.writeString(scans.resolve("notes.json"), "{\"hello\": 1, \"world\": 2}");

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(scans));

        assertThat(loader.hasTelemetry()).isFalse();
        assertThat(loader.skipped()).singleElement().satisfies(skip -> {
            assertThat(skip.file()).isEqualTo("scans/notes.json");
            assertThat(skip.reason())
                    .startsWith("no known format: expected a scanner report (scanner-pull, trivy, trivy-k8s,")
                    .contains("grype", "gcp-artifact-analysis")
                    .endsWith("got an object with fields [hello, world]; file skipped");
        });
    }

    @Test
    void aDocumentOfNoKnownFormatUnderInventoryNamesTheInventoryFormats() throws IOException {
        Path inventory = Files.createDirectories(folder.resolve("inventory"));
        Files.writeString(inventory.resolve("hosts.json"), "{\"hosts\": []}");

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(inventory));

        assertThat(loader.skipped())
                .extracting(SkippedRecord::reason)
                .containsExactly("no known format: expected an inventory document (kubernetes, ec2-describe-instances,"
                        + " eks-describe-cluster, docker-inspect, ecs-describe-tasks, ecr-batch-get-image), got an"
                        + " object with fields [hosts]; file skipped");
    }

    @Test
    void aJsonArrayOfNumbersIsOneSkippedFile() throws IOException {
        Path file = Files.writeString(folder.resolve("numbers.json"), "[1,2,3]");

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(file));
        loader.streamTelemetry(event -> {});

        assertThat(loader.skipped())
                .extracting(SkippedRecord::file, SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "numbers.json",
                        0,
                        "no known format: expected a scanner report, an inventory document or telemetry records"
                                + " (JSON objects), got a JSON array of 3 values; file skipped"));
    }

    @Test
    void aScanReportWithAByteOrderMarkIsRead() throws IOException {
        byte[] report = Files.readAllBytes(SCENARIO.resolve("scans/web-portal.grype.json"));
        byte[] withBom = new byte[report.length + 3];
        withBom[0] = (byte) 0xef;
        withBom[1] = (byte) 0xbb;
        withBom[2] = (byte) 0xbf;
        System.arraycopy(report, 0, withBom, 3, report.length);
        Path file = Files.write(folder.resolve("web-portal.grype.json"), withBom);

        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(List.of(file));

        assertThat(loader.reports()).hasSize(1);
        assertThat(loader.skipped()).isEmpty();
    }
}
