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
 * (lower confidence) or {@code none}. {@code loadedPackages} are the vulnerable packages its running
 * containers executed or loaded, the evidence behind the "vulnerable package loaded at runtime"
 * factor.
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
        String joinedBy,
        List<LoadedPackage> loadedPackages) {

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
        loadedPackages = List.copyOf(loadedPackages);
    }

    /** An image for which no package was seen in use. */
    public RankedImage(
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
        this(
                rank,
                image,
                repoDigests,
                configDigest,
                score,
                factors,
                vulnerabilityCounts,
                fixes,
                containers,
                storyboards,
                reports,
                joinedBy,
                List.of());
    }

    /** One term of the score, with its points and what it stands for. */
    public record Factor(String name, double points, String detail) {}

    /**
     * A package a running container of the image executed or loaded, the distinct fixable high and
     * critical vulnerabilities it counted for, and the first evidence.
     */
    public record LoadedPackage(
            String packageName,
            String version,
            List<LoadedVulnerability> vulnerabilities,
            LoadedPackages.Evidence evidence) {

        public LoadedPackage {
            requireNonNull(packageName, "packageName is null");
            requireNonNull(version, "version is null");
            vulnerabilities = List.copyOf(vulnerabilities);
            requireNonNull(evidence, "evidence is null");
        }
    }

    /** A vulnerability id and its severity. */
    public record LoadedVulnerability(String id, Severity severity) {}
}
