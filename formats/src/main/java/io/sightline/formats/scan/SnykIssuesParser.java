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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a page of the Snyk REST API's issues ({@code GET /rest/orgs/{org}/issues}, JSON:API).
 * Issues name their project ({@code relationships.scan_item}) but not its image, so each project
 * becomes one report without image identity: the account connector is what ties a project to
 * its image. An issue that is {@code resolved} or {@code ignored} is suppressed with that status.
 * Each {@code coordinates[].representations[].dependency} is one installed package. Stateless
 * and thread safe.
 */
final class SnykIssuesParser {

    static final String SCANNER = "snyk";

    private static final String EXPECTED = "a Snyk REST issues response (jsonapi, data[] of type issue)";

    private SnykIssuesParser() {}

    static boolean accepts(JsonNode root) {
        JsonNode data = root.path("data");
        return root.isObject()
                && root.path("jsonapi").isObject()
                && data.isArray()
                && (data.isEmpty()
                        || Fields.text(data.get(0), "type").orElse("").equals("issue"));
    }

    static List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!accepts(root)) {
            throw new RecordException("expected " + EXPECTED + ", got " + ReportShapes.describe(root));
        }
        Map<String, ReportBuilder> byProject = new LinkedHashMap<>();
        JsonNode data = root.path("data");
        for (int index = 0; index < data.size(); index++) {
            JsonNode issue = data.get(index);
            String where = "data[" + index + "]";
            String project =
                    Fields.text(issue, "relationships.scan_item.data.id").orElse("(no project)");
            ReportBuilder report = byProject.computeIfAbsent(project, p -> new ReportBuilder(file, SCANNER, skipped));
            readIssue(issue, where, report);
        }
        return byProject.values().stream().map(ReportBuilder::build).toList();
    }

    private static void readIssue(JsonNode issue, String where, ReportBuilder report) {
        JsonNode attributes = issue.path("attributes");
        Optional<ReportBuilder.Drop> drop = status(attributes);
        List<JsonNode> dependencies = new ArrayList<>();
        attributes
                .path("coordinates")
                .forEach(c -> c.path("representations").forEach(r -> {
                    if (r.path("dependency").isObject()) {
                        dependencies.add(r.path("dependency"));
                    }
                }));
        if (dependencies.isEmpty()) {
            report.note(where, "issue names no coordinates[].representations[].dependency; finding skipped");
            return;
        }
        for (JsonNode dependency : dependencies) {
            try {
                Finding finding = finding(attributes, dependency);
                drop.ifPresentOrElse(d -> report.suppress(finding, d), () -> report.add(finding));
            } catch (RecordException e) {
                report.note(where, e.getMessage() + "; finding skipped");
            }
        }
    }

    private static Optional<ReportBuilder.Drop> status(JsonNode attributes) {
        if (attributes.path("ignored").asBoolean(false)) {
            return Optional.of(new ReportBuilder.Drop("ignored", "", "Snyk issue attributes.ignored"));
        }
        return Fields.text(attributes, "status")
                .filter(status -> status.equals("resolved"))
                .map(status -> new ReportBuilder.Drop(status, "", "Snyk issue attributes.status"));
    }

    private static Finding finding(JsonNode attributes, JsonNode dependency) throws RecordException {
        String key = Fields.requiredText(attributes, "key");
        List<String> ids = new ArrayList<>();
        attributes.path("problems").forEach(p -> Fields.text(p, "id").ifPresent(ids::add));
        String id = ids.stream().filter(i -> i.startsWith("CVE-")).findFirst().orElse(key);
        ids.add(key);
        List<Cvss> ratings = new ArrayList<>();
        for (JsonNode severity : attributes.path("severities")) {
            String vector = Fields.text(severity, "vector").orElse("");
            ratings.add(new Cvss(
                    Fields.text(severity, "source").orElse(""),
                    Fields.text(severity, "version").orElse(FindingFields.cvssVersion("", vector)),
                    FindingFields.score(severity.path("score")),
                    vector));
        }
        return new Finding(
                id,
                FindingFields.aliases(id, ids),
                new PackageRef(
                        Fields.requiredText(dependency, "package_name"),
                        Fields.requiredText(dependency, "package_version"),
                        ecosystem(key),
                        Optional.empty()),
                Optional.empty(),
                FindingFields.severity(attributes, "effective_severity_level"),
                FindingFields.bestScore(ratings),
                Fields.text(attributes, "title").orElse(id),
                SCANNER,
                Scores.of(ratings));
    }

    /** The package type from the Snyk id ({@code SNYK-PYTHON-PILLOW-5918878} is a pip package). */
    static String ecosystem(String snykId) {
        String[] parts = snykId.split("-");
        if (parts.length < 3 || !parts[0].equals("SNYK")) {
            return "unknown";
        }
        return switch (parts[1]) {
            case "PYTHON" -> "pip";
            case "JS" -> "npm";
            case "JAVA" -> "maven";
            case "GOLANG" -> "golang";
            case "RUBY" -> "rubygems";
            case "DOTNET" -> "nuget";
            case "PHP" -> "composer";
            default -> parts[1].toLowerCase(Locale.ROOT).replaceAll("\\d+$", "");
        };
    }
}
