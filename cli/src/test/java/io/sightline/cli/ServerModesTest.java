package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.server.ClusterTarget;
import io.sightline.server.MockCluster;
import io.sightline.server.ServerConfig;
import io.sightline.server.SightlineServer;
import io.sightline.store.AuditRecord;
import io.sightline.store.Database;
import io.sightline.store.Role;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gate} and {@code remediate} with {@code --server URL --token T}: log4shell-lateral is
 * replayed into a running server whose cluster is the fabric8 mock API server (CRUD mode, loaded
 * with the scenario's pods and nodes). The replayed folder's pods.json is what discovery reads from
 * that cluster, so the pods carry the uids the mock gave them.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ServerModesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCENARIO = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral");
    private static final String ORDERS_DIGEST =
            "sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540";
    private static final String INVENTORY_DIGEST =
            "sha256:384da6197a990a1e38495959e82de8886a0e37cef5945c3d6e54265076f298af";
    private static final String ORDERS_POD = "orders-api-mk27884nf2-knqbq";

    KubernetesClient client;

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void gateAndRemediateAgainstARunningServer() throws Exception {
        MockCluster.load(client, SCENARIO);
        Path folder = discoveredCopy();
        ServerConfig config = new ServerConfig(
                        "127.0.0.1",
                        0,
                        Database.sqliteUrl(temp.resolve("data")),
                        100_000,
                        EngineConfig.DEFAULTS,
                        KevCatalogue.bundled())
                .withCluster(new ClusterTarget(MockCluster.kubeconfig(client, temp), Optional.empty()));
        try (SightlineServer server = SightlineServer.start(config)) {
            String url = "http://127.0.0.1:" + server.port();
            String ingest = server.tokens().create(Role.INGEST);
            String viewer = server.tokens().create(Role.VIEWER);
            String operator = server.tokens().create(Role.OPERATOR);
            assertThat(run("replay", folder.toString(), "--to", url, "--token", ingest, "--speed", "0"))
                    .as(err.toString())
                    .isZero();
            assertThat(server.awaitIngested(Duration.ofSeconds(60))).isTrue();

            for (String attacked : List.of(ORDERS_DIGEST, INVENTORY_DIGEST)) {
                assertThat(run("gate", "--image", attacked, "--server", url, "--token", viewer))
                        .as(err.toString())
                        .isEqualTo(1);
                assertThat(printed())
                        .startsWith("FAIL: " + attacked + " (matched by digest)")
                        .contains("implicated in open storyboard sb-");
            }
            String unseen = "registry.example/clean@sha256:" + "0".repeat(64);
            assertThat(run("gate", "--image", unseen, "--server", url, "--token", viewer))
                    .isEqualTo(1);
            assertThat(printed()).startsWith("FAIL: " + unseen).contains("not seen: no scan report");
            assertThat(run("gate", "--image", unseen, "--allow-unseen", "--server", url, "--token", viewer))
                    .isZero();
            assertThat(printed()).startsWith("pass: " + unseen);
            assertThat(run("gate", "--image", "not a ref!!", "--server", url, "--token", viewer))
                    .isEqualTo(2);
            assertThat(errors()).contains("400", "is not an image reference");
            assertThat(run("gate", "--image", ORDERS_DIGEST, "--server", url, "--token", ingest))
                    .isEqualTo(2);
            assertThat(errors()).contains("403", "the ingest role may not GET /api/v1/gate");

            String storyboard = attackStoryboard(url, viewer);
            assertThat(run("remediate", storyboard, "--server", url, "--token", viewer))
                    .isZero();
            assertThat(printed())
                    .startsWith("DRY RUN for " + storyboard)
                    .contains("DELETE /api/v1/namespaces/payments/pods/" + ORDERS_POD)
                    .contains("POST /apis/networking.k8s.io/v1/namespaces/inventory/networkpolicies");
            assertThat(pod("payments", ORDERS_POD))
                    .as("a dry run changes nothing")
                    .isPresent();

            for (String refused : List.of(viewer, ingest)) {
                assertThat(run("remediate", storyboard, "--server", url, "--token", refused, "--execute"))
                        .isEqualTo(2);
                assertThat(errors()).contains("403 forbidden", "may not POST", "needs an operator or admin token");
            }
            assertThat(pod("payments", ORDERS_POD)).isPresent();

            assertThat(run("remediate", storyboard, "--server", url, "--token", operator, "--execute"))
                    .as(err.toString())
                    .isZero();
            assertThat(printed())
                    .contains("changed  replace-pod payments/" + ORDERS_POD)
                    .contains("kept by the server as token " + operator.substring(3, operator.indexOf('_', 3)));
            assertThat(pod("payments", ORDERS_POD)).isEmpty();
            assertThat(client.network()
                            .v1()
                            .networkPolicies()
                            .inNamespace("payments")
                            .withName("sightline-quarantine-" + storyboard + "-orders-api")
                            .get())
                    .isNotNull();

            assertThat(run("remediate", storyboard, "--server", url, "--token", operator, "--execute"))
                    .isZero();
            assertThat(printed()).contains("nothing changed").doesNotContainPattern("(?m)^changed ");
            List<AuditRecord> audit = server.remediation().audit(Optional.of(storyboard), 1000);
            assertThat(audit)
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.by().role()).isEqualTo(Role.OPERATOR));

            assertThat(run("remediate", storyboard, "--server", url, "--token", operator, "--from", folder.toString()))
                    .isEqualTo(2);
            assertThat(errors()).contains("--server excludes --from");

            assertThat(run("gate", "--image", ORDERS_DIGEST, "--server", url, "--token", viewer))
                    .isEqualTo(1);
            printed();
            assertThat(run("triage", storyboard, "--status", "acknowledged", "--server", url, "--token", viewer))
                    .isEqualTo(2);
            assertThat(errors()).contains("403", "needs an operator or admin token");
            assertThat(run("triage", storyboard, "--status", "acknowledged", "--server", url, "--token", operator))
                    .as(err.toString())
                    .isZero();
            assertThat(printed()).startsWith(storyboard + ": open -> acknowledged (audit record ");
            assertThat(run("gate", "--image", ORDERS_DIGEST, "--server", url, "--token", viewer))
                    .as("the acknowledged attack was the only storyboard implicating the orders image")
                    .isZero();
        }
    }

    private String printed() {
        String text = out.toString();
        out.getBuffer().setLength(0);
        return text;
    }

    private String errors() {
        String text = err.toString();
        err.getBuffer().setLength(0);
        return text;
    }

    private int run(String... args) {
        var commandLine = Sightline.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private String attackStoryboard(String url, String viewer) {
        JsonNode storyboards = new ServerClient(java.net.URI.create(url), viewer).get("api/v1/storyboards");
        for (JsonNode summary : storyboards.path("storyboards")) {
            List<String> images = new ArrayList<>();
            summary.path("images").forEach(i -> images.add(i.asText()));
            if (images.contains(ORDERS_DIGEST) && images.contains(INVENTORY_DIGEST)) {
                return summary.path("id").asText();
            }
        }
        throw new AssertionError("no storyboard spans both attacked images");
    }

    /** The scenario, with pods.json as discovery would read it from the mock cluster. */
    private Path discoveredCopy() throws IOException {
        Path copy = temp.resolve("log4shell-lateral");
        try (Stream<Path> walk = Files.walk(SCENARIO)) {
            for (Path file : walk.toList()) {
                Path target = copy.resolve(SCENARIO.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        List<HasMetadata> pods =
                new ArrayList<>(client.pods().inAnyNamespace().list().getItems());
        Files.writeString(
                copy.resolve("inventory").resolve("pods.json"),
                client.getKubernetesSerialization().asJson(Map.of("apiVersion", "v1", "kind", "List", "items", pods)));
        return copy;
    }

    private Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(
                client.pods().inNamespace(namespace).withName(name).get());
    }
}
