package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze --rules}: users' behaviour rules take effect beside the built-in ones. */
class AnalyzeRulesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SCENARIOS = Path.of(System.getProperty("sightline.scenarios"));

    @TempDir
    Path temp;

    @Test
    void aUserTagRuleLabelsTheAttackThatReadNodeCredentials() throws IOException {
        Path rules = write("credential-dumping.yaml", """
                rules:
                  - id: cat-credentials
                    description: cat prints password hashes or the kubelet's credentials
                    technique: {id: T1003, name: OS Credential Dumping, tactic: credential-access}
                    on: file
                    effect: tag
                    match:
                      names: [cat]
                      path: '/etc/shadow|/var/lib/kubelet/kubeconfig'
                """);

        JsonNode attack =
                storyboardWith(analyze("log4shell-lateral", rules), "T1190").orElseThrow();
        JsonNode builtInOnly =
                storyboardWith(analyze("log4shell-lateral"), "T1190").orElseThrow();

        assertThat(techniques(attack)).contains("T1003", "T1552.001");
        assertThat(techniques(builtInOnly)).doesNotContain("T1003");
        assertThat(attack.path("records")).isEqualTo(builtInOnly.path("records"));
    }

    @Test
    void aUserSeedRuleStartsAStoryboardAtItsProcess() throws IOException {
        Path rules = write("admin-exec.yaml", """
                rules:
                  - id: sudo-docker-exec
                    description: someone opens a shell in a running container through sudo
                    technique: {id: T1609, name: Container Administration Command, tactic: execution}
                    on: exec
                    effect: [seed, tag]
                    match:
                      names: [sudo]
                      arguments: 'docker\\s+exec'
                """);

        Optional<JsonNode> seeded = storyboardWith(analyze("docker-host-miner", rules), "T1609");

        assertThat(seeded).isPresent();
        assertThat(seeded.get().path("trail").get(0).path("text").asText()).startsWith("sudo docker exec");
        // The built-in container-tool rule labels the docker client the seed brought in.
        assertThat(techniques(seeded.get())).contains("T1613");
        assertThat(storyboardWith(analyze("docker-host-miner"), "T1609")).isEmpty();
    }

    @Test
    void aRuleFileWithAnErrorIsRefusedNamingTheRuleAndTheField() throws IOException {
        Path rules = write("broken.yaml", """
                rules:
                  - id: cat-shadow
                    technique: {id: T1003, name: OS Credential Dumping, tactic: credential-access}
                    on: file
                    effect: tag
                    match:
                      path: '/etc/(shadow'
                """);
        StringWriter err = new StringWriter();
        var command = Sightline.commandLine();
        command.setErr(new PrintWriter(err, true));

        int status = command.execute(
                "analyze",
                SCENARIOS.resolve("docker-host-miner").toString(),
                "--rules",
                rules.toString(),
                "--output",
                temp.resolve("never.json").toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("sightline: " + rules + ": rule cat-shadow: field 'match.path': not a regular expression")
                .doesNotContain("Exception");
        assertThat(temp.resolve("never.json")).doesNotExist();
    }

    private JsonNode analyze(String scenario, Path... rules) throws IOException {
        Path output = temp.resolve(scenario + rules.length + ".json");
        List<String> args = new ArrayList<>(List.of(
                "analyze", SCENARIOS.resolve(scenario).toString(), "--format", "json", "--output", output.toString()));
        for (Path file : rules) {
            args.add("--rules");
            args.add(file.toString());
        }
        assertThat(Sightline.commandLine().execute(args.toArray(String[]::new))).isZero();
        return MAPPER.readTree(Files.readString(output));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(temp.resolve(name), text);
    }

    private static Optional<JsonNode> storyboardWith(JsonNode analysis, String technique) {
        return StreamSupport.stream(analysis.path("storyboards").spliterator(), false)
                .filter(s -> techniques(s).contains(technique))
                .findFirst();
    }

    private static List<String> techniques(JsonNode storyboard) {
        List<String> ids = new ArrayList<>();
        storyboard
                .path("techniques")
                .forEach(t -> ids.add(t.isTextual() ? t.asText() : t.path("id").asText()));
        return ids;
    }
}
