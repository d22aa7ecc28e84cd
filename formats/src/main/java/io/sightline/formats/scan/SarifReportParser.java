package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Cvss;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Scores;
import io.sightline.finding.Severity;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads SARIF 2.1.0 logs written by container scanners (Trivy {@code --format sarif}, Grype
 * {@code -o sarif}). SARIF has no package fields: the scanners write them as {@code Key: value}
 * lines, Trivy in {@code result.message.text} ({@code Package}, {@code Installed Version}, {@code
 * Fixed Version}), Grype in the rule's {@code help.text} ({@code Package}, {@code Version}, {@code
 * Fix Version}, {@code Type}); both are read, the result's lines winning. Trivy's run {@code
 * properties} carry imageID (config digest), repoDigests and repoTags; Grype's carry no identity.
 * One report per run. A run whose results name no package is not a vulnerability scan and is
 * refused. Stateless and thread safe.
 */
final class SarifReportParser {

    private SarifReportParser() {}

    static boolean accepts(JsonNode root) {
        return root.isObject()
                && root.path("runs").isArray()
                && Fields.text(root, "version").orElse("").equals("2.1.0")
                && Fields.text(root, "$schema").orElse("").contains("sarif");
    }

    static List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!accepts(root)) {
            throw new RecordException(
                    "expected a SARIF 2.1.0 log (version, $schema, runs), got " + ReportShapes.describe(root));
        }
        List<ScanReport> reports = new ArrayList<>();
        JsonNode runs = root.path("runs");
        for (int index = 0; index < runs.size(); index++) {
            reports.add(run(runs.get(index), "runs[" + index + "]", file, skipped));
        }
        return reports;
    }

    private static ScanReport run(JsonNode run, String where, String file, List<SkippedRecord> skipped)
            throws RecordException {
        String tool = Fields.text(run, "tool.driver.name").orElse("(unnamed tool)");
        ReportBuilder report = new ReportBuilder(file, tool.toLowerCase(Locale.ROOT), skipped);
        JsonNode properties = run.path("properties");
        List<String> candidates = new ArrayList<>(Fields.texts(properties, "repoTags"));
        Fields.text(properties, "imageName").ifPresent(candidates::add);
        report.image(ImageIdentity.firstReference(candidates));
        Fields.texts(properties, "repoDigests").forEach(d -> report.repoDigest(where + ".properties.repoDigests", d));
        report.configDigest(where + ".properties.imageID", Fields.text(properties, "imageID"));

        Map<String, JsonNode> rules = new HashMap<>();
        for (JsonNode rule : run.path("tool").path("driver").path("rules")) {
            Fields.text(rule, "id").ifPresent(id -> rules.put(id, rule));
        }
        JsonNode results = run.path("results");
        report.readEach(results, where + ".results", result -> finding(result, rules, tool));
        ScanReport built = report.build();
        if (built.findings().isEmpty() && results.size() > 0) {
            throw new RecordException("expected a SARIF log from a vulnerability scanner, got " + results.size()
                    + " results from " + tool + " of which none names a package (no 'Package:' line)");
        }
        return built;
    }

    private static Finding finding(JsonNode result, Map<String, JsonNode> rules, String tool) throws RecordException {
        String ruleId = Fields.requiredText(result, "ruleId");
        JsonNode rule = rules.getOrDefault(ruleId, result.path("rule"));
        Map<String, String> lines =
                new LinkedHashMap<>(lines(Fields.text(rule, "help.text").orElse("")));
        lines.putAll(lines(Fields.text(result, "message.text").orElse("")));
        String name = Optional.ofNullable(lines.get("Package"))
                .orElseThrow(() -> new RecordException("result of rule " + ruleId + " names no package"
                        + " (no 'Package:' line in message.text or the rule's help.text)"));
        String version = Optional.ofNullable(lines.get("Installed Version"))
                .or(() -> Optional.ofNullable(lines.get("Version")))
                .orElseThrow(() -> RecordException.missing("'Installed Version:' or 'Version:' line"));
        String id = Optional.ofNullable(lines.get("Vulnerability")).orElse(ruleId);
        Optional<String> fixed = Optional.ofNullable(lines.get("Fixed Version"))
                .or(() -> Optional.ofNullable(lines.get("Fix Version")))
                .map(String::trim)
                .filter(v -> !v.isEmpty());
        OptionalDouble securitySeverity =
                FindingFields.score(rule.path("properties").path("security-severity"));
        List<Cvss> ratings = new ArrayList<>();
        if (securitySeverity.isPresent()) {
            ratings.add(new Cvss(tool.toLowerCase(Locale.ROOT) + " security-severity", "", securitySeverity, ""));
        }
        return new Finding(
                id,
                List.of(),
                new PackageRef(
                        name, version, Optional.ofNullable(lines.get("Type")).orElse("unknown"), Optional.empty()),
                fixed,
                Optional.ofNullable(lines.get("Severity")).map(Severity::parse).orElse(Severity.UNKNOWN),
                securitySeverity,
                Fields.text(rule, "shortDescription.text").orElse(id),
                tool.toLowerCase(Locale.ROOT),
                Scores.of(ratings));
    }

    /**
     * {@code Key: value} lines; the first occurrence of a key wins. Both scanners write the id as
     * {@code Vulnerability CVE-2019-1549}, without the colon.
     */
    static Map<String, String> lines(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("Vulnerability ") && !line.contains(": ")) {
                values.putIfAbsent(
                        "Vulnerability",
                        line.substring("Vulnerability ".length()).trim());
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon > 0) {
                values.putIfAbsent(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 2).trim());
            }
        }
        return values;
    }
}
