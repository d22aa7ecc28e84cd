package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.event.ProcessExec;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SkippedRecord;
import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Tetragon decoder against what the tree mapper it replaced gave for the same files: every
 * Tetragon file of the corpus and of the example scenarios, and {@code tetragon/edge-cases.jsonl},
 * hand-made lines for missing fields, unknown event kinds, fields in any order, nested objects
 * nobody reads, escaped strings, numbers as strings and broken JSON.
 *
 * <p>The renderings under {@code tetragon/golden} were written by the tree mapper (a {@code
 * JsonNode} per line, then {@code TetragonMapper} on it, as of 5f72d79) before the decoder existed:
 * the summary, every skipped record with its reason and every event as its record's {@code
 * toString}. A scenario's file has thousands of events, so its golden keeps their count and the
 * SHA-256 of their rendering instead of the rendering. Since then the mapper was tightened on
 * purpose, and the edge cases' golden with it: a number field refuses a fraction (line 10's pid
 * 4244.75 was cut to 4244) and a pid outside Tetragon's unsigned 32 bits (line 87's -5); and a
 * JSON error is worded without Jackson's settings (line 77).
 */
class TetragonDecoderTest {

    private static final int EVENTS_RENDERED_IN_FULL = 300;

    static Stream<Arguments> tetragonFiles() throws IOException {
        List<Arguments> files = new ArrayList<>();
        try (Stream<Path> corpus = Files.list(TelemetryFiles.corpus("tetragon"))) {
            corpus.sorted().forEach(path -> files.add(Arguments.of("corpus-" + path.getFileName(), path)));
        }
        for (String scenario : List.of("benign-ci-noise", "docker-host-miner", "log4shell-lateral")) {
            Path path = TelemetryFiles.scenarios().resolve(scenario).resolve("telemetry/tetragon.jsonl");
            files.add(Arguments.of("scenario-" + scenario + ".jsonl", path));
        }
        files.add(Arguments.of("edge-cases.jsonl", edgeCases()));
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tetragonFiles")
    void decodesEveryFileAsTheTreeMapperDid(String name, Path path) throws IOException {
        String golden = resource("/tetragon/golden/" + name + ".txt");

        assertThat(render(TelemetryFiles.read(path, name))).isEqualTo(golden);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tetragonFiles")
    void aLineReadFromItsBytesGivesWhatItsTreeGives(String name, Path path) throws IOException {
        ObjectMapper trees = new ObjectMapper();
        int compared = 0;

        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            Optional<TetragonRecord> fromBytes = TetragonMapper.readLine(Amid.line(line));
            if (fromBytes.isEmpty()) {
                continue;
            }
            assertThat(mapped(fromBytes.get())).as(line).isEqualTo(mappedTree(trees.readTree(line)));
            compared++;
        }

        // The corpus's files hold records written across lines; the scenarios' and edge cases' are JSON Lines.
        if (!name.startsWith("corpus-")) {
            assertThat(compared).isPositive();
        }
    }

    private static String mapped(TetragonRecord record) {
        try {
            return TetragonMapper.map(record, new SourceRecord("t", 1)).toString();
        } catch (RecordException e) {
            return "error: " + e.getMessage();
        }
    }

    private static String mappedTree(JsonNode record) {
        try {
            return TetragonMapper.map(record, new SourceRecord("t", 1)).toString();
        } catch (RecordException e) {
            return "error: " + e.getMessage();
        }
    }

    @Test
    void aBrokenLineCostsOnlyItselfAndIsNamedWithItsLine() {
        TelemetryFiles.Read read = TelemetryFiles.read(edgeCases(), "tetragon.jsonl");

        assertThat(reasonOn(read, 74))
                .startsWith("not valid JSON: Unexpected end-of-input")
                .endsWith("; line skipped");
        assertThat(reasonOn(read, 73))
                .isEqualTo("tetragon process_connect: field source_port: expected a port from 0 to 65535, got '-1';"
                        + " record skipped");
        assertThat(read.at(75, ProcessExec.class).process().pid()).isEqualTo(12);
        assertThat(reasonOn(read, 76)).startsWith("not valid JSON: Unrecognized token 'trailing'");
        assertThat(reasonOn(read, 77))
                .isEqualTo("not valid JSON: another JSON value follows the first on the same line; line skipped");
        assertThat(read.at(81, ProcessExec.class).process().pid()).isEqualTo(13);
        assertThat(read.summary().skipped()).extracting(SkippedRecord::file).containsOnly("tetragon.jsonl");
    }

    @Test
    void aRecordReadFromATreeKeepsWhatTheLineSaidNonAsciiAndLoneSurrogatesIncluded(@TempDir Path folder)
            throws IOException {
        // A JSON array is read as a tree, and each element written back for the record reader.
        String exec = "{\"process_exec\":{\"process\":{\"exec_id\":\"ZQ==\",\"pid\":%d,"
                + "\"start_time\":\"2024-11-09T13:17:33Z\",\"binary\":\"/bin/echo\","
                + "\"arguments\":\"%s\"}},\"node_name\":\"n\",\"time\":\"2024-11-09T13:18:00Z\"}";
        Path file = folder.resolve("tetragon.json");
        Files.writeString(
                file,
                "[" + exec.formatted(7, "caf\u00e9 \u2603") + "," + exec.formatted(8, "half \\ud800 pair") + "]\n",
                StandardCharsets.UTF_8);

        TelemetryFiles.Read read = TelemetryFiles.read(file, "tetragon.json");

        assertThat(read.events())
                .filteredOn(ProcessExec.class::isInstance)
                .map(event -> ((ProcessExec) event).process().arguments())
                .containsExactly("caf\u00e9 \u2603", "half \ud800 pair");
    }

    @Test
    void aLineNestedDeeperThanJacksonReadsIsSkippedAndTheLinesAroundItKept(@TempDir Path folder) throws IOException {
        String good = Files.readAllLines(edgeCases()).get(74);
        String deep =
                "{\"process_exec\":{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "},\"node_name\":\"a\"}";
        Path file = folder.resolve("tetragon.jsonl");
        Files.writeString(file, good + "\n" + deep + "\n" + good + "\n", StandardCharsets.UTF_8);

        TelemetryFiles.Read read = TelemetryFiles.read(file, "tetragon.jsonl");

        assertThat(reasonOn(read, 2)).startsWith("not valid JSON: ").contains("nesting depth");
        assertThat(read.at(1, ProcessExec.class).process().pid()).isEqualTo(12);
        assertThat(read.at(3, ProcessExec.class).process().pid()).isEqualTo(12);
    }

    @Test
    void aNumberTooLargeForADoubleIsNamedAsTheNumberItIs(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("tetragon.jsonl");
        Files.writeString(
                file,
                "{\"process_exec\":{\"process\":{\"exec_id\":\"eA==\",\"pid\":1e400,\"binary\":\"/bin/x\","
                        + "\"start_time\":\"2024-11-09T13:17:33Z\"}},\"node_name\":\"n\","
                        + "\"time\":\"2024-11-09T13:18:00Z\"}\n",
                StandardCharsets.UTF_8);

        TelemetryFiles.Read read = TelemetryFiles.read(file, "tetragon.jsonl");

        // Jackson writes an infinite double node as the string "Infinity", quotes and all.
        assertThat(reasonOn(read, 1))
                .isEqualTo(
                        "tetragon process_exec: field process.pid: expected a whole number of at most 64 bits, got 'Infinity'; record skipped");
    }

    @Test
    void anEventWithoutItsProcessIsSkippedAndAWholeOneOfAKindNotStitchedIsTaken(@TempDir Path folder)
            throws IOException {
        Path file = folder.resolve("tetragon.jsonl");
        String process =
                "{\"exec_id\":\"eA==\",\"pid\":7,\"binary\":\"/bin/x\"," + "\"start_time\":\"2024-11-09T13:17:33Z\"}";
        String tail = ",\"node_name\":\"n\",\"time\":\"2024-11-09T13:18:00Z\"}\n";
        Files.writeString(
                file,
                "{\"process_kprobe\":{}" + tail
                        + "{\"process_tracepoint\":{\"subsys\":\"raw_syscalls\"}" + tail
                        + "{\"process_tracepoint\":{\"process\":" + process + ",\"subsys\":\"raw_syscalls\"}" + tail,
                StandardCharsets.UTF_8);

        TelemetryFiles.Read read = TelemetryFiles.read(file, "tetragon.jsonl");

        assertThat(reasonOn(read, 1)).isEqualTo("tetragon process_kprobe: missing field process; record skipped");
        assertThat(reasonOn(read, 2)).isEqualTo("tetragon process_tracepoint: missing field process; record skipped");
        assertThat(read.summary().accepted()).isEqualTo(1);
        assertThat(read.events()).isEmpty();
    }

    @Test
    void aRecordMissingAFieldIsSkippedNamingTheField() {
        TelemetryFiles.Read read = TelemetryFiles.read(edgeCases(), "tetragon.jsonl");

        assertThat(reasonOn(read, 4)).isEqualTo("tetragon process_exec: missing field node_name; record skipped");
        assertThat(reasonOn(read, 7))
                .isEqualTo(
                        "tetragon process_exec: field process.pid: expected a whole number of at most 64 bits, got 'four'; record skipped");
        assertThat(reasonOn(read, 43))
                .isEqualTo("tetragon process_kprobe tcp_connect: missing field args[].sock_arg; record skipped");
    }

    @Test
    void fieldsInAnyOrderGiveTheSameProcessSharedAsOneInstance() {
        TelemetryFiles.Read read = TelemetryFiles.read(edgeCases(), "tetragon.jsonl");

        ProcessExec inOrder = read.at(1, ProcessExec.class);
        ProcessExec reversed = read.at(2, ProcessExec.class);
        assertThat(reversed.process()).isSameAs(inOrder.process());
        assertThat(reversed.parent().orElseThrow()).isSameAs(inOrder.parent().orElseThrow());
        ProcessExec other = read.at(3, ProcessExec.class);
        assertThat(other.process().pid()).isEqualTo(11);
        assertThat(other.process().host()).isSameAs(inOrder.process().host());
        assertThat(other.process().executable()).isSameAs(inOrder.process().executable());
        assertThat(other.process().container().orElseThrow())
                .isSameAs(inOrder.process().container().orElseThrow());
    }

    private static String reasonOn(TelemetryFiles.Read read, int line) {
        return read.summary().skipped().stream()
                .filter(skipped -> skipped.line() == line)
                .map(SkippedRecord::reason)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no skipped record on line " + line));
    }

    private static Path edgeCases() {
        try {
            return Path.of(TetragonDecoderTest.class
                    .getResource("/tetragon/edge-cases.jsonl")
                    .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("test resource tetragon/edge-cases.jsonl has no usable path", e);
        }
    }

    static String render(TelemetryFiles.Read read) {
        StringBuilder out = new StringBuilder();
        ReadSummary summary = read.summary();
        out.append("format=")
                .append(summary.format())
                .append(" accepted=")
                .append(summary.accepted())
                .append(" events=")
                .append(read.events().size())
                .append('\n');
        for (SkippedRecord skipped : summary.skipped()) {
            out.append("skipped line=")
                    .append(skipped.line())
                    .append(" reason=")
                    .append(skipped.reason())
                    .append('\n');
        }
        StringBuilder events = new StringBuilder();
        for (RuntimeEvent event : read.events()) {
            events.append(event).append('\n');
        }
        if (read.events().size() <= EVENTS_RENDERED_IN_FULL) {
            out.append(events);
        } else {
            out.append("events sha256=").append(sha256(events.toString())).append('\n');
        }
        return out.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TetragonDecoderTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
