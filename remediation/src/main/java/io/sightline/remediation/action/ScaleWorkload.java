package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.PodKey;
import io.sightline.event.SourceRecord;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Scales the workload that owns attacked pods to zero replicas, so that no pod of the vulnerable
 * image runs until the rebuild. One merge patch of the workload sets {@code spec.replicas=0} and
 * records the live count in its {@value #REPLICAS_BEFORE} annotation (the audit record has it too),
 * which is how the scale is undone ({@link #liftCommands()}). It is a patch of the workload rather
 * than of its {@code scale} subresource so that the count and its record change together. A workload already at zero is
 * left alone, so its annotation keeps the count from before the first run.
 *
 * <p>A DaemonSet runs one pod per eligible node and has no replica count; the action is refused
 * for it, saying so, and for any kind without a scale subresource.
 */
public record ScaleWorkload(WorkloadKey workload, boolean forced, List<PodKey> pods, List<SourceRecord> evidence)
        implements RemediationAction {

    public static final String REPLICAS_BEFORE = "sightline.io/replicas-before";

    public ScaleWorkload {
        requireNonNull(workload, "workload is null");
        pods = List.copyOf(pods);
        evidence = List.copyOf(evidence);
    }

    @Override
    public String kind() {
        return "scale-to-zero";
    }

    @Override
    public String target() {
        return workload.toString();
    }

    @Override
    public String why() {
        return "the trail ran in "
                + pods.stream().map(PodKey::toString).collect(Collectors.joining(", "))
                + " of " + workload.ref()
                + "; replace-pod would start the same vulnerable image again, zero replicas keep it stopped until"
                + " the rebuild (this takes the workload's service down)";
    }

    @Override
    public List<ApiRequest> calls() {
        return List.of(
                new ApiRequest("GET", workload.path(), "read spec.replicas (the count to restore) and resourceVersion"),
                new ApiRequest(
                        "PATCH",
                        workload.path(),
                        "merge-patch spec.replicas=0, metadata.annotations {" + REPLICAS_BEFORE
                                + ": <spec.replicas read>}, metadata.resourceVersion <read> (409 if scaled meanwhile);"
                                + " skipped when spec.replicas is already 0"));
    }

    @Override
    public List<String> liftCommands() {
        return List.of("kubectl -n " + workload.namespace() + " scale " + workload.kubectlName()
                + " --replicas=\"$(kubectl -n " + workload.namespace() + " get " + workload.kubectlName()
                + " -o jsonpath='{.metadata.annotations.sightline\\.io/replicas-before}')\"");
    }

    @Override
    public Optional<String> refusal() {
        if (workload.kind().equals("DaemonSet")) {
            return Optional.of("refused: " + workload + " is a DaemonSet: it runs one pod per node and has no replica"
                    + " count to set to zero; isolate its pods, or cordon the nodes it must not run on");
        }
        if (workload.resource().isEmpty()) {
            return Optional.of("refused: " + workload + " is a " + workload.kind()
                    + ", which has no scale subresource Sightline drives (Deployment, StatefulSet, ReplicaSet)");
        }
        Optional<String> system =
                SystemNamespaces.refusal(workload.namespace(), workload.toString(), "scaling to zero", forced);
        if (system.isPresent()) {
            return system;
        }
        return Optional.empty();
    }
}
