package io.sightline.remediation.fixes;

import static java.util.Objects.requireNonNull;

import io.sightline.rank.PackageFix;
import java.util.List;
import java.util.Optional;

/**
 * The fix list as work for one image: the upgrades that clear its findings, the base image to
 * move off if the scanner names one, the workloads to roll once the image is rebuilt, and where to
 * look at it outside Sightline.
 */
public record FixWork(
        int rank,
        String image,
        List<String> repoDigests,
        List<PackageFix> upgrades,
        Optional<String> baseImage,
        List<Rollout> rollouts,
        List<ScannerView> views,
        List<String> storyboards,
        List<String> reports) {

    public FixWork {
        requireNonNull(image, "image is null");
        repoDigests = List.copyOf(repoDigests);
        upgrades = List.copyOf(upgrades);
        requireNonNull(baseImage, "baseImage is null");
        rollouts = List.copyOf(rollouts);
        views = List.copyOf(views);
        storyboards = List.copyOf(storyboards);
        reports = List.copyOf(reports);
    }

    /**
     * A workload to roll after the rebuild, with the running containers of the image in it. A pod
     * without a controller is its own workload ({@code kind} {@code Pod}); a container outside
     * Kubernetes has kind {@code Container}.
     */
    public record Rollout(String kind, String namespace, String name, List<RunningContainer> containers) {

        public Rollout {
            requireNonNull(kind, "kind is null");
            requireNonNull(namespace, "namespace is null");
            requireNonNull(name, "name is null");
            containers = List.copyOf(containers);
        }

        public String describe() {
            return namespace.isEmpty() ? kind + "/" + name : kind + " " + namespace + "/" + name;
        }
    }

    /** One running container of the image, as the inventory names it. */
    public record RunningContainer(String containerId, String name, String host, String namespace, String pod) {}
}
