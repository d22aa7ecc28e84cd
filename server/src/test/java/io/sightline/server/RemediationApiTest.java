package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.sightline.store.AuditRecord;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Remediation through a running server: log4shell-lateral replayed into it, its cluster held by
 * the fabric8 mock API server in CRUD mode (loaded with the scenario's pods and nodes), and the
 * server started with a kubeconfig pointing there. A viewer reads the plan and is refused
 * execution; an operator executes it; the audit trail is in the store and outlives a restart.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RemediationApiTest {

    private static final Path LOG4SHELL = Scenario.examples().resolve("log4shell-lateral");
    private static final String ORDERS_DIGEST =
            "sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540";
    private static final String INVENTORY_DIGEST =
            "sha256:384da6197a990a1e38495959e82de8886a0e37cef5945c3d6e54265076f298af";
    private static final String ORDERS_POD = "orders-api-mk27884nf2-knqbq";
    private static final String INVENTORY_POD = "inventory-svc-mcxr5jjvj-ktlmq";
    private static final String OTHER_ORDERS_POD = "orders-api-mk27884nf2-57zj5";

    KubernetesClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void loadCluster() throws IOException {
        MockCluster.load(client, LOG4SHELL);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void viewerReadsThePlanOperatorExecutesItAndTheAuditOutlivesARestart(String kind) throws Exception {
        String storeUrl = TestServer.storeUrl(kind, dir.resolve("store"));
        ServerConfig config = TestServer.config(storeUrl, ServerConfig.DEFAULT_QUEUE_CAPACITY)
                .withCluster(new ClusterTarget(MockCluster.kubeconfig(client, dir), Optional.of("mock")));
        String storyboard;
        String operatorId;
        int audited;
        try (TestServer server = TestServer.start(config)) {
            replay(server);
            storyboard = attackStoryboard(server);
            String path = "/api/v1/storyboards/" + storyboard + "/remediation";

            JsonNode plan = server.getJson(path);
            assertThat(plan.path("dry_run").asBoolean()).isTrue();
            assertThat(plan.path("cluster_configured").asBoolean()).isTrue();
            assertThat(plan.path("can_execute").asBoolean())
                    .as("a viewer may not execute")
                    .isFalse();
            assertThat(ids(plan.path("actions")))
                    .contains(
                            "isolate-workload payments/Deployment/orders-api",
                            "isolate-workload inventory/Deployment/inventory-svc",
                            "replace-pod payments/" + ORDERS_POD,
                            "replace-pod inventory/" + INVENTORY_POD,
                            "cordon-node ip-10-0-2-143.ec2.internal",
                            "scale-to-zero payments/Deployment/orders-api",
                            "scale-to-zero inventory/Deployment/inventory-svc");
            assertThat(plan.toString())
                    .contains("\"method\":\"DELETE\",\"path\":\"/api/v1/namespaces/payments/pods/" + ORDERS_POD + "\"")
                    .contains("/apis/networking.k8s.io/v1/namespaces/inventory/networkpolicies")
                    .contains(
                            "\"method\":\"PATCH\",\"path\":\"/apis/apps/v1/namespaces/payments/deployments/orders-api\"")
                    .contains("kubectl -n payments scale deployment/orders-api --replicas=");
            assertThat(json(server.get(path, server.operator))
                            .path("can_execute")
                            .asBoolean())
                    .isTrue();

            for (String refused : List.of(server.viewer, server.ingest)) {
                HttpResponse<String> answer = server.post(path, refused, "{}");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
                assertThat(answer.body()).contains("may not POST " + path);
            }
            assertThat(server.get(path, server.ingest).statusCode()).isEqualTo(403);
            assertThat(pod("payments", ORDERS_POD)).as("nothing executed yet").isPresent();
            assertThat(server.getJson("/api/v1/audit").path("audit")).isEmpty();

            HttpResponse<String> executed = server.post(path, server.operator, "{\"allow_dns\": true}");
            assertThat(executed.statusCode()).as(executed.body()).isEqualTo(200);
            JsonNode first = json(executed);
            operatorId = TestServer.tokenId(server.operator);
            assertThat(first.path("executed_by").asText()).isEqualTo(operatorId);
            assertThat(first.path("changed").asBoolean()).isTrue();
            assertThat(first.path("failed").asBoolean()).as(first.toString()).isFalse();
            assertThat(statusOf(first, "replace-pod payments/" + ORDERS_POD)).isEqualTo("changed");
            assertThat(statusOf(first, "scale-to-zero payments/Deployment/orders-api"))
                    .isEqualTo("changed");
            assertThat(client.apps()
                            .deployments()
                            .inNamespace("payments")
                            .withName("orders-api")
                            .get()
                            .getSpec()
                            .getReplicas())
                    .isZero();

            assertThat(pod("payments", ORDERS_POD))
                    .as("the attacked pod is deleted")
                    .isEmpty();
            assertThat(pod("inventory", INVENTORY_POD)).isEmpty();
            assertThat(pod("payments", OTHER_ORDERS_POD)).as("not on the trail").isPresent();
            NetworkPolicy policy = client.network()
                    .v1()
                    .networkPolicies()
                    .inNamespace("payments")
                    .withName("sightline-quarantine-" + storyboard + "-orders-api")
                    .get();
            assertThat(policy).isNotNull();
            assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                    .isEqualTo(Map.of("app.kubernetes.io/name", "orders-api"));
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");

            List<AuditRecord> stored = server.server.remediation().audit(Optional.of(storyboard), 1000);
            assertThat(stored).hasSize(first.path("outcomes").size());
            assertThat(stored).allSatisfy(r -> {
                assertThat(r.by().tokenId()).isEqualTo(operatorId);
                assertThat(r.storyboard()).isEqualTo(storyboard);
            });
            JsonNode served = server.getJson("/api/v1/audit").path("audit");
            assertThat(served).hasSize(stored.size());
            assertThat(served)
                    .allSatisfy(r -> assertThat(r.path("token_id").asText()).isEqualTo(operatorId));
            assertThat(served.toString())
                    .contains("\"action\":\"replace-pod\",\"target\":\"payments/" + ORDERS_POD + "\"")
                    .contains("\"method\":\"DELETE\"")
                    .doesNotContain(server.operator);

            JsonNode second = json(server.post(path, server.operator, "{\"allow_dns\": true}"));
            assertThat(second.path("changed").asBoolean()).as(second.toString()).isFalse();
            assertThat(second.path("summary").asText()).startsWith("nothing changed");
            assertThat(second.path("outcomes"))
                    .extracting(o -> o.path("status").asText())
                    .containsOnly("unchanged", "manual");
            assertThat(pod("payments", OTHER_ORDERS_POD)).isPresent();

            JsonNode chosen = json(server.post(
                    path, server.admin, "{\"actions\": [\"isolate-workload payments/Deployment/orders-api\"]}"));
            assertThat(chosen.path("outcomes")).hasSize(1);
            HttpResponse<String> unknown = server.post(path, server.operator, "{\"actions\": [\"reboot-cluster x\"]}");
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.body()).contains("reboot-cluster x", "the plan has");

            audited = server.getJson("/api/v1/audit").path("audit").size();
            assertThat(audited).isEqualTo(2 * first.path("outcomes").size() + 1);
        }

        // Started again on the same store, and this time with no cluster to act on.
        try (TestServer again = TestServer.start(TestServer.config(storeUrl, ServerConfig.DEFAULT_QUEUE_CAPACITY))) {
            again.awaitIngested();
            JsonNode audit =
                    again.getJson("/api/v1/audit?storyboard=" + storyboard).path("audit");
            assertThat(audit).hasSize(audited);
            assertThat(audit.get(audit.size() - 1).path("token_id").asText()).isEqualTo(operatorId);
            assertThat(again.getJson("/api/v1/audit?limit=1").path("audit")).hasSize(1);

            String path = "/api/v1/storyboards/" + storyboard + "/remediation";
            assertThat(again.getJson(path).path("cluster_configured").asBoolean())
                    .isFalse();
            HttpResponse<String> noCluster = again.post(path, again.operator, "{}");
            assertThat(noCluster.statusCode()).isEqualTo(409);
            assertThat(noCluster.body()).contains("--kubeconfig");
            assertThat(again.post("/api/v1/storyboards/sb-none/remediation", again.operator, "{}")
                            .statusCode())
                    .isEqualTo(409);
            assertThat(again.get("/api/v1/storyboards/sb-none/remediation", again.viewer)
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    /**
     * Inventory as discovery would read it from this cluster (the mock gives pods uids of its own,
     * which replace-pod checks before deleting), scans and telemetry as the scenario has them.
     */
    private void replay(TestServer server) throws IOException, InterruptedException {
        List<HasMetadata> pods =
                new ArrayList<>(client.pods().inAnyNamespace().list().getItems());
        String livePods =
                client.getKubernetesSerialization().asJson(Map.of("apiVersion", "v1", "kind", "List", "items", pods));
        for (Path file : files(LOG4SHELL.resolve("inventory"))) {
            String name = LOG4SHELL.relativize(file).toString();
            String body = file.getFileName().toString().equals("pods.json") ? livePods : Files.readString(file);
            server.postJson("/api/v1/ingest/inventory?name=" + name, body);
        }
        for (Path file : files(LOG4SHELL.resolve("scans"))) {
            server.postJson("/api/v1/ingest/scans?name=" + LOG4SHELL.relativize(file), Files.readString(file));
        }
        Scenario scenario = new Scenario(LOG4SHELL);
        scenario.postDelivered(server, scenario.inDeliveryOrder(), 500);
        server.awaitIngested();
    }

    private static String attackStoryboard(TestServer server) throws IOException, InterruptedException {
        for (JsonNode summary : server.getJson("/api/v1/storyboards").path("storyboards")) {
            List<String> images = new ArrayList<>();
            summary.path("images").forEach(i -> images.add(i.asText()));
            if (images.contains(ORDERS_DIGEST) && images.contains(INVENTORY_DIGEST)) {
                return summary.path("id").asText();
            }
        }
        throw new AssertionError("no storyboard spans both attacked images");
    }

    private static List<String> ids(JsonNode actions) {
        List<String> ids = new ArrayList<>();
        actions.forEach(a -> ids.add(a.path("id").asText()));
        return ids;
    }

    private static String statusOf(JsonNode execution, String actionId) {
        for (JsonNode outcome : execution.path("outcomes")) {
            if (outcome.path("id").asText().equals(actionId)) {
                return outcome.path("status").asText();
            }
        }
        throw new AssertionError("no outcome for " + actionId + " in " + execution);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.JSON.readTree(response.body());
    }

    private Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(
                client.pods().inNamespace(namespace).withName(name).get());
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
