package io.sightline.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sightline.formats.telemetry.TelemetryReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A body's Tetragon and audit lines are read without a tree; what the server makes of them must be
 * what the tree gives, record by record, on the shipped scenario's files (their broken lines too).
 */
class BodyRecordsTest {

    private static final Path TELEMETRY = Path.of(System.getProperty("sightline.scenarios", "../examples"))
            .resolve("log4shell-lateral")
            .resolve("telemetry");

    @Test
    void theLinesReadWithoutATreeGiveWhatTheTreeGives() throws IOException {
        for (Sensor sensor : List.of(Sensor.TETRAGON, Sensor.K8S_AUDIT)) {
            String body = Files.readString(TELEMETRY.resolve(sensor.path() + ".jsonl"));

            List<BodyRecords.Taken> read = BodyRecords.read(sensor, body);

            List<TelemetryReader.RawRecord> trees = TelemetryReader.splitRecords(body);
            assertThat(read).as(sensor.path()).hasSameSizeAs(trees);
            for (int i = 0; i < trees.size(); i++) {
                assertThat(read.get(i).index()).isEqualTo(trees.get(i).line());
                assertThat(read.get(i).checked())
                        .as("%s record %d", sensor.path(), i + 1)
                        .isEqualTo(BodyRecords.map(sensor, trees.get(i)));
            }
        }
    }

    @Test
    void aLineKeepsItsTextAndEachRecordOfAnArrayLineIsCountedOnItsOwn() throws IOException {
        List<String> tetragon = Files.readAllLines(TELEMETRY.resolve("tetragon.jsonl"));
        String audit = Files.readAllLines(TELEMETRY.resolve("k8s-audit.jsonl")).getFirst();
        String spaced = tetragon.get(1).replaceFirst("\\{", "{ ");
        String body = tetragon.get(0) + "\n\n" + audit + "\r\n[" + tetragon.get(2) + "," + tetragon.get(3) + "]\n"
                + spaced + "\n";

        List<BodyRecords.Taken> read = BodyRecords.read(Sensor.TETRAGON, body);

        assertThat(read)
                .extracting(BodyRecords.Taken::index, taken -> taken.checked() instanceof IngestService.Checked.Mapped)
                .containsExactly(tuple(1, true), tuple(2, false), tuple(3, true), tuple(4, true), tuple(5, true));
        assertThat(read.get(0).json()).isEqualTo(tetragon.get(0));
        assertThat(read.get(1).checked())
                .isEqualTo(new IngestService.Checked.Refused(
                        "expected a Tetragon JSON export event, got a k8s-audit record"));
        assertThat(read.get(4).json()).isEqualTo(spaced);
        assertThat(read.get(4).checked()).isEqualTo(mapped(tetragon.get(1)));
    }

    @Test
    void aByteOrderMarkOpensABodyButNoLineAfterItsFirstAsInAFile() throws IOException {
        List<String> tetragon = Files.readAllLines(TELEMETRY.resolve("tetragon.jsonl"));

        List<BodyRecords.Taken> marked =
                BodyRecords.read(Sensor.TETRAGON, "\uFEFF" + tetragon.get(0) + "\n" + tetragon.get(1));
        List<BodyRecords.Taken> markedInside =
                BodyRecords.read(Sensor.TETRAGON, tetragon.get(0) + "\n\uFEFF" + tetragon.get(1));

        assertThat(marked)
                .extracting(taken -> taken.checked() instanceof IngestService.Checked.Mapped)
                .containsExactly(true, true);
        assertThat(markedInside.get(0).checked()).isInstanceOf(IngestService.Checked.Mapped.class);
        assertThat(markedInside.get(1).checked())
                .isInstanceOfSatisfying(
                        IngestService.Checked.Refused.class,
                        refused -> assertThat(refused.reason())
                                .startsWith("not valid JSON: Unexpected character ('\uFEFF' (code 65279 / 0xfeff))"));
    }

    private static IngestService.Checked mapped(String line) {
        return BodyRecords.map(
                Sensor.TETRAGON, TelemetryReader.splitRecords(line).getFirst());
    }
}
