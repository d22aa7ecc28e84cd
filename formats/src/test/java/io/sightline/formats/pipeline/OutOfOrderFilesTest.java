package io.sightline.formats.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.engine.EngineConfig;
import io.sightline.event.SourceRecord;
import io.sightline.formats.KevCatalogue;
import io.sightline.storyboard.Storyboard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A telemetry file far out of time order (here each file of the log4shell-lateral scenario with its
 * lines reversed, so that nearly every record comes after the ones it follows) is stitched from its
 * records sorted by time: the same storyboards as the scenario in order, named by the reversed
 * files' lines.
 */
class OutOfOrderFilesTest {

    private static final Path SCENARIO = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral");
    private static final Set<String> KEV = KevCatalogue.bundled();

    @TempDir
    Path reversed;

    @Test
    void aFileWithItsLinesReversedGivesTheStoryboardsOfTheFileInOrder() throws IOException {
        copyWithTelemetryReversed();

        AnalysisResult inOrder = analyze(SCENARIO);
        AnalysisResult backwards = analyze(reversed);

        assertThat(inOrder.sortedByTime()).isFalse();
        assertThat(inOrder.lateEvents()).isZero();
        assertThat(backwards.sortedByTime()).isTrue();
        assertThat(backwards.lateEvents()).isPositive();
        assertThat(backwards.storyboards()).hasSameSizeAs(inOrder.storyboards());
        for (int i = 0; i < inOrder.storyboards().size(); i++) {
            Storyboard expected = inOrder.storyboards().get(i);
            Storyboard got = backwards.storyboards().get(i);
            assertThat(got.id()).isEqualTo(expected.id());
            assertThat(got.severity()).isEqualTo(expected.severity());
            assertThat(linesBack(got.records())).as(expected.id()).isEqualTo(lines(expected.records()));
        }
    }

    @Test
    void recordsWhoseClockJumpedYearsStayWithTheRecordsAroundThem() throws IOException {
        // Lines 307-309 of the Tetragon file are the exploit's shell, a second shell and curl's
        // connect. Dated five years back they come late, which sorts the telemetry; sorted by
        // their own time they would lead the file, years from the processes they belong with.
        copyWithTetragonLines(307, 309, "2024-11-14", "2019-11-14");

        AnalysisResult inOrder = analyze(SCENARIO);
        AnalysisResult jumped = analyze(reversed);

        assertThat(jumped.sortedByTime()).isTrue();
        assertThat(jumped.lateEvents()).isEqualTo(3);
        assertThat(lines(jumped.storyboards().getFirst().records()))
                .isEqualTo(lines(inOrder.storyboards().getFirst().records()));
    }

    private void copyWithTetragonLines(int from, int to, String date, String replacement) throws IOException {
        try (Stream<Path> files = Files.walk(SCENARIO)) {
            for (Path source : files.filter(Files::isRegularFile).toList()) {
                Path target = reversed.resolve(SCENARIO.relativize(source).toString());
                Files.createDirectories(target.getParent());
                Files.copy(source, target);
            }
        }
        Path tetragon = reversed.resolve("telemetry/tetragon.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(tetragon));
        for (int line = from; line <= to; line++) {
            lines.set(line - 1, lines.get(line - 1).replace(date, replacement));
        }
        Files.write(tetragon, lines);
    }

    private static AnalysisResult analyze(Path folder) {
        return AnalysisPipeline.run(folder, AnalysisPipeline.layout(folder), KEV, EngineConfig.DEFAULTS);
    }

    private void copyWithTelemetryReversed() throws IOException {
        try (Stream<Path> files = Files.walk(SCENARIO)) {
            for (Path from : files.filter(Files::isRegularFile).toList()) {
                Path to = reversed.resolve(SCENARIO.relativize(from).toString());
                Files.createDirectories(to.getParent());
                if (from.toString().endsWith(".jsonl")) {
                    List<String> lines = new ArrayList<>(Files.readAllLines(from));
                    Collections.reverse(lines);
                    Files.write(to, lines);
                } else {
                    Files.copy(from, to);
                }
            }
        }
    }

    /** file:line of each record. */
    private static Set<String> lines(List<SourceRecord> records) {
        Set<String> named = new TreeSet<>();
        records.forEach(r -> named.add(r.file() + ":" + r.line()));
        return named;
    }

    /** file:line of each record in the file before it was reversed. */
    private Set<String> linesBack(List<SourceRecord> records) throws IOException {
        Set<String> named = new TreeSet<>();
        for (SourceRecord record : records) {
            int count = Files.readAllLines(reversed.resolve(record.file())).size();
            int line = record.file().endsWith(".jsonl") ? count + 1 - record.line() : record.line();
            named.add(record.file() + ":" + line);
        }
        return named;
    }
}
