package io.sightline.finding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;

class SeverityTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "CRITICAL, CRITICAL", // Trivy
        "Critical, CRITICAL", // Grype
        "critical, CRITICAL", // Snyk
        "HIGH, HIGH",
        "High, HIGH",
        "high, HIGH",
        "Important, HIGH",
        "MEDIUM, MEDIUM",
        "Medium, MEDIUM",
        "moderate, MEDIUM",
        "LOW, LOW",
        "Low, LOW",
        "Negligible, INFO", // Grype
        "Informational, INFO",
        "UNKNOWN, UNKNOWN", // Trivy
        "Unknown, UNKNOWN", // Grype
        "'', UNKNOWN",
        "'  High ', HIGH",
        "severe, UNKNOWN",
    })
    void parsesEveryScannerSpelling(String text, Severity expected) {
        assertThat(Severity.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullSource
    void aMissingSeverityIsUnknown(String text) {
        assertThat(Severity.parse(text)).isEqualTo(Severity.UNKNOWN);
    }

    @ParameterizedTest(name = "{0} raised by {1} -> {2}")
    @CsvSource({
        "LOW, 1, MEDIUM",
        "MEDIUM, 1, HIGH",
        "HIGH, 1, CRITICAL",
        "LOW, 2, HIGH",
        "CRITICAL, 1, CRITICAL",
        "MEDIUM, 5, CRITICAL",
        "UNKNOWN, 1, INFO",
        "HIGH, 0, HIGH",
    })
    void raisedByStopsAtCritical(Severity from, int levels, Severity expected) {
        assertThat(from.raisedBy(levels)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} at least {1}: {2}")
    @CsvSource({"CRITICAL, HIGH, true", "HIGH, HIGH, true", "MEDIUM, HIGH, false", "UNKNOWN, INFO, false"})
    void atLeastFollowsTheOrderLowestFirst(Severity severity, Severity other, boolean expected) {
        assertThat(severity.atLeast(other)).isEqualTo(expected);
    }
}
