package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.server.ingest.IngestConfig;
import io.sightline.server.ingest.Sensor;
import io.sightline.server.ingest.TetragonTailer;
import io.sightline.store.Database;
import io.sightline.store.IngestLog;
import io.sightline.store.LogEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code serve --tail-tetragon FILE}: a file written by the test as Tetragon writes its export
 * file, appended to, rotated by rename and by copy-truncate, cut mid-line, and read across server
 * restarts. The tests drive {@link TetragonTailer#pollOnce} themselves; each checks that the log
 * holds every line exactly once, in file order.
 */
class TailTest {

    private static final Path LOG4SHELL = Scenario.examples().resolve("log4shell-lateral");

    @TempDir
    Path storeDir;

    @TempDir
    Path logDir;

    private Path file;
    private List<String> lines;

    @BeforeEach
    void lines() {
        file = logDir.resolve("tetragon.log");
        lines = new Scenario(LOG4SHELL)
                .records(Sensor.TETRAGON).stream()
                        .map(r -> r.node().toString())
                        .limit(12)
                        .toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aPartialLineWaitsForItsNewlineAndARestartResumesAfterTheLastLoggedLine(String kind) throws Exception {
        String store = TestServer.storeUrl(kind, storeDir);
        try (TestServer server = TestServer.start(config(store))) {
            TetragonTailer tailer = server.server.tailers().getFirst();
            assertThat(tailer.pollOnce()).as("no file yet").isZero();
            append(lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(2).substring(0, 40));
            assertThat(tailer.pollOnce()).isEqualTo(2);
            assertThat(tailer.pollOnce()).as("the cut line waits").isZero();
            append(lines.get(2).substring(40) + "\n" + lines.get(3) + "\n");
            assertThat(tailer.pollOnce()).isEqualTo(2);
        }
        append(lines.get(4) + "\n" + lines.get(5) + "\n");
        try (TestServer restarted = TestServer.start(config(store))) {
            TetragonTailer tailer = restarted.server.tailers().getFirst();
            assertThat(tailer.pollOnce()).as("only what came while it was down").isEqualTo(2);
            restarted.awaitIngested();
            assertThat(restarted.getJson("/api/v1/status").path("applied_seq").asLong())
                    .isEqualTo(6);
        }
        assertThat(logged(store)).containsExactlyElementsOf(lines.subList(0, 6));
        assertThat(evidence(store)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aRenameRotationIsReadToTheEndOfTheOldFileThenTheNewOne() throws Exception {
        String store = TestServer.storeUrl("sqlite", storeDir);
        try (TestServer server = TestServer.start(config(store))) {
            TetragonTailer tailer = server.server.tailers().getFirst();
            append(lines(0, 3));
            assertThat(tailer.pollOnce()).isEqualTo(3);
            // Written after the last poll, the last line without its newline: it is taken once the
            // file is rotated away, since it cannot grow any more.
            append(lines.get(3) + "\n" + lines.get(4));
            Files.move(file, logDir.resolve("tetragon-2024-11-14T09-00-00.000.log"));
            assertThat(tailer.pollOnce()).as("renamed, no new file yet").isEqualTo(1);
            append(lines(5, 7));
            assertThat(tailer.pollOnce()).isEqualTo(3);
            append(lines(7, 8));
            assertThat(tailer.pollOnce()).isEqualTo(1);
        }
        assertThat(logged(store)).containsExactlyElementsOf(lines.subList(0, 8));
    }

    @Test
    void twoRotationsBetweenPollsLoseNothing() throws Exception {
        String store = TestServer.storeUrl("sqlite", storeDir);
        try (TestServer server = TestServer.start(config(store))) {
            TetragonTailer tailer = server.server.tailers().getFirst();
            append(lines(0, 2));
            assertThat(tailer.pollOnce()).isEqualTo(2);
            Instant polled = Files.getLastModifiedTime(file).toInstant();
            append(lines(2, 3));
            Path first = logDir.resolve("tetragon.log.2");
            Files.move(file, first);
            Files.setLastModifiedTime(first, FileTime.from(polled.plusSeconds(1)));
            append(lines(3, 5));
            Path second = logDir.resolve("tetragon.log.1");
            Files.move(file, second);
            Files.setLastModifiedTime(second, FileTime.from(polled.plusSeconds(2)));
            append(lines(5, 6));
            Files.writeString(logDir.resolve("tetragon-other.log"), lines(6, 7));
            assertThat(tailer.pollOnce()).isEqualTo(4);
        }
        assertThat(logged(store)).containsExactlyElementsOf(lines.subList(0, 6));
    }

    @Test
    void aCopyTruncateRotationReadsTheTailFromTheCopy() throws Exception {
        String store = TestServer.storeUrl("sqlite", storeDir);
        try (TestServer server = TestServer.start(config(store))) {
            TetragonTailer tailer = server.server.tailers().getFirst();
            append(lines(0, 3));
            assertThat(tailer.pollOnce()).isEqualTo(3);
            append(lines(3, 5));
            Files.copy(file, logDir.resolve("tetragon.log.1"));
            Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
            append(lines(5, 6));
            assertThat(tailer.pollOnce()).isEqualTo(3);
            // Truncated and written past the old offset before the next poll: the first line differs.
            append(lines(6, 7));
            assertThat(tailer.pollOnce()).isEqualTo(1);
            Files.copy(file, logDir.resolve("tetragon.log.2"));
            Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
            append(lines(7, 11));
            assertThat(tailer.pollOnce()).isEqualTo(4);
        }
        assertThat(logged(store)).containsExactlyElementsOf(lines.subList(0, 11));
    }

    @Test
    void aRestartAfterARotationResumesInTheRotatedFile() throws Exception {
        String store = TestServer.storeUrl("sqlite", storeDir);
        try (TestServer server = TestServer.start(config(store))) {
            append(lines(0, 3));
            assertThat(server.server.tailers().getFirst().pollOnce()).isEqualTo(3);
        }
        append(lines(3, 5));
        Files.move(file, logDir.resolve("tetragon-2024-11-14T09-00-00.000.log"));
        append(lines(5, 6));
        try (TestServer restarted = TestServer.start(config(store))) {
            assertThat(restarted.server.tailers().getFirst().pollOnce()).isEqualTo(3);
        }
        assertThat(logged(store)).containsExactlyElementsOf(lines.subList(0, 6));
    }

    @Test
    void badLinesAreSkippedAndTheirNeighboursKept() throws Exception {
        String store = TestServer.storeUrl("sqlite", storeDir);
        String falco =
                new Scenario(LOG4SHELL).records(Sensor.FALCO).getFirst().node().toString();
        try (TestServer server = TestServer.start(config(store))) {
            TetragonTailer tailer = server.server.tailers().getFirst();
            append(lines.get(0) + "\n{\"process_exec\": {\"time\": \"cut short\"\n" + lines.get(1) + "\n\n" + falco
                    + "\n" + lines.get(2) + "\n");
            assertThat(tailer.pollOnce()).isEqualTo(6);
            assertThat(tailer.counts()).isEqualTo(new TetragonTailer.Counts(4, 2));
            server.awaitIngested();
            assertThat(server.getJson("/api/v1/status")
                            .path("skipped")
                            .path("ingest/tetragon")
                            .asLong())
                    .isEqualTo(2);
        }
        assertThat(logged(store)).containsExactlyElementsOf(lines.subList(0, 3));
    }

    @Test
    void theServerPollsOnItsOwn() throws Exception {
        String store = TestServer.storeUrl("sqlite", storeDir);
        ServerConfig polling = config(store)
                .withIngest(IngestConfig.DEFAULTS
                        .withTetragonFiles(List.of(file))
                        .withTailPollInterval(Duration.ofMillis(20)));
        try (TestServer server = TestServer.start(polling)) {
            append(lines(0, 4));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.getJson("/api/v1/status").path("log_seq").asLong() < 4 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(server.getJson("/api/v1/status").path("log_seq").asLong())
                    .isEqualTo(4);
        }
        assertThat(logged(store)).containsExactlyElementsOf(lines.subList(0, 4));
    }

    private ServerConfig config(String store) {
        return TestServer.config(store, 50)
                .withIngest(
                        IngestConfig.DEFAULTS.withTetragonFiles(List.of(file)).withTailPollInterval(Duration.ZERO));
    }

    private String lines(int from, int to) {
        StringBuilder text = new StringBuilder();
        lines.subList(from, to).forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    private void append(String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<String> logged(String store) {
        return entries(store).stream().map(LogEntry::body).toList();
    }

    private static List<Long> evidence(String store) {
        return entries(store).stream()
                .filter(e -> e.stream().equals("ingest/tetragon"))
                .map(LogEntry::streamSeq)
                .toList();
    }

    private static List<LogEntry> entries(String store) {
        try (Database database = Database.open(store)) {
            IngestLog log = new IngestLog(database);
            List<LogEntry> entries = new ArrayList<>();
            log.read(1, log.lastSeq(), entries::add);
            return entries;
        }
    }
}
