package io.sightline.rank;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.ContainerAsset;
import io.sightline.finding.Severity;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One image in the fix list, with every factor of its score. {@code joinedBy} says how its scan
 * reports were tied to the running containers: {@code digest}, {@code config-digest}, {@code tag}
 * (lower confidence) or {@code none}.
 */
public record RankedImage(
        int rank,
        String image,
        List<String> repoDigests,
        Optional<String> configDigest,
        double score,
        List<Factor> factors,
        Map<Severity, Integer> vulnerabilityCounts,
        List<PackageFix> fixes,
        List<ContainerAsset> containers,
        List<String> storyboards,
        List<String> reports,
        String joinedBy) {

    public RankedImage {
        requireNonNull(image, "image is null");
        repoDigests = List.copyOf(repoDigests);
        requireNonNull(configDigest, "configDigest is null");
        factors = List.copyOf(factors);
        vulnerabilityCounts = Map.copyOf(vulnerabilityCounts);
        fixes = List.copyOf(fixes);
        containers = List.copyOf(containers);
        storyboards = List.copyOf(storyboards);
        reports = List.copyOf(reports);
        requireNonNull(joinedBy, "joinedBy is null");
    }

    /** One term of the score, with its points and what it stands for. */
    public record Factor(String name, double points, String detail) {}
}
