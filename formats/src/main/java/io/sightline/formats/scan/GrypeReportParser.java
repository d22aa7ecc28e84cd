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
import java.util.OptionalDouble;

/**
 * Reads Grype's JSON report ({@code grype <image> -o json}). The image is identified by {@code
 * source.target.repoDigests} and {@code source.target.imageID} (the config digest). {@code
 * source.target.manifestDigest} is not used: it is the digest of the manifest Grype read, which
 * for an image taken from a Docker daemon or an archive is not the registry's (keycloak-test.json
 * from anchore/grype: manifestDigest {@code sha256:d1630d...}, repo digest {@code sha256:347a0d...}).
 * Stateless and thread safe.
 */
public final class GrypeReportParser {

    static final String SCANNER = "grype";

    private static final String EXPECTED = "Grype JSON (matches, source and descriptor.name \"grype\")";

    private GrypeReportParser() {}

    public static boolean accepts(JsonNode root) {
        return root.isObject()
                && root.path("matches").isArray()
                && root.path("source").isObject()
                && Fields.text(root, "descriptor.name").orElse("").equals("grype");
    }

    public static ScanReport parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!accepts(root)) {
            throw new RecordException("expected " + EXPECTED + ", got " + ReportShapes.describe(root));
        }
        ReportBuilder report = new ReportBuilder(file, SCANNER, skipped);
        JsonNode target = root.path("source").path("target");
        // Directory and file scans name their target by a plain string: no image identity.
        if (target.isObject()) {
            report.image(image(target));
            Fields.texts(target, "repoDigests").forEach(entry -> report.repoDigest("source.target.repoDigests", entry));
            report.configDigest("source.target.imageID", Fields.text(target, "imageID"));
        }
        report.readEach(root.path("matches"), "matches", GrypeReportParser::finding);
        return report.build();
    }

    /** The first tag, else what the user typed, else the first repo digest entry. */
    private static Optional<ImageRef> image(JsonNode target) {
        List<String> candidates = new ArrayList<>(Fields.texts(target, "tags"));
        Fields.text(target, "userInput").ifPresent(candidates::add);
        candidates.addAll(Fields.texts(target, "repoDigests"));
        return ImageIdentity.firstReference(candidates);
    }

    private static Finding finding(JsonNode match) throws RecordException {
        String id = Fields.requiredText(match, "vulnerability.id");
        JsonNode vulnerability = match.path("vulnerability");
        JsonNode related = match.path("relatedVulnerabilities");
        PackageRef pkg = new PackageRef(
                Fields.requiredText(match, "artifact.name"),
                Fields.requiredText(match, "artifact.version"),
                Fields.text(match, "artifact.type").orElse("unknown"),
                Fields.text(match, "artifact.purl"),
                locations(match.path("artifact").path("locations")));
        return new Finding(
                id,
                FindingFields.aliases(id, relatedIds(related)),
                pkg,
                fixedVersion(vulnerability.path("fix")),
                FindingFields.severity(vulnerability, "severity"),
                cvssV3(vulnerability, related),
                title(vulnerability, related).orElse(id),
                SCANNER,
                new Scores(ratings(vulnerability, related), epss(vulnerability)));
    }

    /**
     * The files the package was found through, {@code artifact.locations[].path}: the binary for a
     * binary match ({@code /usr/local/apache2/bin/httpd}), the package database and copyright file
     * for a distro package ({@code /var/lib/dpkg/status}), the metadata file for a Python one.
     */
    private static List<String> locations(JsonNode locations) {
        List<String> paths = new ArrayList<>();
        locations.forEach(location -> Fields.text(location, "path").ifPresent(paths::add));
        return paths;
    }

    /** Every CVSS entry of the match and of its related records, each under its own source. */
    private static List<Cvss> ratings(JsonNode vulnerability, JsonNode related) {
        List<Cvss> ratings = new ArrayList<>();
        List<JsonNode> records = new ArrayList<>();
        records.add(vulnerability);
        related.forEach(records::add);
        for (JsonNode record : records) {
            for (JsonNode entry : record.path("cvss")) {
                String vector = Fields.text(entry, "vector").orElse("");
                ratings.add(new Cvss(
                        Fields.text(entry, "source")
                                .orElse(Fields.text(record, "namespace").orElse("")),
                        Fields.text(entry, "version").orElse(FindingFields.cvssVersion("", vector)),
                        FindingFields.score(entry.path("metrics").path("baseScore")),
                        vector));
            }
        }
        return ratings;
    }

    /** Grype 0.80+ embeds FIRST EPSS per CVE: {@code vulnerability.epss[].epss}. */
    private static OptionalDouble epss(JsonNode vulnerability) {
        for (JsonNode entry : vulnerability.path("epss")) {
            OptionalDouble value = FindingFields.score(entry.path("epss"));
            if (value.isPresent()) {
                return value;
            }
        }
        return OptionalDouble.empty();
    }

    private static List<String> relatedIds(JsonNode related) {
        List<String> ids = new ArrayList<>();
        related.forEach(entry -> Fields.text(entry, "id").ifPresent(ids::add));
        return ids;
    }

    /** Versions count only in state "fixed"; "not-fixed", "wont-fix" and "unknown" carry none that help. */
    private static Optional<String> fixedVersion(JsonNode fix) {
        List<String> versions = Fields.texts(fix, "versions");
        if (!Fields.text(fix, "state").orElse("").equals("fixed") || versions.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join(", ", versions));
    }

    /**
     * The first CVSS 3.x base score of the matched record, else of a related record: a distro
     * record (Debian, Red Hat) often has no CVSS and refers to the NVD record that has.
     */
    private static OptionalDouble cvssV3(JsonNode vulnerability, JsonNode related) {
        OptionalDouble own = firstV3(vulnerability.path("cvss"));
        if (own.isPresent()) {
            return own;
        }
        for (JsonNode entry : related) {
            OptionalDouble score = firstV3(entry.path("cvss"));
            if (score.isPresent()) {
                return score;
            }
        }
        return OptionalDouble.empty();
    }

    private static OptionalDouble firstV3(JsonNode cvss) {
        for (JsonNode entry : cvss) {
            if (Fields.text(entry, "version").orElse("").startsWith("3")) {
                OptionalDouble score = FindingFields.score(entry.path("metrics").path("baseScore"));
                if (score.isPresent()) {
                    return score;
                }
            }
        }
        return OptionalDouble.empty();
    }

    /** Grype has no title; the description stands in, the related record's when the match has none. */
    private static Optional<String> title(JsonNode vulnerability, JsonNode related) {
        Optional<String> own = Fields.text(vulnerability, "description");
        if (own.isPresent()) {
            return own;
        }
        for (JsonNode entry : related) {
            Optional<String> description = Fields.text(entry, "description");
            if (description.isPresent()) {
                return description;
            }
        }
        return Optional.empty();
    }
}
