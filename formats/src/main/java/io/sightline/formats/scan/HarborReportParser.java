package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Cvss;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Scores;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads Harbor's vulnerability report ({@code GET .../artifacts/{ref}/additions/vulnerabilities}):
 * one object keyed by the report MIME type ({@code application/vnd.security.vulnerability.report;
 * version=1.1}, or the older {@code application/vnd.scanner.adapter.vuln.report.harbor+json;
 * version=1.0}). The report does not name the artifact: the 1.1 report lists {@code
 * artifact_digests} on each vulnerability (the registry manifest digest, so a repo digest);
 * the 1.0 report carries no identity at all and joins nothing until the connector, which knows
 * the artifact it asked for, supplies it. Stateless and thread safe.
 */
final class HarborReportParser {

    static final String SCANNER = "harbor";

    private static final List<String> MIME_TYPES = List.of(
            "application/vnd.security.vulnerability.report", "application/vnd.scanner.adapter.vuln.report.harbor+json");

    private HarborReportParser() {}

    static boolean accepts(JsonNode root) {
        return reportOf(root).isPresent();
    }

    static List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        Map.Entry<String, JsonNode> keyed = reportOf(root)
                .orElseThrow(() -> new RecordException("expected a Harbor vulnerability report keyed by " + MIME_TYPES
                        + ", got " + ReportShapes.describe(root)));
        JsonNode body = keyed.getValue();
        ReportBuilder report = new ReportBuilder(file, SCANNER, skipped);
        for (JsonNode vulnerability : body.path("vulnerabilities")) {
            Fields.texts(vulnerability, "artifact_digests")
                    .forEach(d -> report.repoDigest("vulnerabilities[].artifact_digests", d));
        }
        if (!report.hasIdentity()) {
            report.note(
                    keyed.getKey(),
                    "the report names no artifact (no artifact_digests); its findings join no image"
                            + " unless pulled through a Harbor account");
        }
        report.readEach(body.path("vulnerabilities"), "vulnerabilities", HarborReportParser::finding);
        return List.of(report.build());
    }

    private static Optional<Map.Entry<String, JsonNode>> reportOf(JsonNode root) {
        if (!root.isObject() || root.size() != 1) {
            return Optional.empty();
        }
        Map.Entry<String, JsonNode> only = root.properties().iterator().next();
        boolean known = MIME_TYPES.stream().anyMatch(only.getKey()::startsWith);
        return known && only.getValue().path("vulnerabilities").isArray() ? Optional.of(only) : Optional.empty();
    }

    private static Finding finding(JsonNode entry) throws RecordException {
        String id = Fields.requiredText(entry, "id");
        List<Cvss> ratings =
                FindingFields.trivyCvss(entry.path("vendor_attributes").path("CVSS"));
        OptionalDouble preferred =
                FindingFields.score(entry.path("preferred_cvss").path("score_v3"));
        return new Finding(
                id,
                List.of(),
                new PackageRef(
                        Fields.requiredText(entry, "package"),
                        Fields.requiredText(entry, "version"),
                        "unknown",
                        Optional.empty()),
                FindingFields.fixedVersion(entry, "fix_version"),
                FindingFields.severity(entry, "severity"),
                preferred.isPresent() ? preferred : FindingFields.bestScore(ratings),
                Fields.text(entry, "description").orElse(id),
                SCANNER,
                Scores.of(ratings));
    }
}
