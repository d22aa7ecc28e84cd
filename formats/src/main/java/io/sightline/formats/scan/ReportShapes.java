package io.sightline.formats.scan;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.formats.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Names what a JSON document looks like, so that a parser refusing it can say what came instead
 * of what it expected. Scanners write several formats with the same file names ({@code
 * *.json.golden} holds Trivy JSON, SARIF and CycloneDX alike), so the name never decides.
 */
final class ReportShapes {

    private static final int KEYS_SHOWN = 8;

    private ReportShapes() {}

    /** A JSON value's type with its article: {@code a string}, {@code an array}, {@code an object}. */
    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY -> "binary data";
            case MISSING -> "nothing";
        };
    }

    static String describe(JsonNode root) {
        if (!root.isObject()) {
            return "a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT);
        }
        if (root.path("runs").isArray()
                && Fields.text(root, "$schema").orElse("").contains("sarif")) {
            return "a SARIF " + Fields.text(root, "version").orElse("(no version)") + " log";
        }
        if (Fields.text(root, "bomFormat").orElse("").equals("CycloneDX")) {
            return "a CycloneDX " + Fields.text(root, "specVersion").orElse("(no specVersion)") + " BOM";
        }
        if (Fields.text(root, "descriptor.name").orElse("").equals("grype")) {
            return "a Grype JSON report";
        }
        if (root.has("SchemaVersion") && root.has("ArtifactName")) {
            return "a Trivy JSON report";
        }
        if (root.has("ClusterName")) {
            return "a Trivy Kubernetes cluster report (ClusterName "
                    + Fields.text(root, "ClusterName").orElse("(empty)") + ")";
        }
        if (root.has("jsonapi") && root.has("data")) {
            return "a JSON:API response (data, jsonapi, links), as the Snyk REST API returns";
        }
        if (root.has("error") && root.has("ok")) {
            return "a Snyk error report: " + Fields.text(root, "error").orElse("(no message)");
        }
        if (root.path("vulnerabilities").isArray() && SnykContainerParser.accepts(root)) {
            return "a Snyk container test report";
        }
        if (root.path("vulnerabilities").isArray() && root.has("packageManager")) {
            return "a Snyk open-source test report (packageManager "
                    + Fields.text(root, "packageManager").orElse("(empty)") + ", no docker section)";
        }
        return "a JSON object with keys " + keys(root);
    }

    private static List<String> keys(JsonNode root) {
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        if (keys.size() > KEYS_SHOWN) {
            List<String> shown = new ArrayList<>(keys.subList(0, KEYS_SHOWN));
            shown.add("...");
            return shown;
        }
        return keys;
    }
}
