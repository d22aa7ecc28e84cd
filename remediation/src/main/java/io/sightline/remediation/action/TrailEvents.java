package io.sightline.remediation.action;

import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.formats.InputLoader;
import io.sightline.storyboard.Storyboard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The runtime events behind a storyboard's evidence, read back from the telemetry. The storyboard
 * keeps only text and record references; the planner needs the events themselves (paths written,
 * process ids, exits), so the telemetry is read a second time and filtered to the records on the
 * trail. Memory stays bounded by the trail, not by the telemetry.
 */
public final class TrailEvents {

    private TrailEvents() {}

    public static List<RuntimeEvent> read(Path base, List<Path> inputs, Storyboard storyboard) {
        Set<SourceRecord> wanted = new HashSet<>(storyboard.records());
        InputLoader loader = new InputLoader(base);
        loader.addDocuments(inputs);
        List<RuntimeEvent> events = new ArrayList<>();
        loader.streamTelemetry(event -> {
            if (wanted.contains(event.source())) {
                events.add(event);
            }
        });
        return List.copyOf(events);
    }
}
