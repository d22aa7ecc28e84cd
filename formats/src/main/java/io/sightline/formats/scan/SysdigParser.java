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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Sysdig's two report shapes. {@code sysdig-cli-scanner --json}: {@code result.metadata}
 * gives pullString, {@code digest} (the registry manifest digest) and {@code imageId} (the config
 * digest); findings are {@code result.packages[].vulns[]}. The Kubernetes Workload Vulnerability
 * Findings report ({@code panels[].data[]}, one row per finding) names the image and its {@code
 * container_image_id}, the config digest; rows with {@code vuln_risk_accepted} are suppressed.
 * Sysdig writes fixed versions of language packages with a {@code v} prefix ({@code v42.0.0});
 * it is dropped so versions compare. Stateless and thread safe.
 */
final class SysdigParser {

    static final String SCANNER = "sysdig";

    private SysdigParser() {}

    static boolean acceptsCli(JsonNode root) {
        return root.isObject()
                && Fields.text(root, "scanner.name").orElse("").equals("sysdig-cli-scanner")
                && root.path("result").isObject();
    }

    static boolean acceptsWorkloadReport(JsonNode root) {
        JsonNode panels = root.path("panels");
        return root.isObject()
                && panels.isArray()
                && panels.size() > 0
                && panels.get(0).path("data").path(0).has("vuln_id");
    }

    static List<ScanReport> parseCli(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!acceptsCli(root)) {
            throw new RecordException("expected sysdig-cli-scanner JSON, got " + ReportShapes.describe(root));
        }
        JsonNode metadata = root.path("result").path("metadata");
        ReportBuilder report = new ReportBuilder(file, SCANNER, skipped);
        report.image(Fields.text(metadata, "pullString").flatMap(ImageIdentity::reference));
        Fields.text(metadata, "digest").ifPresent(d -> report.repoDigest("result.metadata.digest", d));
        report.configDigest("result.metadata.imageId", Fields.text(metadata, "imageId"));
        JsonNode packages = root.path("result").path("packages");
        for (int index = 0; index < packages.size(); index++) {
            JsonNode pkg = packages.get(index);
            report.readEach(pkg.path("vulns"), "result.packages[" + index + "].vulns", vuln -> cliFinding(pkg, vuln));
        }
        return List.of(report.build());
    }

    private static Finding cliFinding(JsonNode pkg, JsonNode vuln) throws RecordException {
        String id = Fields.requiredText(vuln, "name");
        JsonNode cvss = vuln.path("cvssScore").path("value");
        List<Cvss> ratings = new ArrayList<>();
        if (cvss.isObject()) {
            ratings.add(new Cvss(
                    Fields.text(vuln, "cvssScore.sourceName").orElse(""),
                    Fields.text(cvss, "version").orElse(""),
                    FindingFields.score(cvss.path("score")),
                    Fields.text(cvss, "vector").orElse("")));
        }
        return new Finding(
                id,
                List.of(),
                new PackageRef(
                        Fields.requiredText(pkg, "name"),
                        Fields.requiredText(pkg, "version"),
                        Fields.text(pkg, "type").orElse("unknown"),
                        Optional.empty(),
                        Fields.text(pkg, "path").stream().toList()),
                FindingFields.fixedVersion(vuln, "fixedInVersion").map(SysdigParser::withoutV),
                FindingFields.severity(vuln, "severity.value"),
                FindingFields.bestScore(ratings),
                id,
                SCANNER,
                Scores.of(ratings));
    }

    static List<ScanReport> parseWorkloadReport(JsonNode root, String file, List<SkippedRecord> skipped)
            throws RecordException {
        if (!acceptsWorkloadReport(root)) {
            throw new RecordException(
                    "expected a Sysdig workload vulnerability report (panels[].data[] rows with vuln_id), got "
                            + ReportShapes.describe(root));
        }
        Map<String, ReportBuilder> byImage = new LinkedHashMap<>();
        JsonNode panels = root.path("panels");
        for (int p = 0; p < panels.size(); p++) {
            JsonNode rows = panels.get(p).path("data");
            for (int index = 0; index < rows.size(); index++) {
                JsonNode row = rows.get(index);
                String where = "panels[" + p + "].data[" + index + "]";
                String image = Fields.text(row, "container_image").orElse("");
                Optional<String> imageId = Fields.text(row, "container_image_id");
                ReportBuilder report = byImage.computeIfAbsent(image + "|" + imageId.orElse(""), key -> {
                    ReportBuilder builder = new ReportBuilder(file, SCANNER, skipped);
                    builder.image(ImageIdentity.reference(image));
                    builder.configDigest(where + ".container_image_id", imageId);
                    return builder;
                });
                report.readOne(
                        row,
                        where,
                        SysdigParser::rowFinding,
                        entry -> entry.path("vuln_risk_accepted").asBoolean(false)
                                ? Optional.of(new ReportBuilder.Drop("risk_accepted", "", "Sysdig vuln_risk_accepted"))
                                : Optional.empty());
            }
        }
        return byImage.values().stream().map(ReportBuilder::build).toList();
    }

    private static Finding rowFinding(JsonNode row) throws RecordException {
        String id = Fields.requiredText(row, "vuln_id");
        String vector = Fields.text(row, "vuln_cvss_vector").orElse("");
        List<Cvss> ratings = List.of(new Cvss(
                "sysdig",
                Fields.text(row, "vuln_cvss_version").orElse(""),
                FindingFields.score(row.path("vuln_cvss_score")),
                vector));
        return new Finding(
                id,
                List.of(),
                new PackageRef(
                        Fields.requiredText(row, "scan_package_name"),
                        Fields.requiredText(row, "scan_package_version"),
                        Fields.text(row, "scan_package_type").orElse("unknown"),
                        Optional.empty()),
                FindingFields.fixedVersion(row, "vuln_fixed_in_version").map(SysdigParser::withoutV),
                FindingFields.severity(row, "vuln_severity"),
                FindingFields.bestScore(ratings),
                id,
                SCANNER,
                Scores.of(ratings));
    }

    static String withoutV(String version) {
        return version.length() > 1 && version.charAt(0) == 'v' && Character.isDigit(version.charAt(1))
                ? version.substring(1)
                : version;
    }
}
