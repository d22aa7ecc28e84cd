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
import java.util.OptionalDouble;

/**
 * Reads Trivy's JSON report ({@code trivy image --format json}, SchemaVersion 2). The image is
 * identified by {@code Metadata.RepoDigests} (registry manifest digests), {@code Metadata.ImageID}
 * (the config digest, a different value) and the first repo tag or the artifact name. Stateless
 * and thread safe.
 */
public final class TrivyReportParser {

    static final String SCANNER = "trivy";

    private static final String EXPECTED = "Trivy JSON (SchemaVersion 2 with ArtifactName and Results)";
    private static final String CONTAINER_IMAGE = "container_image";

    private TrivyReportParser() {}

    /**
     * A Trivy report by its identity: SchemaVersion 2 and a textual ArtifactName. The rest of its
     * shape is checked by {@link #parse}, so that a report with a broken field is refused naming
     * that field instead of going unrecognised.
     */
    public static boolean accepts(JsonNode root) {
        return mismatch(root).isEmpty();
    }

    public static ScanReport parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        Optional<String> mismatch = mismatch(root).or(() -> brokenField(root));
        if (mismatch.isPresent()) {
            throw new RecordException(mismatch.get());
        }
        ReportBuilder report = new ReportBuilder(file, SCANNER, skipped);
        JsonNode metadata = root.path("Metadata");
        report.image(image(root));
        Fields.texts(metadata, "RepoDigests").forEach(entry -> report.repoDigest("Metadata.RepoDigests", entry));
        report.configDigest("Metadata.ImageID", Fields.text(metadata, "ImageID"));
        JsonNode results = root.path("Results");
        for (int index = 0; index < results.size(); index++) {
            readResult(results.get(index), "Results[" + index + "]", report);
        }
        return report.build();
    }

    private static Optional<String> mismatch(JsonNode root) {
        if (!root.isObject() || !root.has("SchemaVersion")) {
            return Optional.of("expected " + EXPECTED + ", got " + ReportShapes.describe(root));
        }
        JsonNode schemaVersion = root.path("SchemaVersion");
        if (!schemaVersion.isIntegralNumber() || schemaVersion.asInt() != 2) {
            return Optional.of("expected " + EXPECTED + ", got SchemaVersion " + schemaVersion);
        }
        if (!root.path("ArtifactName").isTextual()) {
            return Optional.of("expected " + EXPECTED + ", got SchemaVersion 2 without a textual ArtifactName");
        }
        return Optional.empty();
    }

    private static Optional<String> brokenField(JsonNode root) {
        JsonNode results = root.path("Results");
        // Trivy leaves Results out when nothing was found.
        if (!results.isMissingNode() && !results.isNull() && !results.isArray()) {
            return Optional.of("Results: expected an array, got " + ReportShapes.kind(results));
        }
        return Optional.empty();
    }

    /**
     * The first repo tag, else the artifact name when it is an image reference. A tarball scan
     * ({@code trivy image --input alpine.tar.gz}) names the archive as ArtifactName; its RepoTags
     * still hold the reference it was saved as.
     */
    private static Optional<ImageRef> image(JsonNode root) {
        List<String> candidates = new ArrayList<>(Fields.texts(root, "Metadata.RepoTags"));
        if (Fields.text(root, "ArtifactType").orElse(CONTAINER_IMAGE).equals(CONTAINER_IMAGE)) {
            Fields.text(root, "ArtifactName").ifPresent(candidates::add);
        }
        return ImageIdentity.firstReference(candidates);
    }

    static void readResult(JsonNode result, String where, ReportBuilder report) {
        // Type is the package type: an OS family (alpine, debian, ubuntu) or a language type (jar, gomod).
        String ecosystem = Fields.text(result, "Type").orElse("unknown");
        report.readEach(
                result.path("Vulnerabilities"),
                where + ".Vulnerabilities",
                entry -> finding(entry, ecosystem, report),
                TrivyReportParser::status);
    }

    /**
     * Trivy's {@code Status} says whether the package is affected. Only {@code not_affected} takes
     * the finding out (with the status kept as a suppression); {@code fixed} means a fixed version
     * exists upstream, {@code will_not_fix}, {@code fix_deferred} and {@code end_of_life} mean the
     * package stays vulnerable, so all of those keep counting.
     */
    static Optional<ReportBuilder.Drop> status(JsonNode entry) {
        return Fields.text(entry, "Status")
                .filter(status -> status.equals("not_affected"))
                .map(status -> new ReportBuilder.Drop(status, "", "Trivy Status"));
    }

    /**
     * {@code PkgPath} is where Trivy found a language package, relative to the image root: the
     * archive for a Java package ({@code app/orders-api.jar}, or {@code
     * app/orders-api.jar/BOOT-INF/lib/log4j-core-2.14.1.jar} for a jar inside a jar), the metadata
     * file for a Python one. OS packages have none.
     */
    static Finding finding(JsonNode entry, String ecosystem, ReportBuilder report) throws RecordException {
        String id = Fields.requiredText(entry, "VulnerabilityID");
        PackageRef pkg = new PackageRef(
                Fields.requiredText(entry, "PkgName"),
                Fields.requiredText(entry, "InstalledVersion"),
                ecosystem,
                Fields.text(entry, "PkgIdentifier.PURL"),
                Fields.text(entry, "PkgPath").stream().toList());
        return new Finding(
                id,
                FindingFields.aliases(id, Fields.texts(entry, "VendorIDs")),
                pkg,
                Fields.text(entry, "FixedVersion"),
                FindingFields.severity(entry, "Severity", report),
                cvssV3(entry.path("CVSS")),
                Fields.text(entry, "Title").orElse(id),
                SCANNER,
                Scores.of(FindingFields.trivyCvss(entry.path("CVSS"))));
    }

    /** NVD's V3 score when present, else the first vendor's, in the order Trivy lists them. */
    private static OptionalDouble cvssV3(JsonNode sources) {
        OptionalDouble nvd = FindingFields.score(sources.path("nvd").path("V3Score"));
        if (nvd.isPresent()) {
            return nvd;
        }
        for (JsonNode source : sources) {
            OptionalDouble score = FindingFields.score(source.path("V3Score"));
            if (score.isPresent()) {
                return score;
            }
        }
        return OptionalDouble.empty();
    }
}
