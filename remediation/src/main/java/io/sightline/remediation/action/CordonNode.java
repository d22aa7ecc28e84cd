package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.PodKey;
import io.sightline.event.SourceRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks a node the attacker reached (escape to host) unschedulable, and with {@code drain} evicts
 * its pods through the Eviction API (which respects PodDisruptionBudgets) as {@code kubectl drain}
 * does: DaemonSet pods and mirror (static) pods are skipped, since evicting them achieves nothing,
 * and so are bare pods unless forced, since nothing would recreate them. The node itself is
 * compromised: replacing it is for the operator (the node group), not for an API call.
 *
 * <p>{@code skipped} names each pod of the node left in place and why, for the dry run.
 *
 * <p>TODO: the pods to evict are those the inventory places on the node (each checked live before
 * its eviction); {@code kubectl drain} lists the node's pods live, so a pod scheduled there after
 * the inventory was read is not evicted. Listing by {@code spec.nodeName} at execution would close
 * this, at the cost of a plan that no longer shows every eviction call in advance.
 */
public record CordonNode(
        String node, boolean drain, List<PodKey> evictions, List<String> skipped, List<SourceRecord> evidence)
        implements RemediationAction {

    public static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

    public CordonNode {
        requireNonNull(node, "node is null");
        evictions = List.copyOf(evictions);
        skipped = List.copyOf(skipped);
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
                + (drain ? ", and its workloads move elsewhere" : "")
                + (drain && !skipped.isEmpty() ? "; not evicted: " + String.join(", ", skipped) : "");
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
                        "Eviction policy/v1 (respects PodDisruptionBudgets); skipped when the live pod is gone, on"
                                + " another node, a DaemonSet's or a mirror pod"));
            }
        }
        return calls;
    }

    @Override
    public List<String> liftCommands() {
        return List.of("kubectl uncordon " + node);
    }

    @Override
    public List<String> commands() {
        return List.of("replace the node: terminate its instance once drained (its kubelet credentials were exposed)");
    }
}
