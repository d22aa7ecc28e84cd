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
