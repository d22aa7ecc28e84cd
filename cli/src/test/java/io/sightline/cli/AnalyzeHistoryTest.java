package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code analyze --history}: a Jenkins build step that pipes an install script into a shell,
 * once a day. Alone it is a high storyboard; once history has seen it on seven days it is
 * routine for the runner and lowered.
 */
class AnalyzeHistoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUNNER = "ci-runner-1";

    @TempDir
    Path temp;

    @Test
    void theSecondWeekOfTheSameBuildStepIsLoweredByTheFirst() throws IOException {
        Path firstDays = folder("first", List.of("2024-11-01", "2024-11-02", "2024-11-03", "2024-11-04"));
        Path laterDays = folder("later", List.of("2024-11-05", "2024-11-06", "2024-11-07"));
        Path history = temp.resolve("history");

        JsonNode first = analyze(firstDays, "--history", history.toString());
        JsonNode later = analyze(laterDays, "--history", history.toString());
        JsonNode laterAlone =
                analyze(laterDays, "--history", temp.resolve("empty").toString());

        // Jenkins (a server by its jetty options) spawning sh -c "curl ... | sh", and curl fetching
        // a URL: initial access corroborated by command and control, one advanced tactic, high.
        // The first run sees it 4 times on 4 days: under the 5 times and the 7 days that make it
        // routine. The later run sees it 3 times on 3 more days: 4 + 3 = 7 days, routine,
        // lowered to medium. The later days alone are 3 days, high.
        assertThat(severity(first)).isEqualTo("high");
        assertThat(severity(later)).isEqualTo("medium");
        assertThat(reasons(later))
                .contains("lowered one level: routine for host:ci-runner-1: java>sh curl seen on 7 days since"
                        + " 2024-11-01");
        assertThat(severity(laterAlone)).isEqualTo("high");
        assertThat(Files.isRegularFile(history.resolve("sightline.db"))).isTrue();
    }

    @Test
    void analysingTheSameDaysTwiceAddsNoDay() throws IOException {
        Path days = folder("days", List.of("2024-11-01", "2024-11-02", "2024-11-03", "2024-11-04"));
        Path history = temp.resolve("history");

        analyze(days, "--history", history.toString());
        JsonNode again = analyze(days, "--history", history.toString());

        // The same 4 days again: the count doubles but the days stay 4, under 7; still high.
        assertThat(severity(again)).isEqualTo("high");
    }

    @Test
    void aHistoryFolderWhoseStoreIsNoDatabaseIsOneLineNamingIt() throws IOException {
        Path days = folder("days", List.of("2024-11-01"));
        Path history = Files.createDirectories(temp.resolve("history"));
        Files.write(
                history.resolve("sightline.db"),
                "not a database, just text".repeat(200).getBytes());
        StringWriter err = new StringWriter();
        CommandLine command = Sightline.commandLine();
        command.setErr(new PrintWriter(err, true));
        command.setOut(new PrintWriter(new StringWriter(), true));

        int status = command.execute("analyze", days.toString(), "--history", history.toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString().strip())
                .startsWith("sightline: cannot use the history in " + history + ": cannot bring the store jdbc:sqlite:"
                        + history.resolve("sightline.db").toAbsolutePath() + " up to date: [SQLITE_NOTADB]")
                .doesNotContain("\n")
                .doesNotContain("at org.");
    }

    private JsonNode analyze(Path folder, String... options) throws IOException {
        Path output = Files.createTempFile(temp, "analysis", ".json");
        List<String> args = new ArrayList<>(
                List.of("analyze", folder.toString(), "--format", "json", "--output", output.toString()));
        args.addAll(List.of(options));
        StringWriter err = new StringWriter();
        CommandLine command = Sightline.commandLine();
        command.setErr(new PrintWriter(err, true));
        command.setOut(new PrintWriter(new StringWriter(), true));

        int status = command.execute(args.toArray(String[]::new));

        assertThat(status).as("exit status, stderr: %s", err).isZero();
        return JSON.readTree(output.toFile());
    }

    private static String severity(JsonNode analysis) {
        assertThat(analysis.path("storyboards")).hasSize(1);
        return analysis.path("storyboards").get(0).path("severity").asText();
    }

    private static List<String> reasons(JsonNode analysis) {
        List<String> reasons = new ArrayList<>();
        analysis.path("storyboards").get(0).path("severity_reasons").forEach(r -> reasons.add(r.asText()));
        return reasons;
    }

    /** A telemetry folder with the build step once at 02:00 UTC on each day. */
    private Path folder(String name, List<String> days) throws IOException {
        Path telemetry = Files.createDirectories(temp.resolve(name).resolve("telemetry"));
        List<String> lines = new ArrayList<>();
        int pid = 5000;
        for (String day : days) {
            String shStart = day + "T02:00:00Z";
            String curlStart = day + "T02:00:01Z";
            ObjectNode jenkins = process(
                    "jenkins",
                    100,
                    "2024-10-01T00:00:00Z",
                    "/opt/java/bin/java",
                    "-Djetty.home=/var/lib/jenkins -jar /usr/share/jenkins/jenkins.war");
            ObjectNode sh = process(
                    "sh-" + pid, pid, shStart, "/bin/sh", "-c \"curl -fsSL https://get.example.dev/install.sh | sh\"");
            ObjectNode curl = process(
                    "curl-" + pid, pid + 1, curlStart, "/usr/bin/curl", "-fsSL https://get.example.dev/install.sh");
            lines.add(exec(sh, jenkins, shStart));
            lines.add(exec(curl, sh, curlStart));
            pid += 2;
        }
        Files.write(telemetry.resolve("tetragon.jsonl"), lines);
        return temp.resolve(name);
    }

    private static ObjectNode process(String execId, int pid, String start, String binary, String arguments) {
        ObjectNode process = JSON.createObjectNode();
        process.put("exec_id", execId);
        process.put("pid", pid);
        process.put("binary", binary);
        process.put("arguments", arguments);
        process.put("start_time", start);
        return process;
    }

    private static String exec(ObjectNode process, ObjectNode parent, String time) throws IOException {
        ObjectNode event = JSON.createObjectNode();
        event.set(
                "process",
                process.deepCopy().put("parent_exec_id", parent.path("exec_id").asText()));
        event.set("parent", parent);
        ObjectNode record = JSON.createObjectNode();
        record.set("process_exec", event);
        record.put("node_name", RUNNER);
        record.put("time", time);
        return JSON.writeValueAsString(record);
    }
}
