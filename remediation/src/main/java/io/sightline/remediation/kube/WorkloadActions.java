package io.sightline.remediation.kube;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.sightline.remediation.action.IsolateWorkload;
import io.sightline.remediation.action.Labels;
import io.sightline.remediation.action.ScaleWorkload;
import io.sightline.remediation.action.WorkloadKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The workload-level actions: isolating every pod of a workload by its own selector, and scaling
 * it to zero. Each reads the live workload first; a workload that is gone fails its action only.
 */
final class WorkloadActions {

    private final KubernetesClient client;

    WorkloadActions(KubernetesClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    ActionOutcome isolate(IsolateWorkload action, List<ActionOutcome.ApiResponse> responses) {
        WorkloadKey workload = action.workload();
        Optional<HasMetadata> live = read(workload, responses);
        if (live.isEmpty()) {
            return failed(action.kind(), action.target(), workload, responses);
        }
        Optional<LabelSelector> selector = selector(live.get());
        if (selector.isEmpty()) {
            return new ActionOutcome(
                    action.kind(),
                    action.target(),
                    ActionOutcome.Status.FAILED,
                    workload + " has no spec.selector; a policy without one would select every pod of the namespace,"
                            + " so none was made",
                    responses);
        }
        NetworkPolicy wanted = policy(action, selector.get());
        var policies = client.network().v1().networkPolicies().inNamespace(workload.namespace());
        NetworkPolicy existing = policies.withName(action.policyName()).get();
        String path = action.policyPath() + "/" + action.policyName();
        responses.add(new ActionOutcome.ApiResponse(
                "GET", path, existing == null ? 404 : 200, existing == null ? "not found" : "found"));
        if (existing == null) {
            policies.resource(wanted).create();
            responses.add(new ActionOutcome.ApiResponse(
                    "POST",
                    action.policyPath(),
                    201,
                    "created NetworkPolicy " + workload.namespace() + "/" + action.policyName()));
            return changed(
                    action.kind(),
                    action.target(),
                    "created NetworkPolicy " + action.policyName() + " selecting "
                            + selector.get().getMatchLabels(),
                    responses);
        }
        if (!Objects.equals(existing.getSpec(), wanted.getSpec())) {
            policies.withName(action.policyName())
                    .edit(p -> new NetworkPolicyBuilder(p)
                            .withSpec(wanted.getSpec())
                            .editMetadata()
                            .addToLabels(wanted.getMetadata().getLabels())
                            .endMetadata()
                            .build());
            responses.add(new ActionOutcome.ApiResponse("PATCH", path, 200, "spec set to the planned one"));
            return changed(action.kind(), action.target(), "updated NetworkPolicy " + action.policyName(), responses);
        }
        return new ActionOutcome(
                action.kind(),
                action.target(),
                ActionOutcome.Status.UNCHANGED,
                "NetworkPolicy " + action.policyName() + " already in place",
                responses);
    }

    /** The workload's isolation policy as planned, over the selector read from the live workload. */
    static NetworkPolicy policy(IsolateWorkload action, LabelSelector selector) {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(action.policyName())
                .withNamespace(action.workload().namespace())
                .addToLabels(Labels.MANAGED_BY, Labels.SIGHTLINE)
                .addToLabels(Labels.STORYBOARD, action.storyboardId())
                .addToAnnotations("sightline.io/lift", String.join(" && ", action.liftCommands()))
                .addToAnnotations("sightline.io/workload", action.workload().toString())
                .endMetadata()
                .withSpec(KubernetesRemediator.isolationSpec(selector, action.allowDns()))
                .build();
    }

    ActionOutcome scale(ScaleWorkload action, List<ActionOutcome.ApiResponse> responses) {
        WorkloadKey workload = action.workload();
        Optional<HasMetadata> live = read(workload, responses);
        if (live.isEmpty()) {
            return failed(action.kind(), action.target(), workload, responses);
        }
        int before = replicas(live.get());
        if (before == 0) {
            return new ActionOutcome(
                    action.kind(),
                    action.target(),
                    ActionOutcome.Status.UNCHANGED,
                    workload + " already has 0 replicas"
                            + annotation(live.get())
                                    .map(n -> "; " + ScaleWorkload.REPLICAS_BEFORE + "=" + n + " to restore")
                                    .orElse(""),
                    responses);
        }
        // One merge patch records the count and sets it to zero together; the resourceVersion read
        // makes it fail (409) rather than record a stale count when someone scaled in between.
        resource(workload)
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"resourceVersion\":\""
                                + live.get().getMetadata().getResourceVersion()
                                + "\",\"annotations\":{\"" + ScaleWorkload.REPLICAS_BEFORE + "\":\"" + before
                                + "\"}},\"spec\":{\"replicas\":0}}");
        responses.add(new ActionOutcome.ApiResponse(
                "PATCH",
                workload.path(),
                200,
                "spec.replicas " + before + " -> 0, annotation " + ScaleWorkload.REPLICAS_BEFORE + "=" + before));
        return changed(
                action.kind(),
                action.target(),
                "scaled " + workload + " from " + before + " to 0 replicas; undo: kubectl -n " + workload.namespace()
                        + " scale " + workload.kubectlName() + " --replicas=" + before,
                responses);
    }

    private Optional<HasMetadata> read(WorkloadKey workload, List<ActionOutcome.ApiResponse> responses) {
        HasMetadata live = resource(workload).get();
        responses.add(new ActionOutcome.ApiResponse(
                "GET", workload.path(), live == null ? 404 : 200, live == null ? "not found" : "found"));
        return Optional.ofNullable(live);
    }

    private RollableScalableResource<? extends HasMetadata> resource(WorkloadKey workload) {
        var apps = client.apps();
        return switch (workload.resource()
                .orElseThrow(() -> new IllegalArgumentException(
                        "expected a Deployment, StatefulSet or ReplicaSet; got " + workload))) {
            case "deployments" ->
                apps.deployments().inNamespace(workload.namespace()).withName(workload.name());
            case "statefulsets" ->
                apps.statefulSets().inNamespace(workload.namespace()).withName(workload.name());
            case "replicasets" ->
                apps.replicaSets().inNamespace(workload.namespace()).withName(workload.name());
            default ->
                throw new IllegalArgumentException("expected deployments, statefulsets or replicasets; got "
                        + workload.resource().get());
        };
    }

    private static Optional<LabelSelector> selector(HasMetadata workload) {
        LabelSelector selector = switch (workload) {
            case Deployment d -> d.getSpec() == null ? null : d.getSpec().getSelector();
            case StatefulSet s -> s.getSpec() == null ? null : s.getSpec().getSelector();
            case ReplicaSet r -> r.getSpec() == null ? null : r.getSpec().getSelector();
            default -> null;
        };
        return Optional.ofNullable(selector)
                .filter(s -> (s.getMatchLabels() != null && !s.getMatchLabels().isEmpty())
                        || (s.getMatchExpressions() != null
                                && !s.getMatchExpressions().isEmpty()));
    }

    /** The API server defaults an unset spec.replicas to 1, so a live object read back carries it. */
    private static int replicas(HasMetadata workload) {
        Integer replicas = switch (workload) {
            case Deployment d -> d.getSpec() == null ? null : d.getSpec().getReplicas();
            case StatefulSet s -> s.getSpec() == null ? null : s.getSpec().getReplicas();
            case ReplicaSet r -> r.getSpec() == null ? null : r.getSpec().getReplicas();
            default -> null;
        };
        return replicas == null ? 1 : replicas;
    }

    private static Optional<String> annotation(HasMetadata workload) {
        return Optional.ofNullable(workload.getMetadata().getAnnotations())
                .map(a -> a.get(ScaleWorkload.REPLICAS_BEFORE));
    }

    private static ActionOutcome failed(
            String kind, String target, WorkloadKey workload, List<ActionOutcome.ApiResponse> responses) {
        return new ActionOutcome(
                kind,
                target,
                ActionOutcome.Status.FAILED,
                "expected " + workload + " in the cluster; GET " + workload.path() + " found nothing",
                responses);
    }

    private static ActionOutcome changed(
            String kind, String target, String message, List<ActionOutcome.ApiResponse> responses) {
        return new ActionOutcome(kind, target, ActionOutcome.Status.CHANGED, message, responses);
    }
}
