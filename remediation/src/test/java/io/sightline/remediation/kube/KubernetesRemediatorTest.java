package io.sightline.remediation.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.sightline.asset.PodKey;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.remediation.Log4ShellScenario;
import io.sightline.remediation.action.ActionPlanner;
import io.sightline.remediation.action.CordonNode;
import io.sightline.remediation.action.IsolatePod;
import io.sightline.remediation.action.PlanOptions;
import io.sightline.remediation.action.RemediationAction;
import io.sightline.remediation.action.RemediationPlan;
import io.sightline.remediation.action.ReplacePod;
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
        load(Pod.class, "pods.json");
        load(Node.class, "nodes.json");

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

        for (String namespace : List.of("payments", "inventory")) {
            NetworkPolicy policy = client.network()
                    .v1()
                    .networkPolicies()
                    .inNamespace(namespace)
                    .withName("sightline-quarantine-" + attack.id())
                    .get();
            assertThat(policy).as("policy in %s", namespace).isNotNull();
            assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                    .isEqualTo(Map.of("sightline.io/quarantine", attack.id()));
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
            assertThat(policy.getSpec().getIngress()).isEmpty();
            assertThat(policy.getSpec().getEgress())
                    .singleElement()
                    .satisfies(rule -> assertThat(rule.getPorts())
                            .extracting(p -> p.getPort().getIntVal())
                            .containsExactly(53, 53));
            assertThat(policy.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", "sightline")
                    .containsEntry("sightline.io/storyboard", attack.id());
        }
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
        actions.add(new CordonNode("ip-10-9-9-9.ec2.internal", false, List.of(), List.of()));
        actions.addAll(
                plan.actions().stream().filter(IsolatePod.class::isInstance).toList());
        Path auditFile = temp.resolve("audit.jsonl");

        List<ActionOutcome> outcomes = remediator(auditFile).execute(planOf(actions.toArray(RemediationAction[]::new)));

        assertThat(outcomes.getFirst().status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcomes.subList(1, outcomes.size()))
                .isNotEmpty()
                .allMatch(o -> o.status() == ActionOutcome.Status.CHANGED);
        assertThat(audit(auditFile)).hasSize(outcomes.size());
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
