package io.sightline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.finding.Finding;
import io.sightline.finding.Severity;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.rank.ImageCatalogue;
import io.sightline.rank.PackageFix;
import io.sightline.rank.RankedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code analyze --format sarif}: a SARIF 2.1.0 log for code-scanning dashboards. One rule per
 * vulnerability id; one result per image and vulnerability (a CVE on three packages of an image
 * is one result naming the three), ranked images first. The location is the scan report file the
 * finding came from, with the image as a logical location. {@code partialFingerprints} hashes the
 * image identity (repo digest, else config digest, else reference), the vulnerability and its
 * packages, so the same finding keeps its fingerprint from run to run whatever its rank.
 */
final class SarifExport {

    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SarifExport() {}

    static void write(AnalysisResult analysis, OutputStream out) throws IOException {
        MAPPER.writeValue(out, log(analysis));
        out.write('\n');
    }

    static ObjectNode log(AnalysisResult analysis) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("$schema", SCHEMA);
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "Sightline");
        driver.put("version", "0.1.0");
        driver.put("informationUri", "https://github.com/sightline/sightline");
        ArrayNode rules = driver.putArray("rules");
        Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        ArrayNode results = run.putArray("results");
        for (RankedImage image : analysis.images()) {
            Optional<ImageCatalogue.Entry> entry = entryOf(analysis, image);
            if (entry.isEmpty()) {
                continue;
            }
            Map<String, List<Finding>> byVulnerability = new LinkedHashMap<>();
            entry.get()
                    .findings()
                    .forEach(f -> byVulnerability
                            .computeIfAbsent(f.vulnerabilityKey(), k -> new ArrayList<>())
                            .add(f));
            for (Map.Entry<String, List<Finding>> vulnerability : byVulnerability.entrySet()) {
                List<Finding> findings = vulnerability.getValue();
                Finding worst = findings.stream()
                        .max(Comparator.comparing(Finding::severity))
                        .orElseThrow();
                int index = ruleIndex.computeIfAbsent(vulnerability.getKey(), id -> {
                    rules.add(rule(id, worst));
                    return rules.size() - 1;
                });
                results.add(result(image, entry.get(), vulnerability.getKey(), index, findings, worst));
            }
        }
        return root;
    }

    private static ObjectNode rule(String id, Finding worst) {
        ObjectNode rule = MAPPER.createObjectNode();
        rule.put("id", id);
        rule.put("name", id.replaceAll("[^A-Za-z0-9]", ""));
        rule.putObject("shortDescription").put("text", shorten(worst.title()));
        rule.putObject("defaultConfiguration").put("level", level(worst.severity()));
        if (id.startsWith("CVE-")) {
            rule.put("helpUri", "https://nvd.nist.gov/vuln/detail/" + id);
        }
        ObjectNode properties = rule.putObject("properties");
        properties.putArray("tags").add("security").add("vulnerability");
        worst.cvssScore().ifPresent(score -> properties.put("security-severity", String.format("%.1f", score)));
        return rule;
    }

    private static ObjectNode result(
            RankedImage image,
            ImageCatalogue.Entry entry,
            String id,
            int index,
            List<Finding> findings,
            Finding worst) {
        ObjectNode result = MAPPER.createObjectNode();
        result.put("ruleId", id);
        result.put("ruleIndex", index);
        result.put("level", level(worst.severity()));
        TreeSet<String> packages = new TreeSet<>();
        findings.forEach(f -> packages.add(f.pkg().name() + "@" + f.pkg().version()));
        List<String> upgrades = new ArrayList<>();
        for (PackageFix fix : image.fixes()) {
            if (fix.vulnerabilities().contains(id)) {
                upgrades.add(fix.packageName() + " " + fix.installedVersion() + " -> " + fix.fixedVersion());
            }
        }
        result.putObject("message")
                .put(
                        "text",
                        worst.severity().label() + " " + id + " in " + String.join(", ", packages) + " of image "
                                + image.image() + " (rank " + image.rank() + ", score " + image.score() + "). "
                                + (upgrades.isEmpty()
                                        ? "No fixed version is known."
                                        : "Fix: upgrade " + String.join("; ", upgrades) + "."));
        ObjectNode location = result.putArray("locations").addObject();
        String uri =
                entry.reports().isEmpty() ? "image" : entry.reports().getFirst().file();
        location.putObject("physicalLocation").putObject("artifactLocation").put("uri", uri);
        location.putArray("logicalLocations")
                .addObject()
                .put("name", image.image())
                .put("fullyQualifiedName", identity(image))
                .put("kind", "module");
        result.putObject("partialFingerprints")
                .put("sightlineFinding/v1", fingerprint(identity(image) + "|" + id + "|" + String.join(",", packages)));
        ObjectNode properties = result.putObject("properties");
        properties.put("image", image.image());
        properties.put(
                "digest",
                image.repoDigests().isEmpty() ? "" : image.repoDigests().getFirst());
        properties.put("rank", image.rank());
        // How sure the tie between this report and the running image is: a tag join is the weaker one.
        properties.put("joined_by", image.joinedBy());
        ArrayNode fixes = properties.putArray("fixes");
        upgrades.forEach(fixes::add);
        return result;
    }

    private static Optional<ImageCatalogue.Entry> entryOf(AnalysisResult analysis, RankedImage image) {
        return analysis.catalogue().entries().stream()
                .filter(e -> e.image().toString().equals(image.image())
                        && e.repoDigests().equals(image.repoDigests())
                        && e.configDigest().equals(image.configDigest()))
                .findFirst();
    }

    static String identity(RankedImage image) {
        if (!image.repoDigests().isEmpty()) {
            return image.image().replaceAll("[:@].*$", "") + "@"
                    + image.repoDigests().getFirst();
        }
        return image.configDigest().orElse(image.image());
    }

    static String level(Severity severity) {
        return switch (severity) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, INFO, UNKNOWN -> "note";
        };
    }

    private static String fingerprint(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String shorten(String text) {
        String line = text.lines().findFirst().orElse(text);
        return line.length() > 200 ? line.substring(0, 199) + "…" : line;
    }
}
