package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.PodKey;
import io.sightline.asset.WorkloadRef;
import io.sightline.event.SourceRecord;
import java.util.List;
import java.util.Optional;

/**
 * Deletes a pod the trail ran in so that its controller starts a fresh one: attacker processes
 * and files in the container go with it, and so does the pod-bound service-account token. The
 * live pod's uid is compared with the trail's first, so a newer pod of the same name (a
 * StatefulSet's) is never deleted by mistake.
 *
 * <p>A bare pod has no controller to recreate it; deleting it takes the service down, so the
 * action is refused unless forced.
 */
public record ReplacePod(
        PodKey pod, String uid, Optional<WorkloadRef> workload, boolean forced, List<SourceRecord> evidence)
        implements RemediationAction {

    public ReplacePod {
        requireNonNull(pod, "pod is null");
        requireNonNull(uid, "uid is null");
        requireNonNull(workload, "workload is null");
        evidence = List.copyOf(evidence);
    }

    @Override
    public String kind() {
        return "replace-pod";
    }

    @Override
    public String target() {
        return pod.toString();
    }

    @Override
    public String why() {
        return "the trail ran in this pod; "
                + workload.map(w -> w + " starts a fresh pod from the same image (still vulnerable until the rebuild;"
                                + " see the fix list)")
                        .orElse("it has no controller");
    }

    @Override
    public List<ApiRequest> calls() {
        return List.of(new ApiRequest(
                "DELETE",
                "/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.name(),
                "only if GET shows uid " + uid + "; skipped when the pod is gone or has another uid"));
    }

    @Override
    public Optional<String> refusal() {
        Optional<String> system = SystemNamespaces.refusal(pod.namespace(), pod.toString(), "deleting", forced);
        if (system.isPresent()) {
            return system;
        }
        if (workload.isPresent() || forced) {
            return Optional.empty();
        }
        return Optional.of("refused: " + pod + " is a bare pod (no ownerReferences), so nothing would recreate it and"
                + " deleting it takes its service down; isolate it instead, or rerun with --force to delete it anyway");
    }
}
