package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.PodKey;
import io.sightline.event.SourceRecord;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Cuts every pod of a workload off the network, the fresh ones its controller starts included: a
 * NetworkPolicy whose podSelector is the workload's own {@code spec.selector}, read from the live
 * object, denying ingress and egress except DNS when the operator allows it. Lifted by deleting
 * the policy ({@link #liftCommands()}).
 *
 * <p>Proposed for pods of a Deployment, StatefulSet or ReplicaSet; a bare pod or a DaemonSet's pod
 * (whose selector spans every node) is isolated alone by {@link IsolatePod}.
 */
public record IsolateWorkload(
        WorkloadKey workload,
        String storyboardId,
        boolean allowDns,
        boolean forced,
        List<PodKey> pods,
        List<SourceRecord> evidence)
        implements RemediationAction {

    public IsolateWorkload {
        requireNonNull(workload, "workload is null");
        requireNonNull(storyboardId, "storyboardId is null");
        pods = List.copyOf(pods);
        evidence = List.copyOf(evidence);
    }

    public String policyName() {
        return "sightline-quarantine-" + storyboardId + "-" + workload.name();
    }

    public String policyPath() {
        return "/apis/networking.k8s.io/v1/namespaces/" + workload.namespace() + "/networkpolicies";
    }

    @Override
    public String kind() {
        return "isolate-workload";
    }

    @Override
    public String target() {
        return workload.toString();
    }

    @Override
    public String why() {
        return "the trail ran in "
                + pods.stream().map(PodKey::toString).collect(Collectors.joining(", "))
                + "; deny the traffic of every pod of " + workload.ref()
                + ", the ones its controller starts too, so the attacker loses the channel";
    }

    @Override
    public List<ApiRequest> calls() {
        return List.of(
                new ApiRequest("GET", workload.path(), "read spec.selector"),
                new ApiRequest(
                        "POST",
                        policyPath(),
                        "NetworkPolicy " + policyName() + " (labels " + Labels.MANAGED_BY + "=" + Labels.SIGHTLINE
                                + ", " + Labels.STORYBOARD + "=" + storyboardId + "): podSelector the "
                                + workload.kind() + "'s spec.selector, policyTypes [Ingress, Egress], ingress none,"
                                + " egress " + IsolatePod.egressSummary(allowDns)
                                + "; skipped when it exists as planned"));
    }

    @Override
    public List<String> liftCommands() {
        return List.of("kubectl -n " + workload.namespace() + " delete networkpolicy " + policyName());
    }

    @Override
    public Optional<String> refusal() {
        return SystemNamespaces.refusal(workload.namespace(), workload.toString(), "cutting the network of", forced);
    }
}
