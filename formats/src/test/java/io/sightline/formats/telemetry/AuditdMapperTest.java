package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.ProcessExec;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.RecordException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw auditd logs: elastic/go-libaudit's audit-rhel7.log (one sample record per type) and the
 * events of its aucoalesce YAML test cases, taken out of the YAML as a log would hold them.
 */
class AuditdMapperTest {

    static final String RHEL7 = "auditd/audit-rhel7.log";
    static final String YAML = "auditd/ubuntu-16.10-linux-4.8.0.yaml";

    @TempDir
    Path temp;

    @Test
    void rhel7SamplesGroupBySerialAndOnlyTheUnstampedRecordAndTheLoneConnectAreSkipped() {
        TelemetryFiles.Read read = TelemetryFiles.readCorpus(RHEL7);

        assertThat(read.summary().format()).isEqualTo("auditd");
        // 50 lines; serial 479 (lines 10, 15, 19) and serial 17 (lines 18, 27) are one event each.
        assertThat(read.summary().records()).isEqualTo(47);
        assertThat(read.summary().accepted()).isEqualTo(45);
        assertThat(read.summary().skipped())
                .containsExactlyInAnyOrder(
                        new SkippedRecord(
                                RHEL7,
                                31,
                                "auditd: no msg=audit(seconds.millis:serial) stamp in \"type=UNKNOWN[1329] msg=?\";"
                                        + " it names no event; record skipped"),
                        new SkippedRecord(
                                RHEL7,
                                28,
                                "auditd event 1490801406.273:512226 SYSCALL 42: no SOCKADDR record with the"
                                        + " address in the event; event skipped"));
        // No execve SYSCALL, no successful connect, open or accept: nothing to map.
        assertThat(read.events()).isEmpty();
    }

    @Test
    void recordsOfOneSerialFormOneEventAtItsFirstLine() throws IOException, RecordException {
        List<String> lines = Files.readAllLines(TelemetryFiles.corpus(RHEL7));
        AuditdMapper.Events grouping = new AuditdMapper.Events(RHEL7);
        List<AuditdMapper.Event> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (i + 1 != 31) {
                events.addAll(grouping.add(i + 1, AuditdMapper.Record.parse(lines.get(i))));
            }
        }
        events.addAll(grouping.finish());

        AuditdMapper.Event auditctl = events.stream()
                .filter(event -> event.serial().equals("1481077231.371:479"))
                .findFirst()
                .orElseThrow();
        assertThat(auditctl.line()).isEqualTo(10);
        assertThat(auditctl.records()).extracting(AuditdMapper.Record::type).containsExactly("CWD", "EXECVE", "PATH");
        assertThat(auditctl.first("EXECVE").orElseThrow().text("a4")).hasValue("arch=b32");
        assertThat(auditctl.first("PATH").orElseThrow().text("name")).hasValue("/sbin/auditctl");
        assertThat(events).extracting(AuditdMapper.Event::line).isSorted();
    }

    @Test
    void hexEncodedValuesAreDecodedAndQuotedOnesKept() throws RecordException {
        List<String> lines = lines(RHEL7);

        assertThat(AuditdMapper.Record.parse(lines.get(10)).text("cwd")).hasValue("/tmp/a b c");
        assertThat(AuditdMapper.Record.parse(lines.get(27)).text("exe"))
                .hasValue("/usr/bin/python2.7;58d1ccfb (deleted)");
        assertThat(AuditdMapper.Record.parse(lines.get(27)).text("comm")).hasValue("google_ip_forwa");
        AuditdMapper.Record jq = AuditdMapper.Record.parse(lines.get(47));
        assertThat(jq.text("a1")).hasValue(".");
        assertThat(jq.text("a2"))
                .hasValueSatisfying(json -> assertThat(json)
                        .startsWith("{\n        \"dev\": \"08:01\",")
                        .contains("\"name\": \"/usr/bin/jq\""));
    }

    @Test
    void socketAddressesDecodeByFamily() throws RecordException {
        // Line 22: AF_INET, port 0x0050, 169.254.169.254 (the metadata service).
        assertThat(AuditdMapper.sockaddr("02000050A9FEA9FE0000000000000000"))
                .hasValue(new Endpoint("169.254.169.254", 80));
        // Line 24: AF_INET6, port 0x0016, the unspecified address.
        assertThat(AuditdMapper.sockaddr("0A000016000000000000000000000000000000000000000000000000"))
                .hasValue(new Endpoint("0:0:0:0:0:0:0:0", 22));
        // Line 23: AF_NETLINK (16); line 26: AF_UNIX (/var/run/nscd/socket).
        assertThat(AuditdMapper.sockaddr("100000000000000000000000")).isEmpty();
        assertThat(AuditdMapper.sockaddr("01002F7661722F72756E2F6E7363642F736F636B657400"))
                .isEmpty();
    }

    @Test
    void yamlTestCasesAreRefusedWithTheReason() {
        TelemetryFiles.Read read = TelemetryFiles.readCorpus(YAML);

        assertThat(read.summary().format()).isEqualTo("none");
        assertThat(read.summary().accepted()).isZero();
        assertThat(read.events()).isEmpty();
        assertThat(read.summary().skipped())
                .containsExactly(new SkippedRecord(
                        YAML,
                        1,
                        "a YAML document, not telemetry: expected JSON, JSON Lines or log lines (raw auditd"
                                + " \"type=… msg=audit(…)\", AUOMS, Sysmon for Linux); its 36 audit records (the"
                                + " first on line 4) are indented inside YAML strings, as test cases are, not lines"
                                + " of an audit log; file not read"));
    }

    @Test
    void execveEventFromTheYamlCasesIsAnExecWithItsArguments() throws IOException {
        TelemetryFiles.Read read = TelemetryFiles.read(testCase("EXECVE"), "audit.log");

        assertThat(read.summary().accepted()).isEqualTo(1);
        ProcessExec uname = read.at(1, ProcessExec.class);
        Instant time = Instant.parse("2017-04-21T05:28:42.985Z");
        assertThat(uname.time()).isEqualTo(time);
        assertThat(uname.process().host()).isEqualTo(SensorValues.UNNAMED_HOST);
        assertThat(uname.process().pid()).isEqualTo(10_043);
        assertThat(uname.process().startTime()).isEqualTo(time);
        assertThat(uname.process().startKnown()).isTrue();
        assertThat(uname.process().executable()).isEqualTo("/bin/uname");
        assertThat(uname.process().arguments()).isEqualTo("-a");
        assertThat(uname.process().uid()).hasValue(1001);
        assertThat(uname.parent()).hasValueSatisfying(parent -> {
            assertThat(parent.pid()).isEqualTo(10_027);
            assertThat(parent.startKnown()).isFalse();
        });
    }

    @Test
    void connectInProgressAndAcceptAreFlowsToTheSocketAddress() throws IOException {
        TelemetryFiles.Read connect = TelemetryFiles.read(testCase("connect syscall"), "audit.log");
        NetworkFlow metadata = connect.at(1, NetworkFlow.class);
        assertThat(metadata.direction()).isEqualTo(NetworkFlow.Direction.OUTBOUND);
        assertThat(metadata.remote()).isEqualTo(new Endpoint("169.254.169.254", 80));
        assertThat(metadata.local()).isEqualTo(SensorValues.UNKNOWN_END);
        assertThat(metadata.process().pid()).isEqualTo(1648);
        assertThat(metadata.process().executable()).isEqualTo("/usr/bin/python3.5");

        TelemetryFiles.Read accept = TelemetryFiles.read(testCase("accept syscall"), "audit.log");
        NetworkFlow ssh = accept.at(1, NetworkFlow.class);
        assertThat(ssh.direction()).isEqualTo(NetworkFlow.Direction.INBOUND);
        assertThat(ssh.remote()).isEqualTo(new Endpoint("72.83.230.100", 58_140));
        assertThat(ssh.process().pid()).isEqualTo(1663);
    }

    @Test
    void openatOfARelativeNameForWritingIsAWriteUnderTheCwd() throws IOException {
        // Written here (no openat sample in the corpus): openat(AT_FDCWD, "notes.txt", O_WRONLY|O_CREAT).
        Path log = temp.resolve("audit.log");
        Files.write(
                log,
                List.of(
                        "node=web-1 type=SYSCALL msg=audit(1700000000.123:77): arch=c000003e syscall=257 success=yes"
                                + " exit=3 a0=ffffff9c a1=7ffd a2=41 a3=1b6 items=2 ppid=10 pid=20 uid=0"
                                + " comm=\"sh\" exe=\"/bin/sh\" key=(null)",
                        "node=web-1 type=CWD msg=audit(1700000000.123:77): cwd=\"/root\"",
                        "node=web-1 type=PATH msg=audit(1700000000.123:77): item=0 name=\"/root\" nametype=PARENT",
                        "node=web-1 type=PATH msg=audit(1700000000.123:77): item=1 name=\"notes.txt\" nametype=CREATE",
                        "node=web-1 type=PROCTITLE msg=audit(1700000000.123:77): proctitle=7368002D63",
                        "node=web-1 type=EOE msg=audit(1700000000.123:77):"));

        TelemetryFiles.Read read = TelemetryFiles.read(log, "audit.log");

        assertThat(read.summary().accepted()).isEqualTo(1);
        FileAccess write = read.at(1, FileAccess.class);
        assertThat(write.path()).isEqualTo("/root/notes.txt");
        assertThat(write.mode()).isEqualTo(FileAccess.Mode.WRITE);
        assertThat(write.process().host()).isEqualTo("web-1");
        assertThat(write.process().executable()).isEqualTo("/bin/sh");
        assertThat(write.process().arguments()).isEqualTo("-c");
    }

    /** The records of one YAML test case, unindented, as the audit log would hold them. */
    private Path testCase(String name) throws IOException {
        List<String> yaml = lines(YAML);
        List<String> records = new ArrayList<>();
        boolean inCase = false;
        for (String line : yaml) {
            if (line.startsWith("  ") && !line.startsWith("    ")) {
                inCase = line.strip().equals(name + ": |");
            } else if (inCase && line.startsWith("    type=")) {
                records.add(line.strip());
            }
        }
        assertThat(records).as("records of test case %s", name).isNotEmpty();
        Path log = temp.resolve(name.replace(' ', '-') + ".log");
        Files.write(log, records);
        return log;
    }

    private static List<String> lines(String subpath) {
        try {
            return Files.readAllLines(TelemetryFiles.corpus(subpath));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + subpath, e);
        }
    }
}
