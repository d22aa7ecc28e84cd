package io.sightline.finding;

import java.util.Locale;

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
