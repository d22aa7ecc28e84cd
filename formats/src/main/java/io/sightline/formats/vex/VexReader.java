package io.sightline.formats.vex;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import io.sightline.vex.VexStatement;
import io.sightline.vex.VexStatement.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads VEX documents into statements: OpenVEX ({@code @context} https://openvex.dev/ns/...),
 * CycloneDX VEX (a BOM whose every vulnerability has an {@code analysis} and that lists no
 * components) and CSAF VEX ({@code document.category} {@code csaf_vex}). A statement that cannot
 * be read (no vulnerability, unknown status) is skipped with its place; the others are kept.
 * Stateless and thread safe.
 */
public final class VexReader {

    private VexReader() {}

    /** The format name when the document is VEX, else empty. */
    public static Optional<String> detect(JsonNode root) {
        if (!root.isObject()) {
            return Optional.empty();
        }
        if (Fields.text(root, "@context").orElse("").startsWith("https://openvex.dev/ns")
                && root.path("statements").isArray()) {
            return Optional.of("openvex");
        }
        if (Fields.text(root, "bomFormat").orElse("").equals("CycloneDX") && isCycloneDxVex(root)) {
            return Optional.of("cyclonedx-vex");
        }
        if (Fields.text(root, "document.category").orElse("").equals("csaf_vex")) {
            return Optional.of("csaf-vex");
        }
        return Optional.empty();
    }

    public static List<VexStatement> read(JsonNode root, String file, List<SkippedRecord> skipped)
            throws RecordException {
        String format = detect(root)
                .orElseThrow(() -> new RecordException(
                        "expected an OpenVEX, CycloneDX VEX or CSAF VEX document, got another JSON document"));
        List<VexStatement> statements = new ArrayList<>();
        switch (format) {
            case "openvex" -> openVex(root, file, statements, skipped);
            case "cyclonedx-vex" -> cycloneDx(root, file, statements, skipped);
            default -> csaf(root, file, statements, skipped);
        }
        return statements;
    }

    private static boolean isCycloneDxVex(JsonNode root) {
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

    private static void openVex(JsonNode root, String file, List<VexStatement> out, List<SkippedRecord> skipped) {
        JsonNode statements = root.path("statements");
        for (int index = 0; index < statements.size(); index++) {
            JsonNode statement = statements.get(index);
            String where = "statements[" + index + "]";
            try {
                List<String> ids = new ArrayList<>();
                JsonNode vulnerability = statement.path("vulnerability");
                Fields.text(vulnerability, "name").ifPresent(ids::add);
                ids.addAll(Fields.texts(vulnerability, "aliases"));
                // OpenVEX 0.0.x wrote the id as a plain string; 0.2 allows @id alone as well.
                if (vulnerability.isTextual()) {
                    ids.add(vulnerability.asText());
                }
                if (ids.isEmpty()) {
                    Fields.text(vulnerability, "@id").ifPresent(ids::add);
                }
                if (ids.isEmpty()) {
                    throw RecordException.missing("vulnerability.name");
                }
                List<String> products = new ArrayList<>();
                List<String> subcomponents = new ArrayList<>();
                for (JsonNode product : statement.path("products")) {
                    Fields.text(product, "@id").ifPresent(products::add);
                    Fields.text(product, "identifiers.purl").ifPresent(products::add);
                    for (JsonNode sub : product.path("subcomponents")) {
                        Fields.text(sub, "@id").ifPresent(subcomponents::add);
                        Fields.text(sub, "identifiers.purl").ifPresent(subcomponents::add);
                    }
                }
                String status = Fields.requiredText(statement, "status");
                String why = String.join(
                        ": ",
                        List.of(
                                        Fields.text(statement, "justification").orElse(""),
                                        Fields.text(statement, "impact_statement")
                                                .orElse(""))
                                .stream()
                                .filter(s -> !s.isEmpty())
                                .toList());
                out.add(new VexStatement(ids, products, subcomponents, status(status, where), why, file + " " + where));
            } catch (RecordException e) {
                skipped.add(new SkippedRecord(file, 0, where + ": " + e.getMessage() + "; statement skipped"));
            }
        }
    }

    private static void cycloneDx(JsonNode root, String file, List<VexStatement> out, List<SkippedRecord> skipped) {
        JsonNode vulnerabilities = root.path("vulnerabilities");
        for (int index = 0; index < vulnerabilities.size(); index++) {
            JsonNode vulnerability = vulnerabilities.get(index);
            String where = "vulnerabilities[" + index + "]";
            try {
                List<String> ids = new ArrayList<>();
                ids.add(Fields.requiredText(vulnerability, "id"));
                vulnerability
                        .path("references")
                        .forEach(r -> Fields.text(r, "id").ifPresent(ids::add));
                List<String> products = new ArrayList<>();
                for (JsonNode affects : vulnerability.path("affects")) {
                    // A ref into another BOM is urn:cdx:<serial>/<version>#<bom-ref>; Trivy and
                    // most producers use the purl as bom-ref.
                    Fields.text(affects, "ref")
                            .map(ref -> ref.substring(ref.indexOf('#') + 1))
                            .ifPresent(products::add);
                }
                JsonNode analysis = vulnerability.path("analysis");
                String why = String.join(
                        ": ",
                        List.of(
                                        Fields.text(analysis, "justification").orElse(""),
                                        Fields.text(analysis, "detail").orElse(""))
                                .stream()
                                .filter(s -> !s.isEmpty())
                                .toList());
                out.add(new VexStatement(
                        ids,
                        products,
                        List.of(),
                        status(Fields.requiredText(analysis, "state"), where),
                        why,
                        file + " " + where));
            } catch (RecordException e) {
                skipped.add(new SkippedRecord(file, 0, where + ": " + e.getMessage() + "; statement skipped"));
            }
        }
    }

    private static void csaf(JsonNode root, String file, List<VexStatement> out, List<SkippedRecord> skipped) {
        Map<String, String> purls = new HashMap<>();
        collectProducts(root.path("product_tree"), purls);
        JsonNode vulnerabilities = root.path("vulnerabilities");
        Map<String, Status> lists = Map.of(
                "known_not_affected", Status.NOT_AFFECTED,
                "fixed", Status.FIXED,
                "known_affected", Status.AFFECTED,
                "under_investigation", Status.UNDER_INVESTIGATION);
        for (int index = 0; index < vulnerabilities.size(); index++) {
            JsonNode vulnerability = vulnerabilities.get(index);
            String where = "vulnerabilities[" + index + "]";
            Optional<String> cve = Fields.text(vulnerability, "cve");
            if (cve.isEmpty()) {
                skipped.add(new SkippedRecord(file, 0, where + ": missing field cve; statement skipped"));
                continue;
            }
            List<String> threats = new ArrayList<>();
            vulnerability.path("threats").forEach(t -> Fields.text(t, "details").ifPresent(threats::add));
            vulnerability.path("flags").forEach(f -> Fields.text(f, "label").ifPresent(threats::add));
            for (Map.Entry<String, Status> list : lists.entrySet()) {
                List<String> products = new ArrayList<>();
                for (String id : Fields.texts(vulnerability.path("product_status"), list.getKey())) {
                    products.add(purls.getOrDefault(id, id));
                }
                if (!products.isEmpty()) {
                    out.add(new VexStatement(
                            List.of(cve.get()),
                            products,
                            List.of(),
                            list.getValue(),
                            String.join("; ", threats),
                            file + " " + where + ".product_status." + list.getKey()));
                }
            }
        }
    }

    private static void collectProducts(JsonNode node, Map<String, String> purls) {
        JsonNode product = node.path("product");
        Optional<String> id = Fields.text(product, "product_id");
        Optional<String> purl = Fields.text(product, "product_identification_helper.purl");
        if (id.isPresent() && purl.isPresent()) {
            purls.put(id.get(), purl.get());
        }
        node.path("branches").forEach(branch -> collectProducts(branch, purls));
        node.path("full_product_names").forEach(p -> {
            Optional<String> pid = Fields.text(p, "product_id");
            Optional<String> ppurl = Fields.text(p, "product_identification_helper.purl");
            if (pid.isPresent() && ppurl.isPresent()) {
                purls.put(pid.get(), ppurl.get());
            }
        });
    }

    private static Status status(String text, String where) throws RecordException {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "not_affected", "false_positive" -> Status.NOT_AFFECTED;
            case "fixed", "resolved", "resolved_with_pedigree" -> Status.FIXED;
            case "affected", "exploitable" -> Status.AFFECTED;
            case "under_investigation", "in_triage" -> Status.UNDER_INVESTIGATION;
            default ->
                throw RecordException.invalid(
                        where + ".status",
                        "not_affected, affected, fixed or under_investigation (or a CycloneDX analysis state)",
                        text);
        };
    }
}
