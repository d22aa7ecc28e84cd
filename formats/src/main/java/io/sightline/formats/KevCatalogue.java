package io.sightline.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * CISA's Known Exploited Vulnerabilities catalogue ({@code vulnerabilities[].cveID}). A copy
 * ships with Sightline so ranking works offline.
 */
public final class KevCatalogue {

    private static final String BUNDLED = "/io/sightline/formats/kev/known_exploited_vulnerabilities.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private KevCatalogue() {}

    public static Set<String> bundled() {
        try (InputStream in = KevCatalogue.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("bundled KEV catalogue missing from the classpath: " + BUNDLED);
            }
            return parse(MAPPER.readTree(in), BUNDLED);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled KEV catalogue", e);
        }
    }

    public static Set<String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--kev " + file + ": no such file");
        }
        try {
            return parse(MAPPER.readTree(Files.newInputStream(file)), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read KEV catalogue " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that a document is a usable KEV catalogue before it replaces the stored one: a
     * {@code catalogVersion}, a non-empty {@code vulnerabilities} array, and every {@code cveID}
     * shaped {@code CVE-YYYY-N}. Returns the version and count; throws naming the first problem.
     */
    public static Validated validate(JsonNode root, String name) {
        String version = root.path("catalogVersion").asText("");
        if (version.isEmpty()) {
            throw new IllegalArgumentException(name + ": expected a CISA KEV catalogue with catalogVersion; not found");
        }
        JsonNode entries = root.path("vulnerabilities");
        if (!entries.isArray() || entries.isEmpty()) {
            throw new IllegalArgumentException(name + ": expected a non-empty 'vulnerabilities' array");
        }
        for (int index = 0; index < entries.size(); index++) {
            String id = entries.get(index).path("cveID").asText("");
            if (!id.matches("CVE-\\d{4}-\\d{4,}")) {
                throw new IllegalArgumentException(
                        name + ": vulnerabilities[" + index + "].cveID: expected CVE-YYYY-NNNN, got '" + id + "'");
            }
        }
        return new Validated(version, entries.size());
    }

    /** A validated catalogue's version and entry count. */
    public record Validated(String catalogVersion, int entries) {}

    static Set<String> parse(JsonNode root, String name) {
        JsonNode entries = root.path("vulnerabilities");
        if (!entries.isArray()) {
            throw new IllegalArgumentException(
                    name + ": expected a CISA KEV catalogue with a 'vulnerabilities' array; not found");
        }
        Set<String> ids = new HashSet<>();
        entries.forEach(entry -> {
            String id = entry.path("cveID").asText("");
            if (id.startsWith("CVE-")) {
                ids.add(id);
            }
        });
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(
                    name + ": a KEV catalogue must list CVE ids in vulnerabilities[].cveID; found none");
        }
        return Set.copyOf(ids);
    }
}
