package io.sightline.server.remediation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import io.sightline.formats.telemetry.TelemetryReader;
import io.sightline.store.IngestLog;
import io.sightline.store.LogEntry;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime events behind a storyboard's evidence, read back from the ingest log: a record the
 * server took is named {@code stream:streamSeq} in evidence, so the planner gets the same events
 * the engine saw. Reads only the storyboard's records (one query per stream), never the whole log.
 */
final class LoggedTrail {

    private static final Logger LOG = LoggerFactory.getLogger(LoggedTrail.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoggedTrail() {}

    static List<RuntimeEvent> read(IngestLog log, Storyboard storyboard) {
        Set<SourceRecord> wanted = new HashSet<>(storyboard.records());
        Map<String, List<Long>> byStream = new LinkedHashMap<>();
        for (SourceRecord record : storyboard.records()) {
            byStream.computeIfAbsent(record.file(), s -> new ArrayList<>()).add((long) record.line());
        }
        List<RuntimeEvent> events = new ArrayList<>();
        byStream.forEach((stream, seqs) -> {
            for (LogEntry entry : log.find(stream, seqs)) {
                if (entry.kind() != LogEntry.Kind.TELEMETRY) {
                    continue;
                }
                SourceRecord source = new SourceRecord(entry.stream(), Math.toIntExact(entry.streamSeq()));
                try {
                    TelemetryReader.mapRecord(JSON.readTree(entry.body()), source).stream()
                            .filter(event -> wanted.contains(event.source()))
                            .forEach(events::add);
                } catch (RecordException | JsonProcessingException e) {
                    LOG.warn(
                            "Evidence record unreadable storyboard={} stream={} streamSeq={} reason={}; left out of"
                                    + " the plan",
                            storyboard.id(),
                            entry.stream(),
                            entry.streamSeq(),
                            e.getMessage());
                }
            }
        });
        return List.copyOf(events);
    }
}
