package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.finding.Cvss;
import io.sightline.finding.Severity;
import io.sightline.formats.Fields;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** Field readings the scanner formats share. */
final class FindingFields {

    private FindingFields() {}

    static Severity severity(JsonNode entry, String path) {
        return Fields.text(entry, path).map(Severity::parse).orElse(Severity.UNKNOWN);
    }

    /**
     * As {@link #severity(JsonNode, String)}, noting on the report a value that is present but
     * names no severity (a number, an unknown word): the finding is kept with severity unknown.
     */
    static Severity severity(JsonNode entry, String path, ReportBuilder report) {
        JsonNode value = entry.path(path);
        if (value.isMissingNode() || value.isNull()) {
            return Severity.UNKNOWN;
        }
        Severity severity = value.isTextual() ? Severity.parse(value.asText()) : Severity.UNKNOWN;
        boolean saysUnknown = value.isTextual() && value.asText().trim().equalsIgnoreCase("unknown");
        if (severity == Severity.UNKNOWN && !saysUnknown) {
            report.noteField(
                    path,
                    "expected a severity name (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN), got " + value
                            + "; severity left unknown, finding kept");
        }
        return severity;
    }

    /** A number, or a number written as text ({@code "0.00046"} in Snyk's epssDetails). */
    static OptionalDouble score(JsonNode value) {
        if (value.isNumber()) {
            return OptionalDouble.of(value.asDouble());
        }
        if (value.isTextual()) {
            try {
                return OptionalDouble.of(Double.parseDouble(value.asText().trim()));
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }

    /** The distinct candidates other than the primary id, in the order the scanner gave them. */
    static List<String> aliases(String id, List<String> candidates) {
        Set<String> aliases = new LinkedHashSet<>(candidates);
        aliases.remove(id);
        aliases.remove("");
        return List.copyOf(aliases);
    }

    /** A fixed version, with the empty text several scanners write for "none" read as absent. */
    static Optional<String> fixedVersion(JsonNode entry, String path) {
        return Fields.text(entry, path).map(String::trim).filter(v -> !v.isEmpty());
    }

    /**
     * Trivy's {@code CVSS} map ({@code nvd: {V3Vector, V3Score, V2Vector, V2Score, V40Vector,
     * V40Score}}), also embedded by Harbor as {@code vendor_attributes.CVSS}: one rating per
     * source and version present.
     */
    static List<Cvss> trivyCvss(JsonNode sources) {
        List<Cvss> ratings = new ArrayList<>();
        sources.properties().forEach(source -> {
            JsonNode rating = source.getValue();
            for (String version : List.of("40", "3", "2")) {
                String vector = Fields.text(rating, "V" + version + "Vector").orElse("");
                OptionalDouble score = score(rating.path("V" + version + "Score"));
                if (!vector.isEmpty() || score.isPresent()) {
                    ratings.add(new Cvss(source.getKey(), cvssVersion(version, vector), score, vector));
                }
            }
        });
        return ratings;
    }

    /** The version a vector names ({@code CVSS:3.1/...}), else the one its field name implies. */
    static String cvssVersion(String fallback, String vector) {
        if (vector.startsWith("CVSS:")) {
            int slash = vector.indexOf('/');
            return vector.substring(5, slash > 0 ? slash : vector.length());
        }
        return switch (fallback) {
            case "40" -> "4.0";
            case "3" -> "3";
            case "2" -> "2.0";
            default -> fallback;
        };
    }

    /** The highest v3 (else any) score among ratings, for the single score shown. */
    static OptionalDouble bestScore(List<Cvss> ratings) {
        OptionalDouble v3 = ratings.stream()
                .filter(r -> r.version().startsWith("3"))
                .filter(r -> r.score().isPresent())
                .mapToDouble(r -> r.score().getAsDouble())
                .max();
        if (v3.isPresent()) {
            return v3;
        }
        return ratings.stream()
                .filter(r -> r.score().isPresent())
                .mapToDouble(r -> r.score().getAsDouble())
                .max();
    }

    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
