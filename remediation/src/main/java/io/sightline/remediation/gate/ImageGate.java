package io.sightline.remediation.gate;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.ContainerAsset;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.image.ImageRef;
import io.sightline.rank.ImageCatalogue;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an image may go on through a pipeline, from one analysis of a folder. Every
 * storyboard of a folder analysis counts as open: a folder has no triage state (the server will).
 *
 * <p>Stateless apart from the analysis it reads; safe to share between threads.
 */
public final class ImageGate {

    private final AnalysisResult analysis;

    public ImageGate(AnalysisResult analysis) {
        this.analysis = requireNonNull(analysis, "analysis is null");
    }

    /**
     * @param reference a bare {@code sha256:} digest, a reference with {@code @sha256:}, or a tag
     * @throws IllegalArgumentException when the reference cannot be parsed
     */
    public GateVerdict evaluate(String reference, GatePolicy policy) {
        requireNonNull(policy, "policy is null");
        ImageMatch match = match(reference);
        List<ImageCatalogue.Entry> entries = entriesOf(match.digests());
        Set<String> digests = new LinkedHashSet<>(match.digests());
        entries.forEach(e -> digests.addAll(e.allDigests()));

        List<String> reasons = new ArrayList<>();
        if (!policy.allowUnseen() && entries.isEmpty() && !running(digests)) {
            reasons.add("not seen: no scan report and no running container names this image, so nothing says it"
                    + " is safe; scan it first, check the reference for a typo, or pass --allow-unseen");
        }
        for (Storyboard storyboard : analysis.storyboards()) {
            if (storyboard.severity().atLeast(policy.storyboardThreshold()) && implicates(storyboard, digests)) {
                reasons.add(storyboardReason(storyboard, digests));
            }
        }
        reasons.addAll(findingReasons(entries, policy));
        return new GateVerdict(reference, match, reasons);
    }

    /**
     * Resolves a reference to digests: directly when it carries one, through tags otherwise.
     *
     * @throws IllegalArgumentException when the reference is not an image reference
     */
    public ImageMatch match(String reference) {
        requireNonNull(reference, "reference is null");
        ReferenceSyntax.check(reference);
        if (ImageRef.isDigest(reference.trim())) {
            return new ImageMatch(ImageMatch.Kind.DIGEST, Set.of(reference.trim()), List.of());
        }
        ImageRef ref = ImageRef.parse(reference);
        if (ref.digest().isPresent()) {
            return new ImageMatch(ImageMatch.Kind.DIGEST, Set.of(ref.digest().get()), List.of());
        }
        Set<String> digests = new LinkedHashSet<>();
        Set<String> sources = new LinkedHashSet<>();
        for (ContainerAsset container : analysis.inventory().containers()) {
            if (sameTag(container.image(), ref)) {
                container.imageDigest().ifPresent(digests::add);
                container.configDigest().ifPresent(digests::add);
                sources.add("the inventory");
            }
        }
        for (ImageCatalogue.Entry entry : analysis.catalogue().entries()) {
            for (ScanReport report : entry.reports()) {
                if (report.image().filter(image -> sameTag(image, ref)).isPresent()) {
                    digests.addAll(report.repoDigests());
                    report.configDigest().ifPresent(digests::add);
                    sources.add("scan report " + report.file());
                }
            }
        }
        if (digests.isEmpty()) {
            return new ImageMatch(ImageMatch.Kind.NONE, Set.of(), List.of());
        }
        return new ImageMatch(ImageMatch.Kind.TAG, digests, List.copyOf(sources));
    }

    private boolean running(Set<String> digests) {
        return analysis.inventory().containers().stream()
                .anyMatch(c -> c.imageDigest().filter(digests::contains).isPresent()
                        || c.configDigest().filter(digests::contains).isPresent());
    }

    private List<ImageCatalogue.Entry> entriesOf(Set<String> digests) {
        return analysis.catalogue().entries().stream()
                .filter(e -> e.allDigests().stream().anyMatch(digests::contains))
                .toList();
    }

    private static boolean sameTag(ImageRef image, ImageRef wanted) {
        return image.name().equals(wanted.name()) && image.tag().equals(wanted.tag());
    }

    private static boolean implicates(Storyboard storyboard, Set<String> digests) {
        return storyboard.imageDigests().stream().anyMatch(digests::contains)
                || storyboard.containers().stream()
                        .map(Storyboard.ContainerEntity::imageDigest)
                        .anyMatch(digests::contains);
    }

    private static String storyboardReason(Storyboard storyboard, Set<String> digests) {
        List<String> pods = storyboard.containers().stream()
                .filter(c -> digests.contains(c.imageDigest()))
                .map(c -> c.namespace() + "/" + c.pod())
                .distinct()
                .toList();
        String why = storyboard.severityReasons().isEmpty()
                ? ""
                : "; " + storyboard.severityReasons().getFirst();
        return "implicated in open storyboard " + storyboard.id() + " ("
                + storyboard.severity().label() + ")" + (pods.isEmpty() ? "" : " through " + String.join(", ", pods))
                + why;
    }

    private List<String> findingReasons(List<ImageCatalogue.Entry> entries, GatePolicy policy) {
        if (policy.maxSeverity().isEmpty() && !policy.kev()) {
            return List.of();
        }
        Map<String, Finding> unique = new LinkedHashMap<>();
        for (ImageCatalogue.Entry entry : entries) {
            for (Finding finding : entry.findings()) {
                if (!policy.fixableOnly() || finding.fixable()) {
                    unique.merge(finding.vulnerabilityKey(), finding, ImageGate::worse);
                }
            }
        }
        List<Finding> ordered = unique.values().stream()
                .sorted(Comparator.comparing(Finding::severity).reversed().thenComparing(Finding::vulnerabilityKey))
                .toList();
        ImageCatalogue catalogue = analysis.catalogue();
        List<String> reasons = new ArrayList<>();
        for (Finding finding : ordered) {
            List<String> breaches = new ArrayList<>();
            Optional<Severity> max = policy.maxSeverity();
            if (max.isPresent() && finding.severity().compareTo(max.get()) > 0) {
                breaches.add("above --max-severity " + max.get().label());
            }
            if (policy.kev() && catalogue.isKnownExploited(finding)) {
                breaches.add("in CISA KEV (--kev)");
            }
            if (!breaches.isEmpty()) {
                reasons.add("finding " + finding.vulnerabilityKey() + " ("
                        + finding.severity().label() + ") in "
                        + finding.pkg().name() + " " + finding.pkg().version()
                        + finding.fixedVersion().map(v -> ", fixed in " + v).orElse(", no fix yet")
                        + ": " + String.join(", ", breaches));
            }
        }
        return reasons;
    }

    private static Finding worse(Finding a, Finding b) {
        return b.severity().compareTo(a.severity()) > 0 ? b : a;
    }
}
