package io.sightline.remediation.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sightline.asset.PodKey;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.remediation.Log4ShellScenario;
import io.sightline.remediation.action.ActionPlanner;
import io.sightline.remediation.action.ApiRequest;
import io.sightline.remediation.action.CordonNode;
import io.sightline.remediation.action.IsolateWorkload;
import io.sightline.remediation.action.PlanOptions;
import io.sightline.remediation.action.RemediationAction;
import io.sightline.remediation.action.RemediationPlan;
import io.sightline.remediation.action.ReplacePod;
import io.sightline.remediation.action.ScaleWorkload;
import io.sightline.remediation.action.TrailEvents;
import io.sightline.storyboard.Storyboard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes the plan for the log4shell-lateral storyboard against the fabric8 mock server in CRUD
 * mode, loaded with the scenario's own pods.json and nodes.json.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesRemediatorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-14T10:00:00Z"), ZoneOffset.UTC);
    private static final String ORDERS_POD = "orders-api-mk27884nf2-knqbq";
    private static final String INVENTORY_POD = "inventory-svc-mcxr5jjvj-ktlmq";
    private static final String ESCAPED_NODE = "ip-10-0-2-143.ec2.internal";

    static KubernetesClient client;
    static KubernetesMockServer server;

    @TempDir
    Path temp;

    private Storyboard attack;
    private RemediationPlan plan;

    @BeforeEach
    void load() throws IOException {
        client.pods().inAnyNamespace().delete();
        client.nodes().delete();
        client.network().v1().networkPolicies().inAnyNamespace().delete();
        client.secrets().inAnyNamespace().delete();
        client.rbac().roleBindings().inAnyNamespace().delete();
        client.apps().deployments().inAnyNamespace().delete();
        load(Pod.class, "pods.json");
        load(Node.class, "nodes.json");
        client.resource(deployment("payments", "orders-api", 2)).create();
        client.resource(deployment("inventory", "inventory-svc", 1)).create();

        attack = Log4ShellScenario.attack();
        plan = new ActionPlanner(Log4ShellScenario.analysis().inventory())
                .plan(
                        attack,
                        TrailEvents.read(
                                Log4ShellScenario.FOLDER, AnalysisPipeline.layout(Log4ShellScenario.FOLDER), attack),
                        new PlanOptions(false, true, false));
        plan = withLiveUids(plan);
    }

    /**
     * The mock server gives every object it creates a uid of its own (and keeps uids immutable),
     * while the plan carries the uids of pods.json. An inventory read from this cluster would carry
     * the live ones, so the replace actions are given those.
     */
    private static RemediationPlan withLiveUids(RemediationPlan plan) {
        List<RemediationAction> actions = plan.actions().stream()
                .map(action -> action instanceof ReplacePod replace
                        ? new ReplacePod(
                                replace.pod(),
                                pod(replace.pod().namespace(), replace.pod().name())
                                        .orElseThrow()
                                        .getMetadata()
                                        .getUid(),
                                replace.workload(),
                                replace.forced(),
                                replace.evidence())
                        : action)
                .toList();
        return new RemediationPlan(plan.storyboardId(), plan.severity(), actions);
    }

    @Test
    void executingThePlanReplacesIsolatesCordonsAndAudits() throws IOException {
        Path auditFile = temp.resolve("audit.jsonl");
        List<ActionOutcome> outcomes = remediator(auditFile).execute(plan);

        assertThat(outcomes).noneMatch(o -> o.status() == ActionOutcome.Status.FAILED);
        assertThat(pod("payments", ORDERS_POD)).isEmpty();
        assertThat(pod("inventory", INVENTORY_POD)).isEmpty();
        assertThat(pod("payments", "orders-api-mk27884nf2-57zj5"))
                .as("the other replica is not on the trail")
                .isPresent();

        assertThat(client.network()
                        .v1()
                        .networkPolicies()
                        .inAnyNamespace()
                        .list()
                        .getItems())
                .extracting(p ->
                        p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
                .as("one policy per attacked workload; no attacked pod is bare")
                .containsExactlyInAnyOrder(
                        "payments/sightline-quarantine-" + attack.id() + "-orders-api",
                        "inventory/sightline-quarantine-" + attack.id() + "-inventory-svc");
        for (String[] workload : new String[][] {{"payments", "orders-api"}, {"inventory", "inventory-svc"}}) {
            NetworkPolicy policy = client.network()
                    .v1()
                    .networkPolicies()
                    .inNamespace(workload[0])
                    .withName("sightline-quarantine-" + attack.id() + "-" + workload[1])
                    .get();
            assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                    .isEqualTo(Map.of("app.kubernetes.io/name", workload[1]));
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
            assertThat(policy.getSpec().getIngress()).isEmpty();
            assertThat(policy.getSpec().getEgress())
                    .singleElement()
                    .satisfies(rule -> assertThat(rule.getPorts())
                            .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                            .containsExactly("UDP/53", "TCP/53"));
            assertThat(policy.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", "sightline")
                    .containsEntry("sightline.io/storyboard", attack.id());
            assertThat(policy.getMetadata().getAnnotations())
                    .containsEntry(
                            "sightline.io/lift",
                            "kubectl -n " + workload[0] + " delete networkpolicy sightline-quarantine-" + attack.id()
                                    + "-" + workload[1]);
        }
        Deployment orders = client.apps()
                .deployments()
                .inNamespace("payments")
                .withName("orders-api")
                .get();
        assertThat(orders.getSpec().getReplicas()).isZero();
        assertThat(orders.getMetadata().getAnnotations()).containsEntry("sightline.io/replicas-before", "2");
        Deployment inventory = client.apps()
                .deployments()
                .inNamespace("inventory")
                .withName("inventory-svc")
                .get();
        assertThat(inventory.getSpec().getReplicas()).isZero();
        assertThat(inventory.getMetadata().getAnnotations()).containsEntry("sightline.io/replicas-before", "1");
        assertThat(client.nodes().withName(ESCAPED_NODE).get().getSpec().getUnschedulable())
                .isTrue();
        assertThat(client.nodes()
                        .withName("ip-10-0-1-57.ec2.internal")
                        .get()
                        .getSpec()
                        .getUnschedulable())
                .isNotEqualTo(Boolean.TRUE);

        List<JsonNode> audit = audit(auditFile);
        assertThat(audit).hasSize(plan.actions().size());
        assertThat(audit).allSatisfy(record -> {
            assertThat(record.path("operator").asText()).isEqualTo("alice");
            assertThat(record.path("storyboard").asText()).isEqualTo(attack.id());
            assertThat(record.path("time").asText()).isEqualTo("2024-11-14T10:00:00Z");
        });
        assertThat(audit)
                .filteredOn(r -> r.path("action").asText().equals("replace-pod"))
                .extracting(r -> r.path("status").asText())
                .containsExactly("changed", "changed");
        assertThat(audit)
                .filteredOn(r -> r.path("action").asText().equals("replace-pod"))
                .allSatisfy(r -> assertThat(r.path("api").toString()).contains("\"method\":\"DELETE\""));
        assertThat(audit)
                .filteredOn(r -> r.path("action").asText().equals("scale-to-zero"))
                .extracting(r ->
                        r.path("target").asText() + ": " + r.path("message").asText())
                .containsExactly(
                        "payments/Deployment/orders-api: scaled payments/Deployment/orders-api from 2 to 0 replicas;"
                                + " undo: kubectl -n payments scale deployment/orders-api --replicas=2",
                        "inventory/Deployment/inventory-svc: scaled inventory/Deployment/inventory-svc from 1 to 0"
                                + " replicas; undo: kubectl -n inventory scale deployment/inventory-svc --replicas=1");
        assertThat(audit)
                .filteredOn(r -> r.path("action").asText().equals("scale-to-zero"))
                .allSatisfy(
                        r -> assertThat(r.path("api").toString()).contains("\"method\":\"PATCH\"", "spec.replicas "));
    }

    @Test
    void secondRunChangesNothing() throws IOException {
        Path auditFile = temp.resolve("audit.jsonl");
        remediator(auditFile).execute(plan);
        String policiesAfterFirst = client.network().v1().networkPolicies().inAnyNamespace().list().getItems().stream()
                .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName() + "@"
                        + p.getMetadata().getResourceVersion())
                .sorted()
                .toList()
                .toString();
        int podsAfterFirst = client.pods().inAnyNamespace().list().getItems().size();

        List<ActionOutcome> second = remediator(auditFile).execute(plan);

        assertThat(second)
                .extracting(ActionOutcome::status)
                .containsOnly(ActionOutcome.Status.UNCHANGED, ActionOutcome.Status.MANUAL);
        assertThat(client.pods().inAnyNamespace().list().getItems()).hasSize(podsAfterFirst);
        assertThat(client.network().v1().networkPolicies().inAnyNamespace().list().getItems().stream()
                        .map(p -> p.getMetadata().getNamespace() + "/"
                                + p.getMetadata().getName() + "@"
                                + p.getMetadata().getResourceVersion())
                        .sorted()
                        .toList()
                        .toString())
                .isEqualTo(policiesAfterFirst);
        assertThat(audit(auditFile)).hasSize(2 * plan.actions().size());
        assertThat(second)
                .filteredOn(o -> o.kind().equals("scale-to-zero"))
                .extracting(ActionOutcome::message)
                .containsExactly(
                        "payments/Deployment/orders-api already has 0 replicas; sightline.io/replicas-before=2 to"
                                + " restore",
                        "inventory/Deployment/inventory-svc already has 0 replicas; sightline.io/replicas-before=1 to"
                                + " restore");
    }

    @Test
    void bareTargetPodIsRefusedUnlessForced() throws IOException {
        Pod bare = client.pods().inNamespace("payments").withName(ORDERS_POD).get();
        PodKey key = new PodKey("payments", ORDERS_POD);
        String uid = bare.getMetadata().getUid();
        Path auditFile = temp.resolve("audit.jsonl");

        ReplacePod refused = new ReplacePod(key, uid, Optional.empty(), false, List.of());
        List<ActionOutcome> outcomes = remediator(auditFile).execute(planOf(refused));

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(ActionOutcome.Status.REFUSED);
            assertThat(o.message()).contains("bare pod", "--force");
        });
        assertThat(pod("payments", ORDERS_POD)).isPresent();

        ReplacePod forced = new ReplacePod(key, uid, Optional.empty(), true, List.of());
        assertThat(remediator(auditFile).execute(planOf(forced)))
                .extracting(ActionOutcome::status)
                .containsExactly(ActionOutcome.Status.CHANGED);
        assertThat(pod("payments", ORDERS_POD)).isEmpty();
    }

    @Test
    void aNewerPodOfTheSameNameIsNotDeleted() throws IOException {
        ReplacePod stale = new ReplacePod(
                new PodKey("payments", ORDERS_POD),
                "uid-of-an-older-pod",
                plan.actions().stream()
                        .filter(ReplacePod.class::isInstance)
                        .map(ReplacePod.class::cast)
                        .findFirst()
                        .orElseThrow()
                        .workload(),
                false,
                List.of());

        assertThat(remediator(temp.resolve("audit.jsonl")).execute(planOf(stale)))
                .singleElement()
                .satisfies(o -> assertThat(o.status()).isEqualTo(ActionOutcome.Status.UNCHANGED));
        assertThat(pod("payments", ORDERS_POD)).isPresent();
    }

    @Test
    void aFailingTargetIsReportedAndTheOthersStillRun() throws IOException {
        List<RemediationAction> actions = new ArrayList<>();
        actions.add(new CordonNode("ip-10-9-9-9.ec2.internal", false, List.of(), List.of(), List.of()));
        client.apps()
                .deployments()
                .inNamespace("payments")
                .withName("orders-api")
                .delete();
        actions.addAll(plan.actions().stream()
                .filter(a -> a instanceof IsolateWorkload || a instanceof ScaleWorkload)
                .toList());
        Path auditFile = temp.resolve("audit.jsonl");

        List<ActionOutcome> outcomes = remediator(auditFile).execute(planOf(actions.toArray(RemediationAction[]::new)));

        assertThat(outcomes)
                .extracting(o -> o.kind() + " " + o.target() + " " + o.status())
                .containsExactly(
                        "cordon-node ip-10-9-9-9.ec2.internal FAILED",
                        "isolate-workload payments/Deployment/orders-api FAILED",
                        "isolate-workload inventory/Deployment/inventory-svc CHANGED",
                        "scale-to-zero payments/Deployment/orders-api FAILED",
                        "scale-to-zero inventory/Deployment/inventory-svc CHANGED");
        assertThat(outcomes.get(1).message())
                .isEqualTo("expected payments/Deployment/orders-api in the cluster; GET"
                        + " /apis/apps/v1/namespaces/payments/deployments/orders-api found nothing");
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("inventory")
                        .withName("inventory-svc")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isZero();
        assertThat(audit(auditFile))
                .extracting(r -> r.path("status").asText())
                .containsExactly("failed", "failed", "changed", "failed", "changed");
    }

    @Test
    void legacyTokenSecretIsDeletedBindingsFlaggedAndTheTokenNeverLogged() throws IOException {
        String token = "ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNkluTmxZM0psZENKOQ==";
        client.secrets()
                .inNamespace("payments")
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("orders-api-token-7x2kq")
                        .withNamespace("payments")
                        .addToAnnotations("kubernetes.io/service-account.name", "orders-api")
                        .endMetadata()
                        .withType("kubernetes.io/service-account-token")
                        .addToData("token", token)
                        .build())
                .create();
        client.rbac()
                .roleBindings()
                .inNamespace("payments")
                .resource(new RoleBindingBuilder()
                        .withNewMetadata()
                        .withName("orders-api-secret-reader")
                        .withNamespace("payments")
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "Role", "secret-reader")
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName("orders-api")
                        .withNamespace("payments")
                        .endSubject()
                        .build())
                .create();
        Path auditFile = temp.resolve("audit.jsonl");

        List<ActionOutcome> outcomes = remediator(auditFile).execute(plan);

        assertThat(outcomes)
                .filteredOn(o -> o.kind().equals("revoke-token"))
                .singleElement()
                .satisfies(o -> {
                    assertThat(o.status()).isEqualTo(ActionOutcome.Status.CHANGED);
                    assertThat(o.message())
                            .contains("orders-api-token-7x2kq", "RoleBinding payments/orders-api-secret-reader");
                });
        assertThat(client.secrets()
                        .inNamespace("payments")
                        .withName("orders-api-token-7x2kq")
                        .get())
                .isNull();
        assertThat(client.rbac()
                        .roleBindings()
                        .inNamespace("payments")
                        .withName("orders-api-secret-reader")
                        .get())
                .isNotNull();
        assertThat(Files.readString(auditFile)).doesNotContain(token);
    }

    @Test
    void drainingTheEscapedNodeEvictsItsPodsExceptTheDaemonSets() throws IOException {
        RemediationPlan drainPlan = new ActionPlanner(
                        Log4ShellScenario.analysis().inventory())
                .plan(
                        attack,
                        TrailEvents.read(
                                Log4ShellScenario.FOLDER, AnalysisPipeline.layout(Log4ShellScenario.FOLDER), attack),
                        new PlanOptions(false, true, true));
        CordonNode drain = drainPlan.actions().stream()
                .filter(CordonNode.class::isInstance)
                .map(CordonNode.class::cast)
                .toList()
                .getFirst();
        List<String> evictionCalls = drain.calls().stream()
                .filter(c -> c.method().equals("POST"))
                .map(ApiRequest::path)
                .toList();
        List<String> expected = List.of(
                "/api/v1/namespaces/kube-system/pods/coredns-m2dtx429f8-9kt2r/eviction",
                "/api/v1/namespaces/payments/pods/orders-api-mk27884nf2-57zj5/eviction",
                "/api/v1/namespaces/payments/pods/payments-gateway-gjj5tr9jt-s2qxc/eviction",
                "/api/v1/namespaces/inventory/pods/inventory-svc-mcxr5jjvj-ktlmq/eviction",
                "/api/v1/namespaces/inventory/pods/redis-0/eviction",
                "/api/v1/namespaces/web/pods/storefront-7qrwqrlxj-4vdmw/eviction",
                "/api/v1/namespaces/monitoring/pods/prometheus-0/eviction");
        assertThat(evictionCalls).isEqualTo(expected);
        assertThat(drain.skipped())
                .containsExactly(
                        "kube-system/aws-node-9wvwg (DaemonSet pod)",
                        "kube-system/kube-proxy-lhpjq (DaemonSet pod)",
                        "falco/falco-xsrt7 (DaemonSet pod)",
                        "kube-system/tetragon-6h8bn (DaemonSet pod)",
                        "monitoring/node-exporter-7n8xb (DaemonSet pod)");
        // The mock's CRUD mode has no Eviction API (a POST to …/eviction is stored as an object
        // named after the pod, 409 on the pod's own name); each call is answered as the API server
        // does, 201, and prometheus-0's as a PodDisruptionBudget refusal, 429. fabric8 retries a 429
        // with backoff (about 20 s by default before evict() answers false); this client does not.
        List<String> evicted = new CopyOnWriteArrayList<>();
        for (String path : expected) {
            int code = path.contains("/prometheus-0/") ? 429 : 201;
            server.expect()
                    .post()
                    .withPath(path)
                    .andReply(code, request -> {
                        evicted.add(request.getPath());
                        return code == 201
                                ? "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}"
                                : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":429,"
                                        + "\"reason\":\"TooManyRequests\"}";
                    })
                    .once();
        }
        Path auditFile = temp.resolve("audit.jsonl");

        ActionOutcome outcome;
        try (KubernetesClient noRetry = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration())
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            outcome = new KubernetesRemediator(noRetry, new AuditLog(auditFile), CLOCK, "alice")
                    .execute(planOf(drain))
                    .getFirst();
        }

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(ActionOutcome.Status.CHANGED);
        assertThat(outcome.message())
                .isEqualTo("cordoned; eviction of monitoring/prometheus-0 refused by a PodDisruptionBudget; 6 pod(s)"
                        + " evicted");
        assertThat(evicted).as("eviction calls the API server received").isEqualTo(expected);
        assertThat(outcome.responses())
                .filteredOn(r -> r.method().equals("POST"))
                .extracting(r -> r.path().substring(r.path().indexOf("/pods/") + 6) + " " + r.code())
                .containsExactly(
                        "coredns-m2dtx429f8-9kt2r/eviction 201",
                        "orders-api-mk27884nf2-57zj5/eviction 201",
                        "payments-gateway-gjj5tr9jt-s2qxc/eviction 201",
                        "inventory-svc-mcxr5jjvj-ktlmq/eviction 201",
                        "redis-0/eviction 201",
                        "storefront-7qrwqrlxj-4vdmw/eviction 201",
                        "prometheus-0/eviction 429");
        assertThat(client.nodes().withName(ESCAPED_NODE).get().getSpec().getUnschedulable())
                .isTrue();
        assertThat(audit(auditFile)).singleElement().satisfies(r -> {
            assertThat(r.path("action").asText()).isEqualTo("cordon-drain-node");
            assertThat(r.path("status").asText()).isEqualTo("changed");
            assertThat(r.path("api").toString()).contains("prometheus-0/eviction", "429");
        });
    }

    /**
     * pods.json holds no Deployment objects, only what their pods say: owner ReplicaSet
     * {@code orders-api-mk27884nf2} with {@code pod-template-hash=mk27884nf2} (two pods),
     * {@code inventory-svc-mcxr5jjvj} (one pod), each labelled {@code app.kubernetes.io/name} with
     * the Deployment's name. These are those Deployments.
     */
    private static Deployment deployment(String namespace, String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .addToMatchLabels("app.kubernetes.io/name", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app.kubernetes.io/name", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(name)
                .withImage(name)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private KubernetesRemediator remediator(Path auditFile) {
        return new KubernetesRemediator(client, new AuditLog(auditFile), CLOCK, "alice");
    }

    private RemediationPlan planOf(RemediationAction... actions) {
        return new RemediationPlan(attack.id(), attack.severity(), List.of(actions));
    }

    private static Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(
                client.pods().inNamespace(namespace).withName(name).get());
    }

    private static List<JsonNode> audit(Path file) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            records.add(MAPPER.readTree(line));
        }
        return records;
    }

    /** Creates each item of a {@code kubectl get -o json} list as the typed fabric8 object. */
    private static <T extends HasMetadata> void load(Class<T> type, String file) throws IOException {
        JsonNode list = MAPPER.readTree(
                Log4ShellScenario.FOLDER.resolve("inventory").resolve(file).toFile());
        for (JsonNode item : list.path("items")) {
            T object = client.getKubernetesSerialization().unmarshal(item.toString(), type);
            object.getMetadata().setResourceVersion(null);
            client.resource(object).create();
        }
    }
}
