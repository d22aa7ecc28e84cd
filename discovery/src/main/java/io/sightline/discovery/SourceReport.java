package io.sightline.discovery;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one sync of one source: live objects per kind after the sync (sorted by kind), and the parts that
 * failed. A source with errors still has the counts of the parts that succeeded.
 */
public record SourceReport(String source, Map<String, Integer> counts, List<SourceError> errors, Duration took) {

    public SourceReport {
        requireNonNull(source, "source is null");
        counts = Collections.unmodifiableMap(new TreeMap<>(counts));
        errors = List.copyOf(errors);
        requireNonNull(took, "took is null");
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
