package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code trivy k8s --format json}: one entry per workload ({@code Namespace}, {@code Kind},
 * {@code Name}) under {@code Vulnerabilities} (Trivy up to 0.38, as in DefectDojo's
 * kubernetes.json) or {@code Resources} (later versions), each with ordinary Trivy {@code
 * Results}. The image is named only by the OS result's {@code Target}, {@code "docker.io/redis:6.0.5
 * (debian 10.4)"}; later versions add {@code Metadata[]} with ImageID and RepoDigests. Without a
 * digest the report joins by tag, which the catalogue records as the weaker join. One report per
 * workload image; language results of a workload go to its image when it has exactly one.
 * Stateless and thread safe.
 */
final class TrivyKubernetesParser {

    private static final String EXPECTED =
            "trivy k8s JSON (ClusterName with Vulnerabilities or Resources of workloads with Results)";

    private TrivyKubernetesParser() {}

    static boolean accepts(JsonNode root) {
        return root.isObject()
                && root.path("ClusterName").isTextual()
                && (root.path("Vulnerabilities").isArray()
                        || root.path("Resources").isArray());
    }

    static List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!accepts(root)) {
            throw new RecordException("expected " + EXPECTED + ", got " + ReportShapes.describe(root));
        }
        String key = root.path("Resources").isArray() ? "Resources" : "Vulnerabilities";
        JsonNode workloads = root.path(key);
        List<ScanReport> reports = new ArrayList<>();
        for (int index = 0; index < workloads.size(); index++) {
            reports.addAll(workload(workloads.get(index), key + "[" + index + "]", file, skipped));
        }
        return reports;
    }

    private static List<ScanReport> workload(
            JsonNode workload, String where, String file, List<SkippedRecord> skipped) {
        Map<String, ReportBuilder> byImage = new LinkedHashMap<>();
        List<Integer> languageResults = new ArrayList<>();
        JsonNode results = workload.path("Results");
        for (int index = 0; index < results.size(); index++) {
            JsonNode result = results.get(index);
            Optional<String> image = imageOf(Fields.text(result, "Target").orElse(""));
            if (image.isEmpty()
                    || !Fields.text(result, "Class").orElse("os-pkgs").equals("os-pkgs")) {
                languageResults.add(index);
                continue;
            }
            ReportBuilder report = byImage.computeIfAbsent(image.get(), name -> builder(name, workload, file, skipped));
            TrivyReportParser.readResult(result, where + ".Results[" + index + "]", report);
        }
        for (int index : languageResults) {
            String at = where + ".Results[" + index + "]";
            if (byImage.size() == 1) {
                TrivyReportParser.readResult(
                        results.get(index), at, byImage.values().iterator().next());
            } else if (results.get(index).path("Vulnerabilities").size() > 0) {
                skipped.add(new SkippedRecord(
                        file,
                        0,
                        at + ": target '"
                                + Fields.text(results.get(index), "Target").orElse("")
                                + "' is not an image and workload " + name(workload) + " has " + byImage.size()
                                + " images; its findings skipped"));
            }
        }
        return byImage.values().stream().map(ReportBuilder::build).toList();
    }

    private static ReportBuilder builder(String image, JsonNode workload, String file, List<SkippedRecord> skipped) {
        ReportBuilder report = new ReportBuilder(file, TrivyReportParser.SCANNER, skipped);
        ImageRef reference = ImageRef.parse(image);
        report.image(Optional.of(reference));
        // Later trivy k8s versions list per-image metadata; take the entry that names this image.
        for (JsonNode metadata : workload.path("Metadata")) {
            List<String> tags = Fields.texts(metadata, "RepoTags");
            boolean same = tags.stream()
                    .map(ImageIdentity::reference)
                    .flatMap(Optional::stream)
                    .anyMatch(tag -> tag.name().equals(reference.name()));
            if (same || workload.path("Metadata").size() == 1) {
                Fields.texts(metadata, "RepoDigests").forEach(d -> report.repoDigest("Metadata.RepoDigests", d));
                report.configDigest("Metadata.ImageID", Fields.text(metadata, "ImageID"));
            }
        }
        return report;
    }

    /** {@code "docker.io/redis:6.0.5 (debian 10.4)"} names the image before the distro in parentheses. */
    static Optional<String> imageOf(String target) {
        int paren = target.lastIndexOf(" (");
        String candidate = paren > 0 ? target.substring(0, paren) : target;
        return ImageIdentity.reference(candidate)
                .filter(ref -> candidate.contains(":") || candidate.contains("@"))
                .map(ref -> candidate);
    }

    private static String name(JsonNode workload) {
        return Fields.text(workload, "Namespace").orElse("") + "/"
                + Fields.text(workload, "Kind").orElse("") + "/"
                + Fields.text(workload, "Name").orElse("");
    }
}
