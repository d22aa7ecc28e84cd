package io.sightline.rank;

import static java.util.Objects.requireNonNull;

import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.Severity;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Ranks images by build-time risk and runtime participation, every term kept as a factor.
 *
 * <p>Build-time risk grows with the logarithm of the weighted vulnerabilities (each CVE counted
 * once per image however many packages carry it), so an image with a thousand old CVEs does not
 * bury one that is under attack. Runtime participation dominates: an image whose containers took
 * part in a storyboard gains points by the storyboard's severity, most for the container where
 * the trail began. Between the two sits evidence that vulnerable code is in use: packages with
 * fixable high or critical findings that a running container of the image executed or loaded
 * ({@link LoadedPackages}), which also go first in the image's fix list.
 */
public final class ImageRanker {

    private static final Map<Severity, Double> VULNERABILITY_WEIGHT = Map.of(
            Severity.CRITICAL, 10.0,
            Severity.HIGH, 5.0,
            Severity.MEDIUM, 2.0,
            Severity.LOW, 0.5,
            Severity.INFO, 0.1,
            Severity.UNKNOWN, 0.1);
    private static final Map<Severity, Double> STORYBOARD_WEIGHT = Map.of(
            Severity.CRITICAL, 100.0,
            Severity.HIGH, 60.0,
            Severity.MEDIUM, 20.0,
            Severity.LOW, 2.0,
            Severity.INFO, 0.0,
            Severity.UNKNOWN, 0.0);

    /** Points for an EPSS probability of 1; a typical 0.01 earns almost nothing. */
    private static final double EPSS_WEIGHT = 8.0;
    /** Points for a running image behind a LoadBalancer or NodePort Service. */
    private static final double EXPOSURE_POINTS = 4.0;
    /**
     * Points per distinct fixable vulnerability whose package a running container executed or
     * loaded, and their cap: evidence that the vulnerable code is in use, weaker than taking part in
     * an attack (a storyboard earns 20 to 100), stronger than exposure.
     */
    private static final Map<Severity, Double> LOADED_WEIGHT = Map.of(Severity.CRITICAL, 3.0, Severity.HIGH, 2.0);

    private static final double LOADED_CAP = 15.0;

    private final ImageCatalogue catalogue;
    private final Map<String, Double> epss;
    private final LoadedPackages loaded;

    public ImageRanker(ImageCatalogue catalogue) {
        this(catalogue, Map.of());
    }

    /** @param epss FIRST EPSS probabilities by CVE id; when a CVE is absent, the scanner's value counts */
    public ImageRanker(ImageCatalogue catalogue, Map<String, Double> epss) {
        this(catalogue, epss, LoadedPackages.none());
    }

    /**
     * @param epss FIRST EPSS probabilities by CVE id; when a CVE is absent, the scanner's value counts
     * @param loaded which vulnerable packages running containers executed or loaded, fed the
     *     runtime events before {@link #rank} is called
     */
    public ImageRanker(ImageCatalogue catalogue, Map<String, Double> epss, LoadedPackages loaded) {
        this.catalogue = requireNonNull(catalogue, "catalogue is null");
        this.epss = Map.copyOf(requireNonNull(epss, "epss is null"));
        this.loaded = requireNonNull(loaded, "loaded is null");
    }

    /** The EPSS probability of a finding: the imported file's, else the scanner's, else none. */
    public OptionalDouble epss(Finding finding) {
        for (String id : finding.ids()) {
            Double imported = epss.get(id);
            if (imported != null) {
                return OptionalDouble.of(imported);
            }
        }
        return finding.scores().epss();
    }

    public List<RankedImage> rank(List<Storyboard> storyboards) {
        List<Scored> scored = new ArrayList<>();
        for (ImageCatalogue.Entry entry : catalogue.entries()) {
            scored.add(score(entry, storyboards));
        }
        scored.sort(Comparator.comparingDouble(Scored::score)
                .reversed()
                .thenComparing(s -> s.entry.image().toString()));

        List<RankedImage> ranked = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            Scored s = scored.get(i);
            ImageCatalogue.Entry e = s.entry;
            ranked.add(new RankedImage(
                    i + 1,
                    e.image().toString(),
                    e.repoDigests(),
                    e.configDigest(),
                    Math.round(s.score * 100) / 100.0,
                    s.factors,
                    counts(e.findings()),
                    fixes(e.findings(), pkg -> loaded.evidence(e, pkg).isPresent()),
                    e.containers(),
                    s.storyboards,
                    e.reports().stream().map(r -> r.file()).toList(),
                    e.joinedBy(),
                    s.loaded));
        }
        return ranked;
    }

    private static String ratedByCvss(ImageCatalogue.Entry entry, Set<String> vulnerabilities) {
        long rated =
                entry.ratedByCvss().stream().filter(vulnerabilities::contains).count();
        return rated == 0
                ? ""
                : " (" + rated + " without a scanner severity, rated by " + (rated == 1 ? "its" : "their")
                        + " CVSS score)";
    }

    private Scored score(ImageCatalogue.Entry entry, List<Storyboard> storyboards) {
        List<RankedImage.Factor> factors = new ArrayList<>();
        double score = 0;

        Map<String, Finding> byVulnerability = uniqueVulnerabilities(entry.findings());
        double weighted = 0;
        double withoutKev = 0;
        int kev = 0;
        for (Finding finding : byVulnerability.values()) {
            double weight = VULNERABILITY_WEIGHT.get(finding.severity()) * (finding.fixable() ? 1.0 : 0.3);
            withoutKev += weight;
            if (catalogue.isKnownExploited(finding)) {
                weight *= 3;
                kev++;
            }
            weighted += weight;
        }
        if (weighted > 0) {
            double base = 10 * Math.log10(1 + withoutKev);
            double points = 10 * Math.log10(1 + weighted);
            score += points;
            factors.add(new RankedImage.Factor(
                    "build-time risk",
                    round(base),
                    byVulnerability.size()
                            + " distinct " + (byVulnerability.size() == 1 ? "vulnerability" : "vulnerabilities")
                            + ", weighted by severity and fix availability"
                            + ratedByCvss(entry, byVulnerability.keySet())));
            if (kev > 0) {
                factors.add(new RankedImage.Factor(
                        "known exploited", round(points - base), kev + " in CISA KEV, weighted three times"));
            }
        }

        Optional<Finding> likeliest = byVulnerability.values().stream()
                .filter(f -> epss(f).isPresent())
                .max(Comparator.comparingDouble(f -> epss(f).getAsDouble()));
        if (likeliest.isPresent()) {
            double probability = epss(likeliest.get()).getAsDouble();
            double points = EPSS_WEIGHT * probability;
            score += points;
            long likely = byVulnerability.values().stream()
                    .filter(f -> epss(f).orElse(0) >= 0.1)
                    .count();
            factors.add(new RankedImage.Factor(
                    "exploit prediction",
                    round(points),
                    String.format(
                            Locale.ROOT,
                            "highest EPSS %.5f (%s); %d of %d vulnerabilities at 0.1 or above",
                            probability,
                            likeliest.get().vulnerabilityKey(),
                            likely,
                            byVulnerability.size())));
        }

        if (!entry.exposures().isEmpty() && !entry.containers().isEmpty()) {
            score += EXPOSURE_POINTS;
            factors.add(new RankedImage.Factor(
                    "exposed", EXPOSURE_POINTS, "reachable through " + String.join(", ", entry.exposures())));
        }

        List<RankedImage.LoadedPackage> inUse = loadedPackages(entry);
        if (!inUse.isEmpty()) {
            double points = loadedPoints(inUse);
            score += points;
            factors.add(
                    new RankedImage.Factor("vulnerable package loaded at runtime", round(points), loadedDetail(inUse)));
        }

        int running = entry.containers().size();
        if (running > 0) {
            double points = 2 * Math.log(1 + running) / Math.log(2);
            score += points;
            factors.add(new RankedImage.Factor("running containers", round(points), running + " running"));
        }

        List<String> involved = new ArrayList<>();
        Set<String> digests = entry.allDigests();
        for (Storyboard storyboard : storyboards) {
            Optional<Integer> position = positionIn(storyboard, digests);
            if (position.isEmpty()) {
                continue;
            }
            involved.add(storyboard.id());
            double points = STORYBOARD_WEIGHT.get(storyboard.severity()) / (1 + position.get());
            score += points;
            String role = position.get() == 0 ? "where the trail began" : "reached by the trail";
            factors.add(new RankedImage.Factor(
                    "storyboard " + storyboard.id(),
                    round(points),
                    storyboard.severity().label() + " storyboard, " + role));
        }
        return new Scored(entry, score, factors, involved, inUse);
    }

    /**
     * The packages of an image that running containers executed or loaded, each with the distinct
     * fixable high and critical vulnerabilities it carries and the first evidence. A vulnerability
     * carried by several loaded packages is listed under the first of them only, so it counts once.
     */
    private List<RankedImage.LoadedPackage> loadedPackages(ImageCatalogue.Entry entry) {
        Map<String, List<Finding>> byPackage = new LinkedHashMap<>();
        Map<String, LoadedPackages.Evidence> evidence = new HashMap<>();
        Set<String> counted = new HashSet<>();
        for (Finding finding : entry.findings()) {
            if (!LoadedPackages.watched(finding)) {
                continue;
            }
            Optional<LoadedPackages.Evidence> seen = loaded.evidence(entry, finding.pkg());
            if (seen.isEmpty() || !counted.add(finding.vulnerabilityKey())) {
                continue;
            }
            String key = finding.pkg().name() + "@" + finding.pkg().version();
            byPackage.computeIfAbsent(key, k -> new ArrayList<>()).add(finding);
            evidence.putIfAbsent(key, seen.get());
        }
        List<RankedImage.LoadedPackage> packages = new ArrayList<>();
        byPackage.forEach((key, findings) -> {
            Finding any = findings.getFirst();
            packages.add(new RankedImage.LoadedPackage(
                    any.pkg().name(),
                    any.pkg().version(),
                    findings.stream()
                            .sorted(Comparator.comparing(Finding::severity)
                                    .reversed()
                                    .thenComparing(Finding::vulnerabilityKey))
                            .map(f -> new RankedImage.LoadedVulnerability(f.vulnerabilityKey(), f.severity()))
                            .toList(),
                    evidence.get(key)));
        });
        return packages;
    }

    private static double loadedPoints(List<RankedImage.LoadedPackage> packages) {
        double points = packages.stream()
                .flatMap(p -> p.vulnerabilities().stream())
                .mapToDouble(v -> LOADED_WEIGHT.get(v.severity()))
                .sum();
        return Math.min(LOADED_CAP, points);
    }

    /**
     * {@code 2 critical, 3 high fixable vulnerabilities (3 points each critical, 2 each high, at
     * most 15) in packages in use: log4j-core 2.14.1 (CVE-2021-44228, CVE-2021-45046):
     * /app/orders-api.jar run by ...; jackson-databind ...}.
     */
    private static String loadedDetail(List<RankedImage.LoadedPackage> packages) {
        long critical = packages.stream()
                .flatMap(p -> p.vulnerabilities().stream())
                .filter(v -> v.severity() == Severity.CRITICAL)
                .count();
        long high = packages.stream()
                .flatMap(p -> p.vulnerabilities().stream())
                .filter(v -> v.severity() == Severity.HIGH)
                .count();
        List<String> parts = new ArrayList<>();
        for (RankedImage.LoadedPackage p : packages) {
            parts.add(p.packageName() + " " + p.version() + " ("
                    + String.join(
                            ", ",
                            p.vulnerabilities().stream()
                                    .map(RankedImage.LoadedVulnerability::id)
                                    .toList())
                    + "): " + p.evidence().describe());
        }
        return String.format(
                Locale.ROOT,
                "%d critical, %d high fixable %s (%.0f points each critical, %.0f each high, at most %.0f) in"
                        + " packages running containers executed or loaded: %s",
                critical,
                high,
                critical + high == 1 ? "vulnerability" : "vulnerabilities",
                LOADED_WEIGHT.get(Severity.CRITICAL),
                LOADED_WEIGHT.get(Severity.HIGH),
                LOADED_CAP,
                String.join("; ", parts));
    }

    private static Optional<Integer> positionIn(Storyboard storyboard, Set<String> digests) {
        List<String> order = storyboard.containers().stream()
                .map(Storyboard.ContainerEntity::imageDigest)
                .distinct()
                .toList();
        for (int i = 0; i < order.size(); i++) {
            if (digests.contains(order.get(i))) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private static Map<String, Finding> uniqueVulnerabilities(List<Finding> findings) {
        Map<String, Finding> unique = new LinkedHashMap<>();
        for (Finding finding : findings) {
            unique.merge(
                    finding.vulnerabilityKey(), finding, (a, b) -> b.severity().compareTo(a.severity()) > 0 ? b : a);
        }
        return unique;
    }

    private static Map<Severity, Integer> counts(List<Finding> findings) {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        uniqueVulnerabilities(findings).values().forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
        return counts;
    }

    /**
     * One upgrade per package: the highest of the nearest fixes of its vulnerabilities. The worst
     * vulnerability is the most severe, then known exploited, then the highest CVSS score.
     */
    List<PackageFix> fixes(List<Finding> findings) {
        return fixes(findings, pkg -> false);
    }

    /**
     * As {@link #fixes(List)}, with the packages {@code inUse} accepts (a running container executed
     * or loaded them) marked and listed first.
     */
    List<PackageFix> fixes(List<Finding> findings, Predicate<PackageRef> inUse) {
        Map<String, List<Finding>> byPackage = new LinkedHashMap<>();
        for (Finding finding : findings) {
            if (finding.fixable()) {
                String key = finding.pkg().name() + "@" + finding.pkg().version();
                byPackage.computeIfAbsent(key, k -> new ArrayList<>()).add(finding);
            }
        }
        List<PackageFix> fixes = new ArrayList<>();
        for (List<Finding> group : byPackage.values()) {
            Finding any = group.getFirst();
            Map<String, String> nearest = new HashMap<>();
            for (Finding f : group) {
                Versions.nearestFix(f.pkg().version(), f.fixedVersion().orElseThrow())
                        .ifPresent(v ->
                                nearest.merge(f.vulnerabilityKey(), v, (a, b) -> Versions.compare(a, b) >= 0 ? a : b));
            }
            if (nearest.isEmpty()) {
                continue;
            }
            Finding worst = group.stream()
                    .max(Comparator.comparing(Finding::severity)
                            .thenComparing(f -> catalogue.isKnownExploited(f))
                            .thenComparingDouble(f -> f.cvssScore().orElse(0)))
                    .orElseThrow();
            String all = nearest.values().stream().max(Versions.ORDER).orElseThrow();
            boolean loadedAtRuntime = group.stream().anyMatch(f -> inUse.test(f.pkg()));
            fixes.add(new PackageFix(
                    any.pkg().name(),
                    any.pkg().ecosystem(),
                    any.pkg().version(),
                    all,
                    nearest.getOrDefault(worst.vulnerabilityKey(), all),
                    worst.vulnerabilityKey(),
                    worst.severity(),
                    nearest.keySet().stream().sorted().toList(),
                    loadedAtRuntime));
        }
        fixes.sort(Comparator.comparing(PackageFix::loadedAtRuntime)
                .reversed()
                .thenComparing(Comparator.comparing(PackageFix::worst).reversed())
                .thenComparing(f -> -f.vulnerabilities().size())
                .thenComparing(PackageFix::packageName));
        return fixes;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private record Scored(
            ImageCatalogue.Entry entry,
            double score,
            List<RankedImage.Factor> factors,
            List<String> storyboards,
            List<RankedImage.LoadedPackage> loaded) {}
}
