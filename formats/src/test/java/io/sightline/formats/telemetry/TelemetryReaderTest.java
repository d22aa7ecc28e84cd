package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.event.ApiCall;
import io.sightline.event.Detection;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessRef;
import io.sightline.event.SkippedRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private final String falcoAlert = firstLine("falco/channels.md.L170.json");
    private final String auditEvent = firstLine("k8s-audit/exec_pod.json");
    private final String tetragonExec = firstLine("tetragon/events.json");

    @Test
    void aRequestBodyKeepsTheLineOfARecordAloneAndNumbersEveryRecord() throws IOException {
        String spaced = "{\"output\": \"spaced\", \"rule\": \"r\", \"time\": \"2024-11-14T09:00:00Z\"}";
        String pair = "[{\"a\": 1}, {\"b\": 2}]";
        String body = falcoAlert + "\r\n\r\n" + spaced + "\r\n" + pair + "\n{\"cut\": \n" + auditEvent;

        var records = TelemetryReader.splitRecords(body);

        assertThat(records)
                .extracting(
                        TelemetryReader.RawRecord::line,
                        TelemetryReader.RawRecord::json,
                        record -> record.problem().isEmpty())
                .containsExactly(
                        tuple(1, falcoAlert, true),
                        tuple(2, spaced, true),
                        tuple(3, "{\"a\":1}", true),
                        tuple(4, "{\"b\":2}", true),
                        tuple(5, "", false),
                        tuple(6, auditEvent, true));
        assertThat(records.get(2).text())
                .as("a line of two records keeps neither")
                .isEmpty();
        assertThat(TelemetryReader.splitRecords(" " + spaced + "\n"))
                .singleElement()
                .extracting(TelemetryReader.RawRecord::json)
                .isEqualTo(spaced);
        String compact = JSON.readTree(spaced).toString();
        assertThat(TelemetryReader.splitRecords("[" + spaced + "]"))
                .as("an array of one record is not the record")
                .singleElement()
                .extracting(TelemetryReader.RawRecord::json)
                .isEqualTo(compact);
        assertThat(TelemetryReader.splitRecords("{\"kind\":\"EventList\",\"items\":[" + spaced + "]}\n" + auditEvent))
                .extracting(TelemetryReader.RawRecord::json)
                .containsExactly(compact, auditEvent);
    }

    @Test
    void aJsonErrorIsWordedWithoutTheParserSettingsThatWouldAllowIt() {
        String deep = "[".repeat(1001) + "]".repeat(1001);

        assertThat(TelemetryReader.splitRecords("{\"a\":1} {\"b\":2}\n{\"c\":3}"))
                .extracting(TelemetryReader.RawRecord::problem)
                .containsExactly("not valid JSON: another JSON value follows the first on the same line", "");
        assertThat(TelemetryReader.splitRecords("{\"pid\": NaN}\n{\"c\":3}")
                        .getFirst()
                        .problem())
                .isEqualTo("not valid JSON: Non-standard token 'NaN'");
        assertThat(TelemetryReader.splitRecords(deep + "\n{\"c\":3}").getFirst().problem())
                .isEqualTo("not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)");
    }

    @Test
    void emptyFileHasNoRecords() throws IOException {
        ReadSummary summary = read("").summary();

        assertThat(summary.accepted()).isZero();
        assertThat(summary.skipped()).isEmpty();
        assertThat(summary.format()).isEqualTo("none");
    }

    @Test
    void blankLinesAreNotRecords() throws IOException {
        TelemetryFiles.Read read = read("\n   \n" + falcoAlert + "\n\n" + auditEvent + "\n\n");

        assertThat(read.summary().accepted()).isEqualTo(2);
        assertThat(read.summary().skipped()).isEmpty();
        assertThat(read.events()).extracting(event -> event.source().line()).containsExactly(3, 5);
    }

    @Test
    void brokenLineInTheMiddleCostsNeitherNeighbour() throws IOException {
        String cut = tetragonExec.substring(0, 300);

        TelemetryFiles.Read read = read(falcoAlert + "\n" + cut + "\n" + auditEvent + "\n");

        assertThat(read.summary().accepted()).isEqualTo(2);
        assertThat(read.at(1, Detection.class).rule()).isEqualTo("Terminal shell in container");
        assertThat(read.at(3, ApiCall.class).auditId()).isEqualTo("ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6");
        assertThat(read.summary().skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.line()).isEqualTo(2);
            assertThat(skipped.reason())
                    .startsWith("not valid JSON: Unexpected end-of-input")
                    .endsWith("; line skipped")
                    .doesNotContain("REDACTED");
        });
        assertThat(read.summary().format()).isEqualTo("falco+k8s-audit");
    }

    @Test
    void jsonLinesWhoseFirstLineIsCutShortIsStillReadLineByLine() throws IOException {
        String cut = tetragonExec.substring(0, tetragonExec.length() / 2);

        TelemetryFiles.Read read = read(cut + "\n" + tetragonExec + "\n" + falcoAlert + "\n");

        assertThat(read.summary().accepted()).isEqualTo(2);
        assertThat(read.skippedLines()).containsExactly(1);
        assertThat(read.at(2, ProcessExec.class).process().pid()).isEqualTo(68_790);
    }

    @Test
    void exporterLogLineInTheStreamIsSkippedWithJacksonsReason() throws IOException {
        String logLine = "time=\"2024-11-14T09:14:20Z\" level=warning msg=\"Failed to write event\"";

        TelemetryFiles.Read read = read(tetragonExec + "\n" + logLine + "\n" + tetragonExec + "\n");

        assertThat(read.summary().accepted()).isEqualTo(2);
        assertThat(read.summary().skipped())
                .singleElement()
                .extracting(SkippedRecord::reason)
                .asString()
                .startsWith("not valid JSON: Unrecognized token 'time'");
    }

    @Test
    void prettyPrintedSingleRecordIsOneRecordOnItsFirstLine() {
        TelemetryFiles.Read read = TelemetryFiles.readCorpus("tetragon/nc_process_exec.json");

        assertThat(read.summary().accepted()).isEqualTo(1);
        assertThat(read.summary().skipped()).isEmpty();
        assertThat(read.at(1, ProcessExec.class).process().executable()).isEqualTo("/usr/bin/nc");
    }

    @Test
    void topLevelArrayGivesEachElementTheLineItStartsOn() throws IOException {
        TelemetryFiles.Read read = read("[\n" + falcoAlert + ",\n\n" + auditEvent + "\n]\n");

        assertThat(read.summary().accepted()).isEqualTo(2);
        assertThat(read.events()).extracting(event -> event.source().line()).containsExactly(2, 4);
    }

    @Test
    void wrapperObjectIsUnwrappedAndAnEmptyOneHasNoRecords() throws IOException {
        String eventList = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[\n" + auditEvent
                + ",\n" + firstLine("k8s-audit/attach_pod.json") + "\n]}\n";

        TelemetryFiles.Read events = read(eventList);
        TelemetryFiles.Read noFindings = read("{\"Findings\":[\n]}\n");

        assertThat(events.summary().accepted()).isEqualTo(2);
        assertThat(events.events()).extracting(event -> event.source().line()).containsExactly(2, 3);
        assertThat(noFindings.summary().accepted()).isZero();
        assertThat(noFindings.summary().skipped()).isEmpty();
    }

    @Test
    void documentCutShortKeepsTheRecordsBeforeTheCutAndReportsWhereItBroke() throws IOException {
        String cut = auditEvent.substring(0, 120);

        TelemetryFiles.Read read = read("{\"items\":[\n" + falcoAlert + ",\n" + cut + "\n");

        assertThat(read.summary().accepted()).isEqualTo(1);
        assertThat(read.at(2, Detection.class).sensor()).isEqualTo("falco");
        assertThat(read.summary().skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.line()).isEqualTo(3);
            assertThat(skipped.reason())
                    .startsWith("not valid JSON: ")
                    .endsWith("; the rest of the document is not read");
        });
    }

    @Test
    void recordOfNoKnownFormatNamesItsFieldsButNotItsValues() throws IOException {
        TelemetryFiles.Read read = read("{\"hello\":\"secret value\",\"n\":1}\n42\n");

        assertThat(read.summary().accepted()).isZero();
        assertThat(read.summary().skipped())
                .extracting(SkippedRecord::reason)
                .containsExactly(
                        "no known format: expected a Tetragon event, Falco alert, Kubernetes audit Event,"
                                + " GuardDuty finding, AUOMS record, Sysmon for Linux event or Tracee event, got an object with fields [hello, n]; record skipped",
                        "no known format: expected a Tetragon event, Falco alert, Kubernetes audit Event,"
                                + " GuardDuty finding, AUOMS record, Sysmon for Linux event or Tracee event, got a JSON number; record skipped");
    }

    @Test
    void aLoneCarriageReturnEndsNoLineSoLaterLinesKeepTheirNumbers() throws IOException {
        // grep -n numbers these lines 1 to 4: the junk on line 2 holds a bare CR, line 3 ends CR LF.
        TelemetryFiles.Read read = read(tetragonExec + "\njunk\rmore junk\n" + tetragonExec + "\r\n{\"hello\":1}\n");

        assertThat(read.summary().accepted()).isEqualTo(2);
        assertThat(read.at(3, ProcessExec.class).process().pid()).isEqualTo(68_790);
        assertThat(read.summary().skipped()).extracting(SkippedRecord::line).containsExactly(2, 4);
    }

    @Test
    void linesAcrossManyBlocksKeepTheirNumbersWhateverEndsThemAndHoweverLongTheyAre() throws IOException {
        // Each record's pid is the number of the line it is on, so a line numbered wrongly, cut
        // where a block ends or read twice shows as a pid that differs from its line.
        StringBuilder content = new StringBuilder("\uFEFF");
        int records = 0;
        for (int line = 1; line <= 400; line++) {
            if (line % 7 == 0) {
                content.append(line % 2 == 0 ? "   " : "");
            } else {
                String arguments = line == 150 ? "x".repeat(200_000) : "-n " + "y".repeat(line * 7 % 1500);
                content.append(tetragonExecOnLine(line, arguments));
                records++;
            }
            content.append(line % 3 == 0 ? "\r\n" : "\n");
        }

        TelemetryFiles.Read read = read(content.toString());

        assertThat(read.summary().skipped()).isEmpty();
        assertThat(read.summary().accepted()).isEqualTo(records);
        assertThat(read.events())
                .hasSize(records)
                .allSatisfy(event -> assertThat(((ProcessExec) event).process().pid())
                        .isEqualTo(event.source().line()));
        assertThat(read.at(150, ProcessExec.class).process().arguments()).hasSize(200_000);
        assertThat(read.at(398, ProcessExec.class).process().arguments()).isEqualTo("-n " + "y".repeat(398 * 7 % 1500));
    }

    private String tetragonExecOnLine(int line, String arguments) throws IOException {
        ObjectNode record = (ObjectNode) JSON.readTree(tetragonExec);
        ObjectNode process = (ObjectNode) record.path("process_exec").path("process");
        process.put("pid", line);
        process.put("exec_id", "exec-on-line-" + line);
        process.put("arguments", arguments);
        return JSON.writeValueAsString(record);
    }

    @Test
    void aLineInAnotherEncodingOrOpeningWithAByteOrderMarkPastTheFirstIsNotJson() throws IOException {
        // A file's lines are UTF-8, and only its first may open with a byte order mark.
        byte[] utf16 = auditEvent.getBytes(StandardCharsets.UTF_16LE);
        byte[] marked = ("\uFEFF" + auditEvent).getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        content.writeBytes((auditEvent + "\n").getBytes(StandardCharsets.UTF_8));
        content.writeBytes(utf16);
        content.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
        content.writeBytes(marked);
        content.writeBytes(("\n" + auditEvent + "\n").getBytes(StandardCharsets.UTF_8));
        Path path = folder.resolve("audit.jsonl");
        Files.write(path, content.toByteArray());

        TelemetryFiles.Read read = TelemetryFiles.read(path, "telemetry/audit.jsonl");

        assertThat(read.events()).extracting(event -> event.source().line()).containsExactly(1, 4);
        assertThat(read.summary().skipped())
                .extracting(SkippedRecord::line, skipped -> skipped.reason().startsWith("not valid JSON"))
                .containsExactly(tuple(2, true), tuple(3, true));
    }

    @Test
    void malformedUtf8InsideARecordBecomesTheReplacementCharacterAndTheRecordIsRead() throws IOException {
        // The lines are decoded from their bytes, but malformed UTF-8 must read as a read of the
        // characters gives it, each bad byte U+FFFD: a byte no sequence starts with (0xFF), and an
        // overlong form of '/' (0xC0 0xAF), which a lenient decoder turns into '/' and so into
        // another path.
        byte[] exec = tetragonExec.getBytes(StandardCharsets.UTF_8);
        Path path = folder.resolve("broken-utf8.jsonl");
        byte[] newline = "\n".getBytes(StandardCharsets.UTF_8);
        Files.write(
                path,
                concat(
                        exec,
                        newline,
                        inserted(exec, "\"binary\":\"/usr/bin/", (byte) 0xFF),
                        newline,
                        inserted(inserted(exec, "\"binary\":\"/usr/bin", (byte) 0xAF), "\"binary\":\"/usr/bin", (byte)
                                0xC0)));

        TelemetryFiles.Read read = TelemetryFiles.read(path, "telemetry/broken-utf8.jsonl");

        assertThat(read.summary().accepted()).isEqualTo(3);
        assertThat(read.at(2, ProcessExec.class).process().executable()).isEqualTo("/usr/bin/\uFFFDnetserver");
        assertThat(read.at(3, ProcessExec.class).process().executable()).isEqualTo("/usr/bin\uFFFD\uFFFD/netserver");
    }

    /** The line with {@code inserted} placed right after the first {@code after}. */
    private static byte[] inserted(byte[] line, String after, byte inserted) {
        int at = new String(line, StandardCharsets.UTF_8).indexOf(after);
        assertThat(at).as("where to insert").isNotNegative();
        at += after.length();
        byte[] broken = new byte[line.length + 1];
        System.arraycopy(line, 0, broken, 0, at);
        broken[at] = inserted;
        System.arraycopy(line, at, broken, at + 1, line.length - at);
        return broken;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    @Test
    void tetragonEventThatIsNoObjectIsSkippedAndNamed() throws IOException {
        TelemetryFiles.Read read = read(tetragonExec + "\n{\"process_exec\":[],\"node_name\":\"n1\"}\n"
                + "{\"process_kprobe\":[]}\n{\"process_exit\":\"x\"}\n" + tetragonExec + "\n");

        assertThat(read.summary().accepted()).isEqualTo(2);
        assertThat(read.summary().skipped())
                .extracting(SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(
                        tuple(2, "tetragon: expected process_exec to be an object, got a JSON array; record skipped"),
                        tuple(3, "tetragon: expected process_kprobe to be an object, got a JSON array; record skipped"),
                        tuple(4, "tetragon: expected process_exit to be an object, got a JSON string; record skipped"));
    }

    @Test
    void aTimeTheClockCannotHoldIsSkippedNotWrappedAround() throws IOException {
        // Nanoseconds since 1970 in a long reach from 1677-09-21 to 2262-04-11. An exec is dated
        // by its process's start, so the start of 1600 is the record's time.
        ObjectNode placeholder = (ObjectNode) JSON.readTree(tetragonExec);
        placeholder.put("time", "9999-12-31T23:59:59Z");
        ObjectNode ancient = (ObjectNode) JSON.readTree(tetragonExec);
        ((ObjectNode) ancient.path("process_exec").path("process")).put("start_time", "1600-01-01T00:00:00Z");

        TelemetryFiles.Read read = read(tetragonExec + "\n" + JSON.writeValueAsString(placeholder) + "\n"
                + JSON.writeValueAsString(ancient) + "\n");

        assertThat(read.summary().accepted()).isEqualTo(1);
        assertThat(read.summary().skipped())
                .extracting(SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(
                        tuple(
                                2,
                                "tetragon: time 9999-12-31T23:59:59Z is outside the years 1677 to 2262"
                                        + " that Sightline's clock holds; record skipped"),
                        tuple(
                                3,
                                "tetragon: time 1600-01-01T00:00:00Z is outside the years 1677"
                                        + " to 2262 that Sightline's clock holds; record skipped"));
    }

    @Test
    void anAuditEventWithSourceIpsNotAListOrAStatusNoServerSendsIsSkippedAndNamed() throws IOException {
        ObjectNode lone = (ObjectNode) JSON.readTree(auditEvent);
        lone.put("sourceIPs", "10.0.1.167");
        ObjectNode huge = (ObjectNode) JSON.readTree(auditEvent);
        ((ObjectNode) huge.path("responseStatus")).put("code", 4_294_967_496L);

        TelemetryFiles.Read read =
                read(auditEvent + "\n" + JSON.writeValueAsString(lone) + "\n" + JSON.writeValueAsString(huge) + "\n");

        // Before, the lone address was dropped without a word, and the status wrapped to 200.
        assertThat(read.summary().accepted()).isEqualTo(1);
        assertThat(read.summary().skipped())
                .extracting(SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(
                        tuple(
                                2,
                                "k8s-audit event: field sourceIPs: expected a list of addresses,"
                                        + " got '\"10.0.1.167\"'; record skipped"),
                        tuple(
                                3,
                                "k8s-audit event: field responseStatus.code: expected an HTTP status,"
                                        + " got '4294967496'; record skipped"));
    }

    @Test
    void aProcessDescribedAgainIsTheSameOneAndADescriptionThatChangedIsBuiltAnew() throws IOException {
        ObjectNode changed = (ObjectNode) JSON.readTree(tetragonExec);
        ((ObjectNode) changed.path("process_exec").path("process")).put("arguments", "--changed");
        // A field the process is not built from: the same process, though not the same bytes.
        ObjectNode recounted = (ObjectNode) JSON.readTree(tetragonExec);
        ((ObjectNode) recounted.path("process_exec").path("process")).put("refcnt", 7);
        String changedLine = JSON.writeValueAsString(changed);

        TelemetryFiles.Read read = read(String.join(
                "\n", tetragonExec, tetragonExec, JSON.writeValueAsString(recounted), changedLine, changedLine));

        ProcessRef first = read.at(1, ProcessExec.class).process();
        assertThat(read.at(2, ProcessExec.class).process()).isSameAs(first);
        assertThat(read.at(3, ProcessExec.class).process()).isSameAs(first);
        ProcessRef changedOne = read.at(4, ProcessExec.class).process();
        assertThat(changedOne.arguments()).isEqualTo("--changed");
        assertThat(changedOne.execId()).isEqualTo(first.execId());
        assertThat(changedOne.startTime()).isEqualTo(first.startTime());
        assertThat(read.at(5, ProcessExec.class).process()).isSameAs(changedOne);
    }

    @Test
    void recordItsFormatRejectsIsSkippedWithTheMissingField() throws IOException {
        ObjectNode exec = (ObjectNode) JSON.readTree(tetragonExec);
        ((ObjectNode) exec.path("process_exec").path("process")).remove("exec_id");

        TelemetryFiles.Read read = read(tetragonExec + "\n" + JSON.writeValueAsString(exec) + "\n");

        assertThat(read.summary().accepted()).isEqualTo(1);
        assertThat(read.summary().skipped())
                .containsExactly(new SkippedRecord(
                        "telemetry/test.jsonl",
                        2,
                        "tetragon process_exec: missing field process.exec_id; record skipped"));
    }

    private TelemetryFiles.Read read(String content) throws IOException {
        Path path = folder.resolve("test.jsonl");
        Files.writeString(path, content, StandardCharsets.UTF_8);
        return TelemetryFiles.read(path, "telemetry/test.jsonl");
    }

    private static String firstLine(String corpusFile) {
        try {
            return Files.readAllLines(TelemetryFiles.corpus(corpusFile)).getFirst();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read test resource " + corpusFile, e);
        }
    }
}
