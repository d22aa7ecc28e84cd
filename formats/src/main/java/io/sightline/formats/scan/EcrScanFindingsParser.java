package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Cvss;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Scores;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads Amazon ECR's {@code DescribeImageScanFindings} response, as the API sends it and as {@code
 * aws ecr describe-image-scan-findings} prints it (AWS API reference: ImageScanFindings,
 * ImageScanFinding, EnhancedImageScanFinding). One image per document, named by {@code
 * imageId.imageDigest} (the registry manifest digest, so a repo digest).
 *
 * <p>Basic scanning findings ({@code imageScanFindings.findings[]}) name the CVE in {@code name}
 * and the package in the {@code attributes} key/value list ({@code package_name}, {@code
 * package_version}, {@code CVSS2_SCORE}, {@code CVSS2_VECTOR}); they give no fixed version, so they
 * never count as fixable. Enhanced scanning findings ({@code enhancedFindings[]}) are Amazon
 * Inspector's and are read by the Inspector2 {@code ListFindings} parser, with ECR's {@code score}
 * taken as Inspector's {@code inspectorScore}.
 *
 * <p>The response names the registry account and repository but not the region, so no registry
 * reference is built from it: the digest is what joins. A pull through an ECR scanner account adds
 * the reference. Stateless and thread safe.
 */
final class EcrScanFindingsParser {

    static final String SCANNER = "ecr";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Scan statuses under which the findings are whole: basic scanning's COMPLETE, enhanced scanning's
     * ACTIVE. The others (IN_PROGRESS, PENDING, FAILED, UNSUPPORTED_IMAGE, FINDINGS_UNAVAILABLE,
     * SCAN_ELIGIBILITY_EXPIRED, LIMIT_EXCEEDED, IMAGE_ARCHIVED) are noted with ECR's description.
     */
    private static final Set<String> FINISHED = Set.of("COMPLETE", "ACTIVE");

    private EcrScanFindingsParser() {}

    static boolean accepts(JsonNode root) {
        return root.isObject()
                && root.path("imageScanFindings").isObject()
                && (root.path("imageId").isObject() || root.has("repositoryName"));
    }

    static List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!accepts(root)) {
            throw new RecordException("expected an ECR DescribeImageScanFindings response (imageScanFindings and"
                    + " imageId), got " + ReportShapes.describe(root));
        }
        JsonNode scan = root.path("imageScanFindings");
        List<ScanReport> reports = new ArrayList<>();
        JsonNode basic = scan.path("findings");
        if (basic.size() > 0 || scan.path("enhancedFindings").isEmpty()) {
            reports.add(basicReport(root, file, skipped));
        }
        JsonNode enhanced = scan.path("enhancedFindings");
        if (enhanced.size() > 0) {
            reports.addAll(enhancedReports(enhanced, file, skipped));
        }
        return reports;
    }

    private static ScanReport basicReport(JsonNode root, String file, List<SkippedRecord> skipped) {
        ReportBuilder report = new ReportBuilder(file, SCANNER, skipped);
        Fields.text(root, "imageId.imageDigest").ifPresent(d -> report.repoDigest("imageId.imageDigest", d));
        if (!report.hasIdentity()) {
            report.note("imageId", "the response names no imageDigest; its findings join no image");
        }
        Fields.text(root, "imageScanStatus.status")
                .filter(status -> !FINISHED.contains(status))
                .ifPresent(status -> report.note(
                        "imageScanStatus",
                        "scan status " + status + " ("
                                + Fields.text(root, "imageScanStatus.description")
                                        .orElse("no description")
                                + "); its findings may be missing or incomplete"));
        report.readEach(
                root.path("imageScanFindings").path("findings"),
                "imageScanFindings.findings",
                EcrScanFindingsParser::basicFinding);
        return report.build();
    }

    private static Finding basicFinding(JsonNode entry) throws RecordException {
        String id = Fields.requiredText(entry, "name");
        Map<String, String> attributes = attributes(entry.path("attributes"));
        String name = required(attributes, "package_name");
        String version = required(attributes, "package_version");
        OptionalDouble score = FindingFields.score(NODES.textNode(attributes.getOrDefault("CVSS2_SCORE", "")));
        String vector = attributes.getOrDefault("CVSS2_VECTOR", "");
        List<Cvss> ratings =
                score.isPresent() || !vector.isEmpty() ? List.of(new Cvss(SCANNER, "2.0", score, vector)) : List.of();
        return new Finding(
                id,
                List.of(),
                // Basic scanning reads operating-system packages only and does not say which package manager.
                new PackageRef(name, version, "os", Optional.empty()),
                Optional.empty(),
                FindingFields.severity(entry, "severity"),
                score,
                Fields.text(entry, "description").orElse(id),
                SCANNER,
                Scores.of(ratings));
    }

    private static Map<String, String> attributes(JsonNode list) {
        Map<String, String> attributes = new HashMap<>();
        for (JsonNode attribute : list) {
            Fields.text(attribute, "key")
                    .ifPresent(key -> Fields.text(attribute, "value").ifPresent(v -> attributes.put(key, v)));
        }
        return attributes;
    }

    private static String required(Map<String, String> attributes, String key) throws RecordException {
        String value = attributes.get(key);
        if (value == null || value.isBlank()) {
            throw new RecordException("expected attribute " + key + ", got attributes " + attributes.keySet());
        }
        return value;
    }

    /** Enhanced findings in Inspector2 ListFindings' shape: ECR's {@code score} is Inspector's {@code inspectorScore}. */
    private static List<ScanReport> enhancedReports(JsonNode enhanced, String file, List<SkippedRecord> skipped)
            throws RecordException {
        ArrayNode findings = NODES.arrayNode();
        for (JsonNode finding : enhanced) {
            JsonNode copy = finding.deepCopy();
            if (copy instanceof ObjectNode object && object.has("score") && !object.has("inspectorScore")) {
                object.set("inspectorScore", object.get("score"));
            }
            findings.add(copy);
        }
        ObjectNode listFindings = NODES.objectNode();
        listFindings.set("findings", findings);
        if (!InspectorParser.acceptsListFindings(listFindings)) {
            skipped.add(new SkippedRecord(
                    file,
                    0,
                    "imageScanFindings.enhancedFindings: expected Inspector findings (an inspector2 findingArn),"
                            + " got " + ReportShapes.describe(enhanced.get(0)) + "; " + enhanced.size()
                            + " enhanced findings skipped"));
            return List.of();
        }
        return InspectorParser.parseListFindings(listFindings, file, skipped);
    }
}
