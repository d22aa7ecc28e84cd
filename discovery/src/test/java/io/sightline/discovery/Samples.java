package io.sightline.discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample files copied from the corpus (see src/test/resources/SOURCES.md) and the scenarios. */
public final class Samples {

    private Samples() {}

    /** A file under src/test/resources/corpus, by its path in the corpus. */
    public static Path corpus(String path) {
        URL url = Samples.class.getResource("/corpus/" + path);
        if (url == null) {
            throw new IllegalArgumentException("no sample corpus/" + path + " on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The inventory folder of a shipped scenario under examples/. */
    public static Path scenario(String name) {
        String root = System.getProperty("sightline.scenarios", "../examples");
        return Path.of(root).resolve(name);
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
