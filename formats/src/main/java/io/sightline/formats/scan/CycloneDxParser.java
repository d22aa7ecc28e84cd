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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads a CycloneDX BOM that carries {@code vulnerabilities} (Trivy {@code --format cyclonedx
 * --scanners vuln}, Grype {@code -o cyclonedx-json}). Each vulnerability's {@code affects[].ref}
 * names a component by {@code bom-ref} (Trivy uses the purl as bom-ref); the component gives the
 * package. Identity comes from {@code metadata.component} of type {@code container}: Trivy's
 * properties {@code aquasecurity:trivy:RepoDigest} (repo digests), {@code ImageID} (config
 * digest) and {@code RepoTag}. Grype writes a digest as the component's {@code version}, which is
 * the manifest digest it read and, as in its JSON, not necessarily the registry's: it is not used.
 * An application BOM (a repository scan) has no image identity. A BOM whose every vulnerability
 * is an {@code analysis} with no components is a VEX document, read by the VEX reader instead.
 * Stateless and thread safe.
 */
final class CycloneDxParser {

    private static final String TRIVY = "aquasecurity:trivy:";

    private CycloneDxParser() {}

    static boolean accepts(JsonNode root) {
        return root.isObject()
                && Fields.text(root, "bomFormat").orElse("").equals("CycloneDX")
                && root.path("vulnerabilities").size() > 0
                && !isVex(root);
    }

    /** Statements about a product, not findings in a scanned artifact: every entry has an analysis. */
    static boolean isVex(JsonNode root) {
        JsonNode vulnerabilities = root.path("vulnerabilities");
        if (vulnerabilities.size() == 0 || root.path("components").size() > 0) {
            return false;
        }
        for (JsonNode vulnerability : vulnerabilities) {
            if (!vulnerability.path("analysis").has("state")) {
                return false;
            }
        }
        return true;
    }

    static List<ScanReport> parse(JsonNode root, String file, List<SkippedRecord> skipped) throws RecordException {
        if (!accepts(root)) {
            throw new RecordException("expected a CycloneDX BOM with vulnerabilities, got "
                    + ScanFormats.notAScanReport(root).orElse(ReportShapes.describe(root)));
        }
        JsonNode subject = root.path("metadata").path("component");
        JsonNode tools = root.path("metadata").path("tools");
        JsonNode tool =
                tools.isArray() ? tools.path(0) : tools.path("components").path(0);
        String scanner = Fields.text(tool, "name")
                .map(name -> name.toLowerCase(Locale.ROOT))
                .orElse("cyclonedx");
        ReportBuilder report = new ReportBuilder(file, scanner, skipped);
        if (Fields.text(subject, "type").orElse("").equals("container")) {
            List<String> candidates = new ArrayList<>(property(subject, "RepoTag"));
            Fields.text(subject, "name").ifPresent(candidates::add);
            report.image(ImageIdentity.firstReference(candidates));
            property(subject, "RepoDigest").forEach(d -> report.repoDigest("metadata.component.properties", d));
            report.configDigest(
                    "metadata.component.properties",
                    property(subject, "ImageID").stream().findFirst());
        }
        Map<String, JsonNode> components = new HashMap<>();
        index(root.path("components"), components);
        JsonNode vulnerabilities = root.path("vulnerabilities");
        for (int index = 0; index < vulnerabilities.size(); index++) {
            JsonNode vulnerability = vulnerabilities.get(index);
            JsonNode affects = vulnerability.path("affects");
            for (int a = 0; a < affects.size(); a++) {
                String where = "vulnerabilities[" + index + "].affects[" + a + "]";
                Optional<String> ref = Fields.text(affects.get(a), "ref");
                JsonNode component = ref.map(components::get).orElse(null);
                if (component == null) {
                    report.note(where, "ref '" + ref.orElse("") + "' names no component; finding skipped");
                    continue;
                }
                report.readOne(vulnerability, where, v -> finding(v, component, scanner));
            }
        }
        return List.of(report.build());
    }

    private static void index(JsonNode components, Map<String, JsonNode> byRef) {
        for (JsonNode component : components) {
            Fields.text(component, "bom-ref").ifPresent(ref -> byRef.put(ref, component));
            index(component.path("components"), byRef);
        }
    }

    private static List<String> property(JsonNode component, String name) {
        List<String> values = new ArrayList<>();
        for (JsonNode property : component.path("properties")) {
            if (Fields.text(property, "name").orElse("").equals(TRIVY + name)) {
                Fields.text(property, "value").ifPresent(values::add);
            }
        }
        return values;
    }

    private static Finding finding(JsonNode vulnerability, JsonNode component, String scanner) throws RecordException {
        String id = Fields.requiredText(vulnerability, "id");
        List<String> aliases = new ArrayList<>();
        vulnerability.path("references").forEach(r -> Fields.text(r, "id").ifPresent(aliases::add));
        List<Cvss> ratings = new ArrayList<>();
        Severity severity = Severity.UNKNOWN;
        Optional<Severity> nvd = Optional.empty();
        OptionalDouble epss = OptionalDouble.empty();
        for (JsonNode rating : vulnerability.path("ratings")) {
            String source = Fields.text(rating, "source.name").orElse("");
            String method = Fields.text(rating, "method").orElse("");
            OptionalDouble score = FindingFields.score(rating.path("score"));
            // Grype puts EPSS (source FIRST) and KEV membership in ratings too; neither is a CVSS rating.
            if (source.equals("FIRST") || method.equalsIgnoreCase("other") && source.startsWith("FIRST")) {
                epss = score;
                continue;
            }
            if (source.startsWith("CISA")) {
                continue;
            }
            Severity rated = FindingFields.severity(rating, "severity");
            if (severity == Severity.UNKNOWN) {
                severity = rated;
            }
            // Trivy lists NVD's v2 and v3 ratings; the v3 one is what its JSON report shows.
            if (source.equals("nvd") && rated != Severity.UNKNOWN && (nvd.isEmpty() || method.startsWith("CVSSv3"))) {
                nvd = Optional.of(rated);
            }
            String vector = Fields.text(rating, "vector").orElse("");
            if (score.isPresent() || !vector.isEmpty()) {
                ratings.add(new Cvss(source, method.replace("CVSSv", ""), score, vector));
            }
        }
        return new Finding(
                id,
                FindingFields.aliases(id, aliases),
                new PackageRef(
                        Fields.requiredText(component, "name"),
                        Fields.requiredText(component, "version"),
                        type(component),
                        Fields.text(component, "purl")),
                fixedVersion(vulnerability),
                nvd.orElse(severity),
                FindingFields.bestScore(ratings),
                Fields.text(vulnerability, "description").orElse(id),
                scanner,
                new Scores(ratings, epss));
    }

    /** The purl type ({@code pkg:deb/...} is deb), else the component type. */
    private static String type(JsonNode component) {
        Optional<String> purl = Fields.text(component, "purl");
        if (purl.isPresent() && purl.get().startsWith("pkg:") && purl.get().indexOf('/') > 4) {
            return purl.get().substring(4, purl.get().indexOf('/'));
        }
        return Fields.text(component, "type").orElse("unknown");
    }

    /** Trivy writes {@code "recommendation": "Upgrade jquery to version 3.4.0"}; that version is the fix. */
    private static Optional<String> fixedVersion(JsonNode vulnerability) {
        Optional<String> recommendation = Fields.text(vulnerability, "recommendation");
        String marker = " to version ";
        return recommendation
                .filter(r -> r.contains(marker))
                .map(r -> r.substring(r.indexOf(marker) + marker.length()).trim())
                .map(v -> v.endsWith(".") ? v.substring(0, v.length() - 1) : v)
                .filter(v -> !v.isEmpty());
    }
}
