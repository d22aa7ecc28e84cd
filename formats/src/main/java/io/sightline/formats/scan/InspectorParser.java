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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Amazon Inspector findings on ECR images in two shapes: Inspector2 {@code ListFindings}
 * ({@code findings[]}, camelCase) and Security Hub's ASFF ({@code Findings[]} from product
 * Inspector, PascalCase). One report per image: the ECR {@code imageHash}/{@code ImageDigest}
 * is the registry manifest digest, so a repo digest; the reference is rebuilt as {@code
 * <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<first tag>}. Findings on other resources
 * (EC2 instances, Lambda functions) are not image findings and are skipped with their type.
 * Inspector's {@code status} CLOSED or SUPPRESSED (ASFF: RecordState ARCHIVED, Workflow
 * SUPPRESSED or RESOLVED) suppresses the finding. Stateless and thread safe.
 */
final class InspectorParser {

    static final String SCANNER = "inspector";

    private InspectorParser() {}

    static boolean acceptsListFindings(JsonNode root) {
        JsonNode findings = root.path("findings");
        return root.isObject()
                && findings.isArray()
                && findings.size() > 0
                && Fields.text(findings.get(0), "findingArn").orElse("").startsWith("arn:aws:inspector2:");
    }

    static boolean acceptsAsff(JsonNode root) {
        JsonNode findings = root.path("Findings");
        return root.isObject()
                && findings.isArray()
                && findings.size() > 0
                && Fields.text(findings.get(0), "ProductName").orElse("").equals("Inspector");
    }

    static List<ScanReport> parseListFindings(JsonNode root, String file, List<SkippedRecord> skipped)
            throws RecordException {
        if (!acceptsListFindings(root)) {
            throw new RecordException("expected Inspector2 ListFindings JSON (findings[] with an inspector2"
                    + " findingArn), got " + ReportShapes.describe(root));
        }
        Images images = new Images(file, skipped);
        JsonNode findings = root.path("findings");
        for (int index = 0; index < findings.size(); index++) {
            JsonNode finding = findings.get(index);
            String where = "findings[" + index + "]";
            JsonNode resource = finding.path("resources").path(0);
            JsonNode image = resource.path("details").path("awsEcrContainerImage");
            if (!image.isObject()) {
                images.skip(
                        where,
                        "resource type " + Fields.text(resource, "type").orElse("(none)")
                                + " is not an ECR image; finding skipped");
                continue;
            }
            ReportBuilder report = images.of(
                    where + ".resources[0].details.awsEcrContainerImage.imageHash",
                    Fields.text(image, "imageHash"),
                    reference(
                            Fields.text(image, "registry"),
                            Fields.text(resource, "region"),
                            Fields.text(image, "repositoryName"),
                            Fields.texts(image, "imageTags"),
                            Fields.text(image, "imageHash")));
            Optional<ReportBuilder.Drop> drop = Fields.text(finding, "status")
                    .filter(s -> s.equals("CLOSED") || s.equals("SUPPRESSED"))
                    .map(s -> new ReportBuilder.Drop(s.toLowerCase(Locale.ROOT), "", "Inspector status"));
            JsonNode details = finding.path("packageVulnerabilityDetails");
            JsonNode packages = details.path("vulnerablePackages");
            for (int p = 0; p < packages.size(); p++) {
                JsonNode pkg = packages.get(p);
                read(report, where + ".packageVulnerabilityDetails.vulnerablePackages[" + p + "]", drop, () -> {
                    List<Cvss> ratings = new ArrayList<>();
                    for (JsonNode cvss : details.path("cvss")) {
                        ratings.add(new Cvss(
                                Fields.text(cvss, "source").orElse(""),
                                Fields.text(cvss, "version").orElse(""),
                                FindingFields.score(cvss.path("baseScore")),
                                Fields.text(cvss, "scoringVector").orElse("")));
                    }
                    String id = Fields.requiredText(details, "vulnerabilityId");
                    return new Finding(
                            id,
                            FindingFields.aliases(id, relatedIds(details.path("relatedVulnerabilities"))),
                            new PackageRef(
                                    Fields.requiredText(pkg, "name"),
                                    installed(pkg, "version", "release", "epoch"),
                                    ecosystem(Fields.text(pkg, "packageManager"), Fields.text(image, "platform")),
                                    Optional.empty()),
                            fixed(Fields.text(pkg, "fixedInVersion")),
                            FindingFields.severity(finding, "severity"),
                            FindingFields.score(finding.path("inspectorScore")),
                            Fields.text(finding, "title").orElse(id),
                            SCANNER,
                            new Scores(
                                    ratings,
                                    FindingFields.score(finding.path("epss").path("score"))));
                });
            }
        }
        return images.build();
    }

    static List<ScanReport> parseAsff(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!acceptsAsff(root)) {
            throw new RecordException("expected Security Hub ASFF findings from Inspector (Findings[] with"
                    + " ProductName Inspector), got " + ReportShapes.describe(root));
        }
        Images images = new Images(file, skipped);
        JsonNode findings = root.path("Findings");
        for (int index = 0; index < findings.size(); index++) {
            JsonNode finding = findings.get(index);
            String where = "Findings[" + index + "]";
            JsonNode resource = finding.path("Resources").path(0);
            JsonNode image = resource.path("Details").path("AwsEcrContainerImage");
            if (!image.isObject()) {
                images.skip(
                        where,
                        "resource type " + Fields.text(resource, "Type").orElse("(none)")
                                + " is not an ECR image; finding skipped");
                continue;
            }
            ReportBuilder report = images.of(
                    where + ".Resources[0].Details.AwsEcrContainerImage.ImageDigest",
                    Fields.text(image, "ImageDigest"),
                    reference(
                            Fields.text(image, "RegistryId"),
                            Fields.text(resource, "Region"),
                            Fields.text(image, "RepositoryName"),
                            Fields.texts(image, "ImageTags"),
                            Fields.text(image, "ImageDigest")));
            Optional<ReportBuilder.Drop> drop = asffDrop(finding);
            JsonNode vulnerabilities = finding.path("Vulnerabilities");
            for (int v = 0; v < vulnerabilities.size(); v++) {
                JsonNode vulnerability = vulnerabilities.get(v);
                JsonNode packages = vulnerability.path("VulnerablePackages");
                for (int p = 0; p < packages.size(); p++) {
                    JsonNode pkg = packages.get(p);
                    read(report, where + ".Vulnerabilities[" + v + "].VulnerablePackages[" + p + "]", drop, () -> {
                        List<Cvss> ratings = new ArrayList<>();
                        for (JsonNode cvss : vulnerability.path("Cvss")) {
                            ratings.add(new Cvss(
                                    Fields.text(cvss, "Source").orElse(""),
                                    Fields.text(cvss, "Version").orElse(""),
                                    FindingFields.score(cvss.path("BaseScore")),
                                    Fields.text(cvss, "BaseVector").orElse("")));
                        }
                        String id = Fields.requiredText(vulnerability, "Id");
                        return new Finding(
                                id,
                                List.of(),
                                new PackageRef(
                                        Fields.requiredText(pkg, "Name"),
                                        installed(pkg, "Version", "Release", "Epoch"),
                                        ecosystem(Fields.text(pkg, "PackageManager"), Optional.empty()),
                                        Optional.empty()),
                                fixed(Fields.text(pkg, "FixedInVersion")),
                                FindingFields.severity(finding, "Severity.Label"),
                                FindingFields.bestScore(ratings),
                                Fields.text(finding, "Title").orElse(id),
                                SCANNER,
                                new Scores(ratings, FindingFields.score(vulnerability.path("EpssScore"))));
                    });
                }
            }
        }
        return images.build();
    }

    private static Optional<ReportBuilder.Drop> asffDrop(JsonNode finding) {
        if (Fields.text(finding, "RecordState").orElse("").equals("ARCHIVED")) {
            return Optional.of(new ReportBuilder.Drop("archived", "", "ASFF RecordState"));
        }
        return Fields.text(finding, "Workflow.Status")
                .filter(s -> s.equals("SUPPRESSED") || s.equals("RESOLVED"))
                .map(s -> new ReportBuilder.Drop(s.toLowerCase(Locale.ROOT), "", "ASFF Workflow.Status"));
    }

    @FunctionalInterface
    private interface FindingReader {
        Finding read() throws RecordException;
    }

    private static void read(
            ReportBuilder report, String where, Optional<ReportBuilder.Drop> drop, FindingReader reader) {
        try {
            Finding finding = reader.read();
            drop.ifPresentOrElse(d -> report.suppress(finding, d), () -> report.add(finding));
        } catch (RecordException e) {
            report.note(where, e.getMessage() + "; finding skipped");
        }
    }

    /**
     * The installed version as the package manager prints it: Inspector splits Debian and RPM
     * versions into version and release ({@code 1.1.1n} + {@code 0+deb11u4}) and adds an epoch
     * only when it is not 0; its fixed versions carry the epoch ({@code 0:1.1.1n-0+deb11u5}).
     */
    private static String installed(JsonNode pkg, String version, String release, String epoch) throws RecordException {
        String text = Fields.requiredText(pkg, version);
        Optional<String> rel = Fields.text(pkg, release);
        String full = rel.map(r -> text + "-" + r).orElse(text);
        String epochText = Fields.text(pkg, epoch).orElse("0");
        return epochText.equals("0") ? full : epochText + ":" + full;
    }

    /** {@code NotAvailable} means no fix; a {@code 0:} epoch is dropped to match the installed version. */
    private static Optional<String> fixed(Optional<String> version) {
        return version.filter(v -> !v.equals("NotAvailable")).map(v -> v.startsWith("0:") ? v.substring(2) : v);
    }

    private static String ecosystem(Optional<String> packageManager, Optional<String> platform) {
        String manager = packageManager.orElse("unknown").toLowerCase(Locale.ROOT);
        if (manager.equals("os")) {
            return platform.map(p -> p.toLowerCase(Locale.ROOT).replaceAll("_[0-9.]+$", ""))
                    .orElse("os");
        }
        return manager;
    }

    private static List<String> relatedIds(JsonNode related) {
        List<String> ids = new ArrayList<>();
        related.forEach(r -> ids.add(r.asText()));
        return ids;
    }

    /** The ECR reference by its first tag; an untagged image is named by its digest instead of a made-up tag. */
    private static Optional<String> reference(
            Optional<String> account,
            Optional<String> region,
            Optional<String> repository,
            List<String> tags,
            Optional<String> digest) {
        if (account.isEmpty() || region.isEmpty() || repository.isEmpty()) {
            return Optional.empty();
        }
        String name = account.get() + ".dkr.ecr." + region.get() + ".amazonaws.com/" + repository.get();
        if (!tags.isEmpty()) {
            return Optional.of(name + ":" + tags.getFirst());
        }
        return digest.filter(ImageRef::isDigest).map(d -> name + "@" + d);
    }

    /** One report builder per image digest, in the order images first appear. */
    private static final class Images {
        private final String file;
        private final List<SkippedRecord> skipped;
        private final Map<String, ReportBuilder> byKey = new LinkedHashMap<>();

        Images(String file, List<SkippedRecord> skipped) {
            this.file = file;
            this.skipped = skipped;
        }

        ReportBuilder of(String where, Optional<String> digest, Optional<String> reference) {
            String key = digest.or(() -> reference).orElse("");
            return byKey.computeIfAbsent(key, k -> {
                ReportBuilder report = new ReportBuilder(file, SCANNER, skipped);
                report.image(reference.flatMap(ImageIdentity::reference));
                digest.ifPresent(d -> report.repoDigest(where, d));
                return report;
            });
        }

        void skip(String where, String reason) {
            skipped.add(new SkippedRecord(file, 0, where + ": " + reason));
        }

        List<ScanReport> build() {
            return byKey.values().stream().map(ReportBuilder::build).toList();
        }
    }
}
