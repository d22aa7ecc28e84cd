package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.PodKey;
import io.sightline.event.SourceRecord;
import java.util.List;
import java.util.Optional;

/**
 * Cuts a pod off the network: labels it {@code sightline.io/quarantine=<storyboard>} and makes
 * sure the namespace has a NetworkPolicy selecting that label which denies ingress and egress,
 * except DNS when the operator allows it. The pod keeps running for forensics. Lifted by deleting
 * the policy and the label (see {@link #liftCommands()}).
 *
 * <p>Only pods carrying the label are selected, so the controller's fresh pods are not isolated.
 */
public record IsolatePod(PodKey pod, String storyboardId, boolean allowDns, boolean forced, List<SourceRecord> evidence)
        implements RemediationAction {

    public IsolatePod {
        requireNonNull(pod, "pod is null");
        requireNonNull(storyboardId, "storyboardId is null");
        evidence = List.copyOf(evidence);
    }

    public String policyName() {
        return "sightline-quarantine-" + storyboardId;
    }

    @Override
    public String kind() {
        return "isolate-pod";
    }

    @Override
    public String target() {
        return pod.toString();
    }

    @Override
    public String why() {
        return "the trail ran in this pod; deny its traffic so the attacker loses the channel while the pod is kept"
                + " for investigation";
    }

    @Override
    public List<ApiRequest> calls() {
        return List.of(
                new ApiRequest(
                        "PATCH",
                        "/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.name(),
                        "merge-patch metadata.labels {" + Labels.QUARANTINE + ": " + storyboardId + "}"),
                new ApiRequest(
                        "POST",
                        "/apis/networking.k8s.io/v1/namespaces/" + pod.namespace() + "/networkpolicies",
                        "NetworkPolicy " + policyName() + " (labels " + Labels.MANAGED_BY + "=" + Labels.SIGHTLINE
                                + ", " + Labels.STORYBOARD + "=" + storyboardId + "): podSelector "
                                + Labels.QUARANTINE + "=" + storyboardId + ", policyTypes [Ingress, Egress], ingress"
                                + " none, egress "
                                + egressSummary(allowDns)
                                + "; skipped when it exists as planned"));
    }

    static String egressSummary(boolean allowDns) {
        return allowDns ? "DNS only (UDP and TCP 53 to kube-system pods k8s-app=kube-dns)" : "none";
    }

    @Override
    public List<String> liftCommands() {
        return List.of(
                "kubectl -n " + pod.namespace() + " delete networkpolicy " + policyName(),
                "kubectl -n " + pod.namespace() + " label pod " + pod.name() + " " + Labels.QUARANTINE + "-");
    }

    @Override
    public Optional<String> refusal() {
        return SystemNamespaces.refusal(pod.namespace(), pod.toString(), "cutting the network of", forced);
    }
}
