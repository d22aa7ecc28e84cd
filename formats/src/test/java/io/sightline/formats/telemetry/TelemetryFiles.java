package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.RuntimeEvent;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the test telemetry lives, and a read that keeps the events for inspection. */
final class TelemetryFiles {

    private TelemetryFiles() {}

    /** A sample under {@code src/test/resources/corpus/runtime}, e.g. {@code tetragon/events.json}. */
    static Path corpus(String subpath) {
        URL url = TelemetryFiles.class.getResource("/corpus/runtime/" + subpath);
        assertThat(url).as("test resource corpus/runtime/%s", subpath).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test resource " + subpath + " has no usable path", e);
        }
    }

    static Path scenarios() {
        String folder = System.getProperty("sightline.scenarios");
        assertThat(folder)
                .as("system property sightline.scenarios (set by surefire)")
                .isNotNull();
        return Path.of(folder);
    }

    static Read read(Path path, String file) {
        List<RuntimeEvent> events = new ArrayList<>();
        ReadSummary summary = TelemetryReader.read(path, file, events::add);
        return new Read(summary, events);
    }

    static Read readCorpus(String subpath) {
        return read(corpus(subpath), subpath);
    }

    record Read(ReadSummary summary, List<RuntimeEvent> events) {

        /** The one event the record on {@code line} produced. */
        <T extends RuntimeEvent> T at(int line, Class<T> type) {
            List<RuntimeEvent> onLine = events.stream()
                    .filter(event -> event.source().line() == line)
                    .toList();
            assertThat(onLine).as("events from line %d", line).hasSize(1);
            assertThat(onLine.getFirst()).isInstanceOf(type);
            return type.cast(onLine.getFirst());
        }

        List<Integer> skippedLines() {
            return summary.skipped().stream().map(skipped -> skipped.line()).toList();
        }
    }
}
