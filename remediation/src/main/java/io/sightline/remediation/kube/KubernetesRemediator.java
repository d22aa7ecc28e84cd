package io.sightline.remediation.kube;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sightline.asset.PodKey;
import io.sightline.remediation.action.CordonNode;
import io.sightline.remediation.action.IsolatePod;
import io.sightline.remediation.action.IsolateWorkload;
import io.sightline.remediation.action.Labels;
import io.sightline.remediation.action.RemediationAction;
import io.sightline.remediation.action.RemediationPlan;
import io.sightline.remediation.action.RemoveApparatus;
import io.sightline.remediation.action.ReplacePod;
import io.sightline.remediation.action.RevokeToken;
import io.sightline.remediation.action.ScaleWorkload;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a remediation plan through the Kubernetes API, one action at a time. Every action
 * first reads the live object and changes it only when it differs from what the action wants, so
 * running a plan twice changes nothing the second time. A failing action is reported and the
 * others still run; each outcome is appended to the audit log before the next action starts.
 *
 * <p>Execution needs an operator name: the server passes the id of a token it checked for the
 * operator role; the CLI can only require a name and record it.
 *
 * <p>Not thread-safe; one plan at a time.
 */
public final class KubernetesRemediator {

    private static final Logger log = LoggerFactory.getLogger(KubernetesRemediator.class);
    private static final String TOKEN_TYPE = "kubernetes.io/service-account-token";
    private static final String TOKEN_OWNER = "kubernetes.io/service-account.name";

    private final KubernetesClient client;
    private final AuditSink audit;
    private final Clock clock;
    private final String operator;
    private final WorkloadActions workloads;

    public KubernetesRemediator(KubernetesClient client, AuditSink audit, Clock clock, String operator) {
        this.client = requireNonNull(client, "client is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
        requireNonNull(operator, "operator is null");
        if (operator.isBlank()) {
            throw new IllegalArgumentException("executing a plan needs an operator name; got an empty one");
        }
        this.operator = operator;
        this.workloads = new WorkloadActions(client);
    }

    public List<ActionOutcome> execute(RemediationPlan plan) {
        List<ActionOutcome> outcomes = new ArrayList<>();
        for (RemediationAction action : plan.actions()) {
            ActionOutcome outcome = executeOne(action);
            log.info(
                    "remediation storyboard={} action={} target={} status={}",
                    plan.storyboardId(),
                    action.kind(),
                    action.target(),
                    outcome.status());
            audit.append(clock.instant(), operator, plan.storyboardId(), outcome);
            outcomes.add(outcome);
        }
        return List.copyOf(outcomes);
    }

    private ActionOutcome executeOne(RemediationAction action) {
        if (action.refusal().isPresent()) {
            return new ActionOutcome(
                    action.kind(),
                    action.target(),
                    ActionOutcome.Status.REFUSED,
                    action.refusal().get(),
                    List.of());
        }
        List<ActionOutcome.ApiResponse> responses = new ArrayList<>();
        try {
            return switch (action) {
                case IsolatePod isolate -> isolate(isolate, responses);
                case IsolateWorkload isolate -> workloads.isolate(isolate, responses);
                case ReplacePod replace -> replace(replace, responses);
                case ScaleWorkload scale -> workloads.scale(scale, responses);
                case CordonNode cordon -> cordon(cordon, responses);
                case RevokeToken revoke -> revoke(revoke, responses);
                case RemoveApparatus remove ->
                    new ActionOutcome(
                            remove.kind(),
                            remove.target(),
                            ActionOutcome.Status.MANUAL,
                            "no API removes files or processes; run the "
                                    + remove.commands().size()
                                    + " command(s) of the plan (the agent will do this later)",
                            List.of());
            };
        } catch (KubernetesClientException e) {
            log.warn(
                    "remediation action={} target={} failed with code={}: {}; continuing with the next action",
                    action.kind(),
                    action.target(),
                    e.getCode(),
                    e.getMessage());
            responses.add(new ActionOutcome.ApiResponse("?", "?", e.getCode(), firstLine(e.getMessage())));
            return new ActionOutcome(
                    action.kind(),
                    action.target(),
                    ActionOutcome.Status.FAILED,
                    "API call failed (" + e.getCode() + "): " + firstLine(e.getMessage()),
                    responses);
        }
    }

    private ActionOutcome isolate(IsolatePod action, List<ActionOutcome.ApiResponse> responses) {
        PodKey key = action.pod();
        String podPath = "/api/v1/namespaces/" + key.namespace() + "/pods/" + key.name();
        boolean changed = false;
        List<String> done = new ArrayList<>();

        Pod pod =
                client.pods().inNamespace(key.namespace()).withName(key.name()).get();
        responses.add(new ActionOutcome.ApiResponse(
                "GET", podPath, pod == null ? 404 : 200, pod == null ? "not found" : "found"));
        if (pod == null) {
            done.add("pod " + key + " is gone; nothing to label");
        } else if (action.storyboardId()
                .equals(labels(pod.getMetadata().getLabels()).get(Labels.QUARANTINE))) {
            done.add("pod already labelled " + Labels.QUARANTINE + "=" + action.storyboardId());
        } else {
            client.pods()
                    .inNamespace(key.namespace())
                    .withName(key.name())
                    .edit(p -> new PodBuilder(p)
                            .editMetadata()
                            .addToLabels(Labels.QUARANTINE, action.storyboardId())
                            .endMetadata()
                            .build());
            responses.add(new ActionOutcome.ApiResponse("PATCH", podPath, 200, "label " + Labels.QUARANTINE + " set"));
            done.add("labelled pod " + key);
            changed = true;
        }

        NetworkPolicy wanted = quarantinePolicy(action);
        String policyPath = "/apis/networking.k8s.io/v1/namespaces/" + key.namespace() + "/networkpolicies";
        var policies = client.network().v1().networkPolicies().inNamespace(key.namespace());
        NetworkPolicy existing = policies.withName(action.policyName()).get();
        responses.add(new ActionOutcome.ApiResponse(
                "GET",
                policyPath + "/" + action.policyName(),
                existing == null ? 404 : 200,
                existing == null ? "not found" : "found"));
        if (existing == null) {
            policies.resource(wanted).create();
            responses.add(new ActionOutcome.ApiResponse(
                    "POST", policyPath, 201, "created NetworkPolicy " + key.namespace() + "/" + action.policyName()));
            done.add("created NetworkPolicy " + action.policyName());
            changed = true;
        } else if (!Objects.equals(existing.getSpec(), wanted.getSpec())) {
            policies.withName(action.policyName())
                    .edit(p -> new NetworkPolicyBuilder(p)
                            .withSpec(wanted.getSpec())
                            .editMetadata()
                            .addToLabels(wanted.getMetadata().getLabels())
                            .endMetadata()
                            .build());
            responses.add(new ActionOutcome.ApiResponse(
                    "PATCH", policyPath + "/" + action.policyName(), 200, "spec set to the planned one"));
            done.add("updated NetworkPolicy " + action.policyName());
            changed = true;
        } else {
            done.add("NetworkPolicy " + action.policyName() + " already in place");
        }
        return new ActionOutcome(
                action.kind(),
                action.target(),
                changed ? ActionOutcome.Status.CHANGED : ActionOutcome.Status.UNCHANGED,
                String.join("; ", done),
                responses);
    }

    /** The isolation policy exactly as planned; also what the dry run describes. */
    public static NetworkPolicy quarantinePolicy(IsolatePod action) {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(action.policyName())
                .withNamespace(action.pod().namespace())
                .addToLabels(Labels.MANAGED_BY, Labels.SIGHTLINE)
                .addToLabels(Labels.STORYBOARD, action.storyboardId())
                .addToAnnotations("sightline.io/lift", String.join(" && ", action.liftCommands()))
                .endMetadata()
                .withSpec(isolationSpec(
                        new LabelSelectorBuilder()
                                .addToMatchLabels(Labels.QUARANTINE, action.storyboardId())
                                .build(),
                        action.allowDns()))
                .build();
    }

    /** Denies all ingress and egress of the selected pods, except DNS to kube-dns when allowed. */
    static NetworkPolicySpec isolationSpec(LabelSelector podSelector, boolean allowDns) {
        List<NetworkPolicyEgressRule> egress = new ArrayList<>();
        if (allowDns) {
            egress.add(new NetworkPolicyEgressRuleBuilder()
                    .addNewTo()
                    .withNamespaceSelector(new LabelSelectorBuilder()
                            .addToMatchLabels("kubernetes.io/metadata.name", "kube-system")
                            .build())
                    .withPodSelector(new LabelSelectorBuilder()
                            .addToMatchLabels("k8s-app", "kube-dns")
                            .build())
                    .endTo()
                    .addNewPort()
                    .withProtocol("UDP")
                    .withNewPort(53)
                    .endPort()
                    .addNewPort()
                    .withProtocol("TCP")
                    .withNewPort(53)
                    .endPort()
                    .build());
        }
        NetworkPolicySpec spec = new NetworkPolicySpec();
        spec.setPodSelector(podSelector);
        spec.setPolicyTypes(List.of("Ingress", "Egress"));
        spec.setIngress(List.of());
        spec.setEgress(egress);
        return spec;
    }

    private ActionOutcome replace(ReplacePod action, List<ActionOutcome.ApiResponse> responses) {
        PodKey key = action.pod();
        String path = "/api/v1/namespaces/" + key.namespace() + "/pods/" + key.name();
        var resource = client.pods().inNamespace(key.namespace()).withName(key.name());
        Pod pod = resource.get();
        responses.add(new ActionOutcome.ApiResponse(
                "GET", path, pod == null ? 404 : 200, pod == null ? "not found" : "found"));
        if (pod == null) {
            return new ActionOutcome(
                    action.kind(), action.target(), ActionOutcome.Status.UNCHANGED, "pod already gone", responses);
        }
        String liveUid = pod.getMetadata().getUid();
        if (liveUid != null && !liveUid.equals(action.uid())) {
            return new ActionOutcome(
                    action.kind(),
                    action.target(),
                    ActionOutcome.Status.UNCHANGED,
                    "the pod of that name is a newer one (uid " + liveUid + ", the trail's was " + action.uid()
                            + "); not deleted",
                    responses);
        }
        resource.delete();
        responses.add(new ActionOutcome.ApiResponse("DELETE", path, 200, "deleted pod uid " + action.uid()));
        return new ActionOutcome(
                action.kind(),
                action.target(),
                ActionOutcome.Status.CHANGED,
                "deleted " + key
                        + action.workload()
                                .map(w -> "; " + w + " will start a fresh pod")
                                .orElse(" (forced: bare pod)"),
                responses);
    }

    private ActionOutcome cordon(CordonNode action, List<ActionOutcome.ApiResponse> responses) {
        String path = "/api/v1/nodes/" + action.node();
        Node node = client.nodes().withName(action.node()).get();
        responses.add(new ActionOutcome.ApiResponse(
                "GET", path, node == null ? 404 : 200, node == null ? "not found" : "found"));
        if (node == null) {
            return new ActionOutcome(
                    action.kind(), action.target(), ActionOutcome.Status.FAILED, "node not found", responses);
        }
        List<String> done = new ArrayList<>();
        boolean changed = false;
        if (Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable())) {
            done.add("already cordoned");
        } else {
            client.nodes()
                    .withName(action.node())
                    .edit(n -> new NodeBuilder(n)
                            .editOrNewSpec()
                            .withUnschedulable(true)
                            .endSpec()
                            .build());
            responses.add(new ActionOutcome.ApiResponse("PATCH", path, 200, "spec.unschedulable=true"));
            done.add("cordoned");
            changed = true;
        }
        if (action.drain()) {
            int evicted = 0;
            for (PodKey pod : action.evictions()) {
                var resource = client.pods().inNamespace(pod.namespace()).withName(pod.name());
                String podPath = "/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.name();
                Pod live = resource.get();
                if (live == null || !action.node().equals(live.getSpec().getNodeName())) {
                    continue;
                }
                if (daemonSetOrMirror(live)) {
                    done.add("kept " + pod + " (a DaemonSet's or a mirror pod now)");
                    continue;
                }
                // TODO: fabric8 retries a 429 (a PodDisruptionBudget refusal) with its request backoff,
                // about 20 s with the default config, before evict() answers false; a drain of many
                // guarded pods waits that long per pod. A per-call retry setting is not exposed.
                boolean accepted = resource.evict();
                responses.add(new ActionOutcome.ApiResponse(
                        "POST",
                        podPath + "/eviction",
                        accepted ? 201 : 429,
                        accepted ? "evicted" : "refused by a disruption budget"));
                if (accepted) {
                    evicted++;
                    changed = true;
                } else {
                    done.add("eviction of " + pod + " refused by a PodDisruptionBudget");
                }
            }
            done.add(evicted + " pod(s) evicted");
        }
        return new ActionOutcome(
                action.kind(),
                action.target(),
                changed ? ActionOutcome.Status.CHANGED : ActionOutcome.Status.UNCHANGED,
                String.join("; ", done),
                responses);
    }

    private static boolean daemonSetOrMirror(Pod pod) {
        return labels(pod.getMetadata().getAnnotations()).containsKey(CordonNode.MIRROR_ANNOTATION)
                || (pod.getMetadata().getOwnerReferences() != null
                        && pod.getMetadata().getOwnerReferences().stream()
                                .anyMatch(o -> "DaemonSet".equals(o.getKind()) || "Node".equals(o.getKind())));
    }

    private ActionOutcome revoke(RevokeToken action, List<ActionOutcome.ApiResponse> responses) {
        String ns = action.namespace();
        // Listed whole and filtered here: not every API server (nor the test server) honours a
        // field selector on type. Only names leave this method; token data is never kept.
        List<Secret> secrets = client.secrets().inNamespace(ns).list().getItems();
        responses.add(new ActionOutcome.ApiResponse(
                "GET", "/api/v1/namespaces/" + ns + "/secrets", 200, secrets.size() + " secret(s) listed"));
        List<String> deleted = new ArrayList<>();
        for (Secret secret : secrets) {
            if (TOKEN_TYPE.equals(secret.getType())
                    && action.serviceAccount()
                            .equals(labels(secret.getMetadata().getAnnotations())
                                    .get(TOKEN_OWNER))) {
                String name = secret.getMetadata().getName();
                client.secrets().inNamespace(ns).withName(name).delete();
                responses.add(new ActionOutcome.ApiResponse(
                        "DELETE",
                        "/api/v1/namespaces/" + ns + "/secrets/" + name,
                        200,
                        "deleted token secret " + name));
                deleted.add(name);
            }
        }
        List<String> flagged = new ArrayList<>();
        for (RoleBinding binding :
                client.rbac().roleBindings().inNamespace(ns).list().getItems()) {
            if (names(binding.getSubjects(), action)) {
                flagged.add("RoleBinding " + ns + "/" + binding.getMetadata().getName() + " -> "
                        + binding.getRoleRef().getKind() + "/"
                        + binding.getRoleRef().getName());
            }
        }
        responses.add(new ActionOutcome.ApiResponse(
                "GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/rolebindings", 200, "listed"));
        for (ClusterRoleBinding binding :
                client.rbac().clusterRoleBindings().list().getItems()) {
            if (names(binding.getSubjects(), action)) {
                flagged.add("ClusterRoleBinding " + binding.getMetadata().getName() + " -> "
                        + binding.getRoleRef().getKind() + "/"
                        + binding.getRoleRef().getName());
            }
        }
        responses.add(new ActionOutcome.ApiResponse(
                "GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", 200, "listed"));
        String message = (deleted.isEmpty()
                        ? "no long-lived token secret for " + ns + "/" + action.serviceAccount()
                                + "; the pod-bound token dies with replace-pod"
                        : "deleted token secret(s) " + String.join(", ", deleted))
                + (flagged.isEmpty()
                        ? "; no role binding names the account"
                        : "; review (not changed): " + String.join(", ", flagged));
        return new ActionOutcome(
                action.kind(),
                action.target(),
                deleted.isEmpty() ? ActionOutcome.Status.UNCHANGED : ActionOutcome.Status.CHANGED,
                message,
                responses);
    }

    private static boolean names(List<Subject> subjects, RevokeToken action) {
        return subjects != null
                && subjects.stream()
                        .anyMatch(s -> "ServiceAccount".equals(s.getKind())
                                && action.serviceAccount().equals(s.getName())
                                && (s.getNamespace() == null
                                        || action.namespace().equals(s.getNamespace())));
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
