package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Scores;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads Trivy Operator's {@code VulnerabilityReport} resources ({@code
 * aquasecurity.github.io/v1alpha1}), alone or as a {@code kubectl get vulnerabilityreports -o
 * json} list. The image is {@code report.registry.server} + {@code report.artifact.repository} +
 * tag; {@code index.docker.io} is Docker Hub. {@code report.artifact.digest}, when present, is
 * the repo digest the operator read from the pod status ({@code imageID}), so it joins by digest;
 * without it the join is by tag. Stateless and thread safe.
 */
final class TrivyOperatorParser {

    static final String SCANNER = "trivy-operator";

    private static final String KIND = "VulnerabilityReport";
    private static final String EXPECTED = "a Trivy Operator VulnerabilityReport (aquasecurity.github.io)";

    private TrivyOperatorParser() {}

    static boolean accepts(JsonNode root) {
        if (!root.isObject()) {
            return false;
        }
        if (Fields.text(root, "kind").orElse("").equals(KIND)) {
            return Fields.text(root, "apiVersion").orElse("").startsWith("aquasecurity.github.io/");
        }
        JsonNode items = root.path("items");
        return items.isArray()
                && items.size() > 0
                && Fields.text(items.get(0), "kind").orElse("").equals(KIND);
    }

    static List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!accepts(root)) {
            throw new RecordException("expected " + EXPECTED + ", got " + ReportShapes.describe(root));
        }
        if (Fields.text(root, "kind").orElse("").equals(KIND)) {
            return List.of(report(root, "", file, skipped));
        }
        List<ScanReport> reports = new ArrayList<>();
        JsonNode items = root.path("items");
        for (int index = 0; index < items.size(); index++) {
            reports.add(report(items.get(index), "items[" + index + "].", file, skipped));
        }
        return reports;
    }

    private static ScanReport report(JsonNode resource, String where, String file, List<SkippedRecord> skipped) {
        ReportBuilder report = new ReportBuilder(file, SCANNER, skipped);
        JsonNode body = resource.path("report");
        report.image(image(body));
        Fields.text(body, "artifact.digest").ifPresent(d -> report.repoDigest(where + "report.artifact.digest", d));
        String ecosystem = Fields.text(body, "os.family").orElse("unknown");
        report.readEach(
                body.path("vulnerabilities"), where + "report.vulnerabilities", entry -> finding(entry, ecosystem));
        return report.build();
    }

    private static Optional<ImageRef> image(JsonNode body) {
        Optional<String> repository = Fields.text(body, "artifact.repository");
        if (repository.isEmpty()) {
            return Optional.empty();
        }
        String reference =
                Fields.text(body, "registry.server").map(s -> s + "/").orElse("")
                        + repository.get()
                        + Fields.text(body, "artifact.tag").map(t -> ":" + t).orElse("");
        return ImageIdentity.reference(reference);
    }

    private static Finding finding(JsonNode entry, String ecosystem) throws RecordException {
        String id = Fields.requiredText(entry, "vulnerabilityID");
        return new Finding(
                id,
                List.of(),
                new PackageRef(
                        Fields.requiredText(entry, "resource"),
                        Fields.requiredText(entry, "installedVersion"),
                        Fields.text(entry, "packageType").orElse(ecosystem),
                        Optional.empty()),
                FindingFields.fixedVersion(entry, "fixedVersion"),
                FindingFields.severity(entry, "severity"),
                FindingFields.score(entry.path("score")),
                Fields.text(entry, "title").orElse(id),
                SCANNER,
                Scores.NONE);
    }
}
