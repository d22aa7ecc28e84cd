package io.sightline.finding;

import java.util.Locale;
import java.util.Optional;

/**
 * Severity shared by findings and storyboards, lowest first. Scanners spell it in many ways
 * (Trivy {@code CRITICAL}, Grype {@code Critical}, Snyk {@code critical}, Grype {@code
 * Negligible}); {@link #parse} accepts them all.
 */
public enum Severity {
    UNKNOWN,
    INFO,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    public static Severity parse(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "critical" -> CRITICAL;
            case "high", "important" -> HIGH;
            case "medium", "moderate" -> MEDIUM;
            case "low" -> LOW;
            case "info", "informational", "negligible", "minimal", "unimportant", "none" -> INFO;
            default -> UNKNOWN;
        };
    }

    /**
     * The qualitative rating of a CVSS base score, on the scale of the score's version: v3 and v4
     * (FIRST's specification: 0 none, 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10 critical)
     * or v2 (NVD: below 4 low, below 7 medium, else high; v2 has no critical). Empty for a score
     * outside 0-10.
     */
    public static Optional<Severity> fromCvss(String version, double score) {
        if (!(score >= 0 && score <= 10)) {
            return Optional.empty();
        }
        if (version.startsWith("2")) {
            return Optional.of(score < 4 ? LOW : score < 7 ? MEDIUM : HIGH);
        }
        if (score == 0) {
            return Optional.of(INFO);
        }
        return Optional.of(score < 4 ? LOW : score < 7 ? MEDIUM : score < 9 ? HIGH : CRITICAL);
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Severity raisedBy(int levels) {
        Severity[] all = values();
        return all[Math.max(INFO.ordinal(), Math.min(CRITICAL.ordinal(), ordinal() + levels))];
    }
}
