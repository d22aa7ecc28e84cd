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
import java.util.Optional;

/**
 * Reads {@code snyk container test --json}: the operating-system findings at the top and one
 * entry per scanned application (npm, gomodules, ...) under {@code applications}. Snyk writes no
 * digest field; when the image was tested by digest, {@code path} is {@code name@sha256:...} and
 * that digest is the repo digest. {@code docker.baseImage} is the image the scanned one was built
 * FROM and never identifies it. Stateless and thread safe.
 */
public final class SnykContainerParser {

    static final String SCANNER = "snyk";

    private static final String EXPECTED =
            "Snyk container test JSON (vulnerabilities with a docker section or a docker-image| projectName)";
    private static final String PROJECT_PREFIX = "docker-image|";

    private SnykContainerParser() {}

    public static boolean accepts(JsonNode root) {
        return root.isObject()
                && root.path("vulnerabilities").isArray()
                && (root.path("docker").isObject()
                        || Fields.text(root, "projectName").orElse("").startsWith(PROJECT_PREFIX));
    }

    public static ScanReport parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!accepts(root)) {
            throw new RecordException("expected " + EXPECTED + ", got " + ReportShapes.describe(root));
        }
        ReportBuilder report = new ReportBuilder(file, SCANNER, skipped);
        Optional<ImageRef> image = image(root);
        report.image(image);
        image.flatMap(ImageRef::digest).ifPresent(digest -> report.repoDigest("path", digest));
        readVulnerabilities(root, "", report);
        JsonNode applications = root.path("applications");
        for (int index = 0; index < applications.size(); index++) {
            readVulnerabilities(applications.get(index), "applications[" + index + "].", report);
        }
        return report.build();
    }

    /**
     * {@code path}, else an application's {@code path}, else the name in {@code projectName}. The
     * top-level path is not always a reference: snykcontainer_issue_epss.json (DefectDojo) has
     * {@code sarim04/juiceshop:latest/juiceshop} there and {@code sarim04/juiceshop:latest} in its
     * application.
     */
    private static Optional<ImageRef> image(JsonNode root) {
        List<String> candidates = new ArrayList<>();
        Fields.text(root, "path").ifPresent(candidates::add);
        root.path("applications").forEach(app -> Fields.text(app, "path").ifPresent(candidates::add));
        Fields.text(root, "projectName")
                .filter(name -> name.startsWith(PROJECT_PREFIX))
                .map(name -> name.substring(PROJECT_PREFIX.length()))
                .ifPresent(candidates::add);
        return ImageIdentity.firstReference(candidates);
    }

    private static void readVulnerabilities(JsonNode project, String where, ReportBuilder report) {
        Optional<String> ecosystem = Fields.text(project, "packageManager");
        report.readEach(project.path("vulnerabilities"), where + "vulnerabilities", entry -> finding(entry, ecosystem));
    }

    private static Finding finding(JsonNode entry, Optional<String> projectEcosystem) throws RecordException {
        String snykId = Fields.requiredText(entry, "id");
        List<String> cves = Fields.texts(entry, "identifiers.CVE");
        String id = cves.isEmpty() ? snykId : cves.getFirst();
        PackageRef pkg = new PackageRef(
                installedName(entry),
                Fields.requiredText(entry, "version"),
                projectEcosystem.or(() -> Fields.text(entry, "packageManager")).orElse("unknown"),
                Optional.empty());
        List<String> fixedIn = Fields.texts(entry, "fixedIn");
        return new Finding(
                id,
                FindingFields.aliases(id, aliases(entry, snykId)),
                pkg,
                fixedIn.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", fixedIn)),
                FindingFields.severity(entry, "severity"),
                FindingFields.score(entry.path("cvssScore")),
                Fields.text(entry, "title").orElse(id),
                SCANNER,
                scores(entry));
    }

    /**
     * {@code cvssDetails[]} per assigner (Snyk container), else the top-level {@code CVSSv3}
     * vector as Snyk's own; {@code epssDetails.probability} as text.
     */
    static Scores scores(JsonNode entry) {
        List<Cvss> ratings = new ArrayList<>();
        for (JsonNode detail : entry.path("cvssDetails")) {
            String vector = Fields.text(detail, "cvssV3Vector").orElse("");
            ratings.add(new Cvss(
                    Fields.text(detail, "assigner").orElse(""),
                    FindingFields.cvssVersion("3", vector),
                    FindingFields.score(detail.path("cvssV3BaseScore")),
                    vector));
        }
        Optional<String> own = Fields.text(entry, "CVSSv3");
        if (own.isPresent()) {
            ratings.add(new Cvss(
                    "snyk",
                    FindingFields.cvssVersion("3", own.get()),
                    FindingFields.score(entry.path("cvssScore")),
                    own.get()));
        }
        return new Scores(ratings, FindingFields.score(entry.path("epssDetails").path("probability")));
    }

    /**
     * The installed package. For OS packages Snyk's {@code packageName} is the source package
     * ({@code openssl}) and {@code name} is {@code source/binary} ({@code openssl/libssl1.1}); the
     * binary is what is installed, and what Trivy and Grype name. Language packages keep slashes
     * that belong to the name ({@code golang.org/x/crypto/ssh}, {@code @babel/core}), and there
     * {@code name} equals {@code packageName}.
     */
    private static String installedName(JsonNode entry) throws RecordException {
        String packageName = Fields.requiredText(entry, "packageName");
        return Fields.text(entry, "name")
                .filter(name -> name.startsWith(packageName + "/"))
                .map(name -> name.substring(packageName.length() + 1))
                .orElse(packageName);
    }

    /**
     * Every vulnerability id Snyk gave (CVE, GHSA, ALTERNATIVE, ..., and its own id), without CWE:
     * a CWE names a class of weakness shared by many vulnerabilities, not this one.
     */
    private static List<String> aliases(JsonNode entry, String snykId) {
        List<String> ids = new ArrayList<>();
        entry.path("identifiers").properties().stream()
                .filter(field -> !field.getKey().equals("CWE"))
                .forEach(field -> field.getValue().forEach(value -> ids.add(value.asText())));
        ids.add(snykId);
        return ids;
    }
}
