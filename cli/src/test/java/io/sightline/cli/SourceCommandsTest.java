package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.sightline.server.MockCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Registering sources once and discovering all of them: a mock cluster beside an unreachable Docker host. */
@EnableKubernetesMockClient(crud = true, https = false)
class SourceCommandsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SCENARIO = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral");

    KubernetesClient client;

    @TempDir
    Path temp;

    @Test
    void registeredSourcesAreDiscoveredEachWithItsOwnErrors() throws IOException {
        load(SCENARIO.resolve("inventory/pods.json"));
        String data = temp.resolve("data").toString();

        assertThat(run("clusters", "add", "shop", "--kubeconfig", kubeconfig().toString(), "--data", data)
                        .exit())
                .isZero();
        // Port 1 on the loopback refuses connections: a Docker host that is down.
        assertThat(run("hosts", "add", "edge-1", "--docker", "tcp://127.0.0.1:1", "--data", data)
                        .exit())
                .isZero();
        Result listed = run("clusters", "list", "--data", data);
        assertThat(listed.out()).startsWith("shop\tcluster\tkubeconfig ").contains("kubeconfig.yaml");

        Path out = temp.resolve("out");
        Result discovered = run("discover", "--data", data, "--out", out.toString());

        assertThat(discovered.exit()).isEqualTo(1);
        assertThat(discovered.out())
                .contains("shop: ")
                .contains("23 Pod")
                .contains("edge-1: nothing found")
                .contains("error: GET /containers/json: Docker daemon tcp://127.0.0.1:1 unreachable");
        assertThat(MAPPER.readTree(out.resolve("pods.json").toFile())
                        .path("items")
                        .size())
                .isEqualTo(23);
    }

    @Test
    void removeForgetsTheSource() {
        String data = temp.resolve("data").toString();
        run("hosts", "add", "edge-1", "--docker", "unix:///var/run/docker.sock", "--data", data);

        assertThat(run("hosts", "remove", "edge-1", "--data", data).exit()).isZero();
        assertThat(run("hosts", "list", "--data", data).out()).startsWith("none registered in ");
    }

    @Test
    void userErrorsAreOneLineAndExitTwo() throws IOException {
        String data = temp.resolve("data").toString();

        Result missing =
                run("discover", "--kubeconfig", temp.resolve("absent.yaml").toString());
        Result noContext = run(
                "clusters",
                "add",
                "shop",
                "--kubeconfig",
                kubeconfig().toString(),
                "--context",
                "nope",
                "--data",
                data);
        Result badDocker = run("hosts", "add", "edge-1", "--docker", "http://10.0.0.5:2375", "--data", data);
        Result unknownCluster = run("analyze", "--cluster", "nope", "--data", data);

        for (Result result : new Result[] {missing, noContext, badDocker, unknownCluster}) {
            assertThat(result.exit()).isEqualTo(2);
            assertThat(result.err().strip()).startsWith("sightline: ").doesNotContain("\n");
        }
        assertThat(noContext.err()).contains("has no context 'nope' (contexts: mock)");
        assertThat(unknownCluster.err()).contains("--cluster nope: no cluster of that name is registered");
    }

    @Test
    void analyzeReadsARegisteredClusterLive() throws IOException {
        for (String file : new String[] {"nodes.json", "pods.json", "services.json", "endpointslices.json"}) {
            load(SCENARIO.resolve("inventory").resolve(file));
        }
        String data = temp.resolve("data").toString();
        run("clusters", "add", "shop", "--kubeconfig", kubeconfig().toString(), "--data", data);
        Path report = temp.resolve("report.json");

        Result analysed = run(
                "analyze",
                SCENARIO.toString(),
                "--cluster",
                "shop",
                "--data",
                data,
                "--format",
                "json",
                "-o",
                report.toString());

        assertThat(analysed.exit()).isZero();
        JsonNode json = MAPPER.readTree(report.toFile());
        assertThat(json.path("storyboards").size()).isPositive();
    }

    private void load(Path file) throws IOException {
        for (JsonNode item : MAPPER.readTree(file.toFile()).path("items")) {
            client.resource(client.getKubernetesSerialization().convertValue(item, HasMetadata.class))
                    .create();
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Sightline.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        int exit = command.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    record Result(int exit, String out, String err) {}

    private Path kubeconfig() throws IOException {
        return MockCluster.kubeconfig(client, temp);
    }
}
