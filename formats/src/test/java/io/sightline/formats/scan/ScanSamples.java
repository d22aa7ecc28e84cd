package io.sightline.formats.scan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Loads the copied corpus from the classpath and the scenario scans from {@code sightline.scenarios}. */
final class ScanSamples {

    static final String CORPUS = "/corpus/shiftleft/";
    static final String HANDWRITTEN = "/corpus/handwritten/";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ScanSamples() {}

    /** A corpus file by its path under the corpus folder, such as {@code trivy/alpine-310.json.golden}. */
    static JsonNode corpus(String subpath) {
        try (InputStream in = ScanSamples.class.getResourceAsStream(CORPUS + subpath)) {
            requireNonNull(in, () -> "no test resource " + CORPUS + subpath);
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file written by hand from a vendor's API reference (see {@code corpus/handwritten/SOURCES.md}). */
    static JsonNode handwritten(String subpath) {
        try (InputStream in = ScanSamples.class.getResourceAsStream(HANDWRITTEN + subpath)) {
            requireNonNull(in, () -> "no test resource " + HANDWRITTEN + subpath);
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of every file in one corpus folder ({@code trivy}, {@code grype}, {@code snyk}). */
    static List<String> corpusFolder(String folder) {
        URL url = requireNonNull(ScanSamples.class.getResource(CORPUS + folder), "no test resource folder " + folder);
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(file -> folder + "/" + file.getFileName()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path scenarios() {
        String root = requireNonNull(System.getProperty("sightline.scenarios"), "sightline.scenarios is not set");
        return Path.of(root);
    }

    /** A scenario file by its path under {@code examples/}, such as {@code log4shell-lateral/truth.json}. */
    static JsonNode scenario(String relative) {
        return read(scenarios().resolve(relative));
    }

    /** Every scan report of every scenario, as paths relative to {@code examples/}. */
    static List<String> scenarioScans() {
        try (Stream<Path> files = Files.walk(scenarios(), 3)) {
            return files.filter(
                            file -> file.getParent().getFileName().toString().equals("scans"))
                    .map(file -> scenarios().relativize(file).toString())
                    .sorted()
                    .toList();
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

    private static JsonNode read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
