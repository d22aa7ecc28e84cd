package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the inventory samples: corpus files from the classpath, scenario files from examples/. */
final class Samples {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Samples() {}

    /** A file under {@code corpus/inventory/} by its path in the corpus, for example {@code derailed-k9s/...}. */
    static JsonNode corpus(String path) {
        String resource = "/corpus/inventory/" + path;
        try (InputStream in = Samples.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode scenario(String scenario, String file) {
        Path path = scenarios().resolve(scenario).resolve("inventory").resolve(file);
        try {
            return JSON.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode inline(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path scenarios() {
        String property = System.getProperty("sightline.scenarios");
        if (property == null) {
            throw new IllegalStateException("system property sightline.scenarios is not set (surefire sets it)");
        }
        return Path.of(property);
    }
}
