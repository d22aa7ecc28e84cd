package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.PodKey;
import io.sightline.event.SourceRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks a node the attacker reached (escape to host) unschedulable, and with {@code drain} evicts
 * its pods that a controller other than a DaemonSet would recreate elsewhere. The node itself is
 * compromised: replacing it is for the operator (the node group), not for an API call.
 */
public record CordonNode(String node, boolean drain, List<PodKey> evictions, List<SourceRecord> evidence)
        implements RemediationAction {

    public CordonNode {
        requireNonNull(node, "node is null");
        evictions = List.copyOf(evictions);
        evidence = List.copyOf(evidence);
    }

    @Override
    public String kind() {
        return drain ? "cordon-drain-node" : "cordon-node";
    }

    @Override
    public String target() {
        return node;
    }

    @Override
    public String why() {
        return "the trail entered the node's namespaces (escape to host); nothing new should be scheduled on it"
                + (drain ? ", and its workloads move elsewhere" : "");
    }

    @Override
    public List<ApiRequest> calls() {
        List<ApiRequest> calls = new ArrayList<>();
        calls.add(new ApiRequest(
                "PATCH",
                "/api/v1/nodes/" + node,
                "merge-patch spec.unschedulable=true; skipped when already cordoned"));
        if (drain) {
            for (PodKey pod : evictions) {
                calls.add(new ApiRequest(
                        "POST",
                        "/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.name() + "/eviction",
                        "Eviction policy/v1 (respects PodDisruptionBudgets)"));
            }
        }
        return calls;
    }

    @Override
    public List<String> commands() {
        return List.of("replace the node: terminate its instance once drained (its kubelet credentials were exposed)");
    }
}
