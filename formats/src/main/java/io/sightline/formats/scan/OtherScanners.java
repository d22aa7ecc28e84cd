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
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Readers for the single-image reports of Aqua, NeuVector, Wiz CLI, Prisma Cloud (twistcli) and
 * Google Artifact Analysis. Each is small; what each says about identity is in its method's
 * comment. Stateless and thread safe.
 */
final class OtherScanners {

    private OtherScanners() {}

    static boolean acceptsAqua(JsonNode root) {
        return root.isObject() && root.path("resources").isArray() && root.has("image") && root.has("scan_options");
    }

    /**
     * Aqua scanner JSON: {@code image} is the reference, {@code digest} the registry manifest digest.
     * Severity is Aqua's own {@code aqua_severity} when given (what the Aqua console shows), else
     * NVD's v3 severity.
     */
    static List<ScanReport> parseAqua(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        require(acceptsAqua(root), "Aqua scanner JSON (image, resources[], scan_options)", root);
        ReportBuilder report = new ReportBuilder(file, "aqua", skipped);
        report.image(Fields.text(root, "image").flatMap(ImageIdentity::reference));
        Fields.text(root, "digest").ifPresent(d -> report.repoDigest("digest", d));
        JsonNode resources = root.path("resources");
        for (int index = 0; index < resources.size(); index++) {
            JsonNode resource = resources.get(index).path("resource");
            report.readEach(
                    resources.get(index).path("vulnerabilities"),
                    "resources[" + index + "].vulnerabilities",
                    v -> aquaFinding(resource, v));
        }
        return List.of(report.build());
    }

    private static Finding aquaFinding(JsonNode resource, JsonNode v) throws RecordException {
        String id = Fields.requiredText(v, "name");
        List<Cvss> ratings = new ArrayList<>();
        addRating(ratings, "nvd", "3", v.path("nvd_score_v3"), Fields.text(v, "nvd_vectors_v3"));
        addRating(ratings, "nvd", "2.0", v.path("nvd_score"), Fields.text(v, "nvd_vectors"));
        addRating(ratings, "aqua", "3", v.path("aqua_score"), Fields.text(v, "aqua_vectors"));
        return new Finding(
                id,
                List.of(),
                new PackageRef(
                        Fields.requiredText(resource, "name"),
                        Fields.requiredText(resource, "version"),
                        Fields.text(resource, "format").orElse("unknown"),
                        Optional.empty(),
                        Fields.text(resource, "path").stream().toList()),
                FindingFields.fixedVersion(v, "fix_version"),
                FindingFields.severity(
                        v, Fields.text(v, "aqua_severity").isPresent() ? "aqua_severity" : "nvd_severity_v3"),
                FindingFields.bestScore(ratings),
                Fields.text(v, "description").orElse(id),
                "aqua",
                Scores.of(ratings));
    }

    static boolean acceptsNeuVector(JsonNode root) {
        return root.isObject()
                && root.path("report").path("vulnerabilities").isArray()
                && root.path("report").has("modules");
    }

    /**
     * NeuVector's scan report ({@code {"report": {...}}}). This shape does not name the image it
     * scanned (the REST call that returned it does), so the report has no identity.
     */
    static List<ScanReport> parseNeuVector(JsonNode root, String file, List<SkippedRecord> skipped)
            throws RecordException {
        require(acceptsNeuVector(root), "NeuVector scan JSON (report.vulnerabilities, report.modules)", root);
        JsonNode body = root.path("report");
        ReportBuilder report = new ReportBuilder(file, "neuvector", skipped);
        List<String> candidates = new ArrayList<>();
        Fields.text(body, "registry")
                .ifPresent(r -> Fields.text(body, "repository")
                        .ifPresent(repo -> candidates.add(r.replaceFirst("^https?://", "")
                                        .replaceAll("/$", "") + "/" + repo
                                + Fields.text(body, "tag").map(t -> ":" + t).orElse(""))));
        report.image(ImageIdentity.firstReference(candidates));
        Fields.text(body, "digest").ifPresent(d -> report.repoDigest("report.digest", d));
        if (!report.hasIdentity()) {
            report.note("report", "names no registry, repository or digest; its findings join no image");
        }
        report.readEach(body.path("vulnerabilities"), "report.vulnerabilities", v -> {
            String id = Fields.requiredText(v, "name");
            List<Cvss> ratings = new ArrayList<>();
            addRating(ratings, "neuvector", "3", v.path("score_v3"), Fields.text(v, "vectors_v3"));
            addRating(ratings, "neuvector", "2.0", v.path("score"), Fields.text(v, "vectors"));
            return new Finding(
                    id,
                    List.of(),
                    new PackageRef(
                            Fields.requiredText(v, "package_name"),
                            Fields.requiredText(v, "package_version"),
                            "unknown",
                            Optional.empty()),
                    FindingFields.fixedVersion(v, "fixed_version"),
                    FindingFields.severity(v, "severity"),
                    FindingFields.bestScore(ratings),
                    Fields.text(v, "description").orElse(id),
                    "neuvector",
                    Scores.of(ratings));
        });
        return List.of(report.build());
    }

    static boolean acceptsWiz(JsonNode root) {
        return root.isObject() && root.path("result").path("osPackages").isArray() && root.has("scanOriginResource");
    }

    /**
     * {@code wizcli docker scan --json}: findings under {@code result.osPackages[]} and {@code
     * result.libraries[]}. {@code scanOriginResource.name} is what the user named (here
     * {@code wizcli-imagescan}) and {@code digest} is null in the sample, so the join is by tag.
     * Wiz embeds its own KEV flag ({@code hasCisaKevExploit}); Sightline uses its KEV catalogue.
     */
    static List<ScanReport> parseWiz(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        require(acceptsWiz(root), "wizcli scan JSON (scanOriginResource, result.osPackages)", root);
        ReportBuilder report = new ReportBuilder(file, "wiz", skipped);
        report.image(Fields.text(root, "scanOriginResource.name").flatMap(ImageIdentity::reference));
        Fields.text(root, "scanOriginResource.digest")
                .ifPresent(d -> report.repoDigest("scanOriginResource.digest", d));
        for (String group : List.of("osPackages", "libraries", "applications")) {
            JsonNode packages = root.path("result").path(group);
            for (int index = 0; index < packages.size(); index++) {
                JsonNode pkg = packages.get(index);
                String ecosystem = group.equals("osPackages") ? "os" : "library";
                report.readEach(
                        pkg.path("vulnerabilities"), "result." + group + "[" + index + "].vulnerabilities", v -> {
                            String id = Fields.requiredText(v, "name");
                            List<Cvss> ratings = new ArrayList<>();
                            addRating(ratings, "wiz", "3", v.path("score"), Optional.empty());
                            return new Finding(
                                    id,
                                    List.of(),
                                    new PackageRef(
                                            Fields.requiredText(pkg, "name"),
                                            Fields.requiredText(pkg, "version"),
                                            ecosystem,
                                            Optional.empty(),
                                            Fields.text(pkg, "path").stream().toList()),
                                    FindingFields.fixedVersion(v, "fixedVersion"),
                                    FindingFields.severity(v, "severity"),
                                    FindingFields.bestScore(ratings),
                                    Fields.text(v, "description").orElse(id),
                                    "wiz",
                                    new Scores(ratings, FindingFields.score(v.path("epssProbability"))));
                        });
            }
        }
        return List.of(report.build());
    }

    static boolean acceptsPrisma(JsonNode root) {
        JsonNode results = root.path("results");
        return root.isObject()
                && results.isArray()
                && results.size() > 0
                && results.get(0).has("vulnerabilityDistribution");
    }

    /**
     * {@code twistcli images scan --output-file}: {@code results[].id} is the image id (the config
     * digest), {@code name} the reference when present. A vulnerability's {@code status} reads
     * {@code fixed in 2.24-11+deb9u5} when a fix exists; {@code packageName} names the source
     * package and, in parentheses, the binaries that use it ({@code glibc (used in libc6, ...)}).
     */
    static List<ScanReport> parsePrisma(JsonNode root, String file, List<SkippedRecord> skipped)
            throws RecordException {
        require(acceptsPrisma(root), "twistcli JSON (results[] with vulnerabilityDistribution)", root);
        List<ScanReport> reports = new ArrayList<>();
        JsonNode results = root.path("results");
        for (int index = 0; index < results.size(); index++) {
            JsonNode result = results.get(index);
            ReportBuilder report = new ReportBuilder(file, "prisma", skipped);
            report.image(Fields.text(result, "name").flatMap(ImageIdentity::reference));
            report.configDigest("results[" + index + "].id", Fields.text(result, "id"));
            report.readEach(result.path("vulnerabilities"), "results[" + index + "].vulnerabilities", v -> {
                String id = Fields.requiredText(v, "id");
                String name = Fields.requiredText(v, "packageName");
                int paren = name.indexOf(" (");
                List<Cvss> ratings = new ArrayList<>();
                addRating(ratings, "prisma", "3", v.path("cvss"), Fields.text(v, "vector"));
                return new Finding(
                        id,
                        List.of(),
                        new PackageRef(
                                paren > 0 ? name.substring(0, paren) : name,
                                Fields.requiredText(v, "packageVersion"),
                                "unknown",
                                Optional.empty()),
                        Fields.text(v, "status")
                                .filter(s -> s.startsWith("fixed in "))
                                .map(s -> s.substring("fixed in ".length()).trim()),
                        FindingFields.severity(v, "severity"),
                        FindingFields.bestScore(ratings),
                        Fields.text(v, "description").orElse(id),
                        "prisma",
                        Scores.of(ratings));
            });
            reports.add(report.build());
        }
        return reports;
    }

    static boolean acceptsGcp(JsonNode root) {
        return root.isObject()
                && root.path("image_summary").isObject()
                && root.path("package_vulnerability_summary").isObject();
    }

    /**
     * Google Artifact Analysis occurrences as {@code gcloud artifacts docker images describe
     * --show-package-vulnerability --format json} prints them: {@code image_summary} names the
     * image by {@code fully_qualified_digest} (repo digest), findings are grouped by severity
     * under {@code package_vulnerability_summary.vulnerabilities}. The sample's digests are
     * sanitized ({@code sha256:33ceexxx...tolstoy}) and are refused as digests, leaving a tag-less
     * name. A fixed version of kind {@code MAXIMUM} means no fix is known.
     */
    static List<ScanReport> parseGcp(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        require(acceptsGcp(root), "gcloud Artifact Analysis JSON (image_summary, package_vulnerability_summary)", root);
        ReportBuilder report = new ReportBuilder(file, "gcp-artifact-analysis", skipped);
        String qualified =
                Fields.text(root, "image_summary.fully_qualified_digest").orElse("");
        int at = qualified.indexOf('@');
        report.image(ImageIdentity.reference(at > 0 ? qualified.substring(0, at) : qualified)
                .map(ref -> new ImageRef(ref.registry(), ref.repository(), Optional.empty(), Optional.empty())));
        Fields.text(root, "image_summary.digest").ifPresent(d -> report.repoDigest("image_summary.digest", d));
        JsonNode groups = root.path("package_vulnerability_summary").path("vulnerabilities");
        groups.properties().forEach(group -> {
            JsonNode occurrences = group.getValue();
            for (int index = 0; index < occurrences.size(); index++) {
                JsonNode occurrence = occurrences.get(index);
                JsonNode issues = occurrence.path("vulnerability").path("packageIssue");
                for (int p = 0; p < issues.size(); p++) {
                    JsonNode issue = issues.get(p);
                    report.readOne(
                            occurrence,
                            "package_vulnerability_summary.vulnerabilities." + group.getKey() + "[" + index
                                    + "].vulnerability.packageIssue[" + p + "]",
                            o -> gcpFinding(o, issue));
                }
            }
        });
        return List.of(report.build());
    }

    private static Finding gcpFinding(JsonNode occurrence, JsonNode issue) throws RecordException {
        JsonNode vulnerability = occurrence.path("vulnerability");
        String id = Fields.text(vulnerability, "shortDescription")
                .or(() -> Fields.text(occurrence, "noteName").map(n -> n.substring(n.lastIndexOf('/') + 1)))
                .orElseThrow(() -> RecordException.missing("vulnerability.shortDescription"));
        String longDescription = Fields.text(vulnerability, "longDescription").orElse("");
        String vector = longDescription.startsWith("NIST vectors: ")
                ? longDescription.substring("NIST vectors: ".length()).trim()
                : "";
        List<Cvss> ratings = new ArrayList<>();
        addRating(
                ratings,
                "nvd",
                "3",
                vulnerability.path("cvssScore"),
                Optional.of(vector).filter(v -> !v.isEmpty()));
        JsonNode fixed = issue.path("fixedVersion");
        Optional<String> fixedVersion = Fields.text(fixed, "kind").orElse("").equals("MAXIMUM")
                ? Optional.empty()
                : Fields.text(fixed, "fullName");
        return new Finding(
                id,
                List.of(),
                new PackageRef(
                        Fields.requiredText(issue, "affectedPackage"),
                        Fields.text(issue, "affectedVersion.fullName")
                                .orElseThrow(() -> RecordException.missing("affectedVersion.fullName")),
                        Fields.text(issue, "packageType").orElse("unknown").toLowerCase(Locale.ROOT),
                        Optional.empty()),
                fixedVersion,
                FindingFields.severity(vulnerability, "effectiveSeverity"),
                FindingFields.bestScore(ratings),
                id,
                "gcp-artifact-analysis",
                Scores.of(ratings));
    }

    private static void addRating(
            List<Cvss> ratings, String source, String version, JsonNode score, Optional<String> vector) {
        OptionalDouble value = FindingFields.score(score);
        String text = vector.orElse("");
        if (value.isPresent() || !text.isEmpty()) {
            ratings.add(new Cvss(source, FindingFields.cvssVersion(version, text), value, text));
        }
    }

    private static void require(boolean accepted, String expected, JsonNode root) throws RecordException {
        if (!accepted) {
            throw new RecordException("expected " + expected + ", got " + ReportShapes.describe(root));
        }
    }
}
