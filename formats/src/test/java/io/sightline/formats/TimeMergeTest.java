package io.sightline.formats;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.RuntimeEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two sensors' files merged in event time, one of them carrying a record dated two hours ahead. */
class TimeMergeTest {

    private static final Instant T0 = Instant.parse("2024-11-14T09:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aRecordOutOfLineWithItsNeighboursDoesNotHoldItsFileBack() throws IOException {
        Path a = falco("a.jsonl", 1, 2, 3, 7200, 4, 5);
        Path b = falco("b.jsonl", 2.5, 3.5, 4.5);
        List<RuntimeEvent> merged = new ArrayList<>();

        TimeMerge.replay(List.of(new TimeMerge.Source(a, "a.jsonl"), new TimeMerge.Source(b, "b.jsonl")), merged::add);

        // a.jsonl:4 is merged at the time of a.jsonl:3, the record before it, and keeps its own time.
        assertThat(merged.stream()
                        .map(e -> e.source().file().charAt(0) + ":" + e.source().line()))
                .containsExactly("a:1", "a:2", "b:1", "a:3", "a:4", "b:2", "a:5", "b:3", "a:6");
        assertThat(merged.get(4).time()).isEqualTo(T0.plusSeconds(7200));
    }

    @Test
    void aRunOfRecordsOutOfLineIsMergedAtTheTimeBeforeIt() throws IOException {
        Path a = falco("a.jsonl", 1, 2, 3, 7200, 7201, 7202, 4, 5);
        Path b = falco("b.jsonl", 3.5, 4.5);
        List<RuntimeEvent> merged = new ArrayList<>();

        TimeMerge.replay(List.of(new TimeMerge.Source(a, "a.jsonl"), new TimeMerge.Source(b, "b.jsonl")), merged::add);

        assertThat(merged.stream()
                        .map(e -> e.source().file().charAt(0) + ":" + e.source().line()))
                .containsExactly("a:1", "a:2", "a:3", "a:4", "a:5", "a:6", "b:1", "a:7", "b:2", "a:8");
    }

    @Test
    void aFileThatJumpsAheadAndStaysThereIsMergedAtItsOwnTimes() throws IOException {
        Path a = falco("a.jsonl", 1, 2, 7200, 7201);
        Path b = falco("b.jsonl", 3, 7200.5);
        List<RuntimeEvent> merged = new ArrayList<>();

        TimeMerge.replay(List.of(new TimeMerge.Source(a, "a.jsonl"), new TimeMerge.Source(b, "b.jsonl")), merged::add);

        assertThat(merged.stream()
                        .map(e -> e.source().file().charAt(0) + ":" + e.source().line()))
                .containsExactly("a:1", "a:2", "b:1", "a:3", "b:2", "a:4");
    }

    /** A Falco alert file, one record per offset in seconds from T0, in the order given. */
    private Path falco(String name, double... seconds) throws IOException {
        String template = Files.readString(Path.of(
                        System.getProperty("sightline.scenarios"), "log4shell-lateral", "telemetry", "falco.jsonl"))
                .lines()
                .findFirst()
                .orElseThrow();
        String lines = java.util.Arrays.stream(seconds)
                .mapToObj(s -> {
                    Instant time = T0.plusNanos((long) (s * 1e9));
                    long nanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
                    return template.replace("\"2024-11-14T09:03:56.351548503Z\"", "\"" + time + "\"")
                            .replace("\"evt.time\":1731575036351548503", "\"evt.time\":" + nanos);
                })
                .collect(Collectors.joining("\n", "", "\n"));
        return Files.writeString(dir.resolve(name), lines);
    }
}
