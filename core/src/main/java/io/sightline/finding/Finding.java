package io.sightline.finding;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One vulnerability in one package of one image, as a scanner reported it. {@code id} is the
 * scanner's primary id (CVE, GHSA, SNYK-...), {@code aliases} every other id it gave. {@code
 * cvssScore} is the one score used for display; {@code scores} keeps every rating per source.
 */
public record Finding(
        String id,
        List<String> aliases,
        PackageRef pkg,
        Optional<String> fixedVersion,
        Severity severity,
        OptionalDouble cvssScore,
        String title,
        String scanner,
        Scores scores) {

    public Finding {
        requireNonNull(id, "id is null");
        aliases = List.copyOf(aliases);
        requireNonNull(pkg, "pkg is null");
        requireNonNull(fixedVersion, "fixedVersion is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(cvssScore, "cvssScore is null");
        requireNonNull(title, "title is null");
        requireNonNull(scanner, "scanner is null");
        requireNonNull(scores, "scores is null");
    }

    /** A finding whose scanner gave no CVSS ratings by source and no EPSS. */
    public Finding(
            String id,
            List<String> aliases,
            PackageRef pkg,
            Optional<String> fixedVersion,
            Severity severity,
            OptionalDouble cvssScore,
            String title,
            String scanner) {
        this(id, aliases, pkg, fixedVersion, severity, cvssScore, title, scanner, Scores.NONE);
    }

    /** This finding on {@code other}: the same package as another entry of the report named it. */
    public Finding withPackage(PackageRef other) {
        return new Finding(id, aliases, other, fixedVersion, severity, cvssScore, title, scanner, scores);
    }

    /**
     * The severity its CVSS ratings imply, for a scanner that gave none: the v4 or v3 rating with the
     * highest score, else the highest v2 rating, else the display score read on the v3 scale.
     */
    public Optional<Severity> cvssSeverity() {
        Comparator<Cvss> byScore = Comparator.comparingDouble(r -> r.score().getAsDouble());
        List<Cvss> scored =
                scores.cvss().stream().filter(r -> r.score().isPresent()).toList();
        Optional<Cvss> best = scored.stream()
                .filter(r -> !r.version().startsWith("2"))
                .max(byScore)
                .or(() -> scored.stream().max(byScore));
        if (best.isPresent()) {
            return Severity.fromCvss(best.get().version(), best.get().score().getAsDouble());
        }
        return cvssScore.isPresent() ? Severity.fromCvss("3", cvssScore.getAsDouble()) : Optional.empty();
    }

    /** This finding rated {@code other}. */
    public Finding withSeverity(Severity other) {
        return new Finding(id, aliases, pkg, fixedVersion, other, cvssScore, title, scanner, scores);
    }

    public boolean fixable() {
        return fixedVersion.isPresent();
    }

    /** Every id this finding is known by: the primary id and its aliases. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        ids.add(id);
        ids.addAll(aliases);
        return ids;
    }

    /** The CVE id among the primary id and aliases, if any: the key findings are counted by. */
    public String vulnerabilityKey() {
        if (id.startsWith("CVE-")) {
            return id;
        }
        return aliases.stream().filter(a -> a.startsWith("CVE-")).findFirst().orElse(id);
    }
}
