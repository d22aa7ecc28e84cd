package io.sightline.server.ingest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.event.SourceRecord;
import io.sightline.formats.DocumentParser;
import io.sightline.formats.RecordException;
import io.sightline.formats.telemetry.TelemetryReader;
import io.sightline.server.live.EngineLoop;
import io.sightline.store.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks what sensors and uploads send, logs what is good and reports the rest. A telemetry
 * request is taken record by record: a record that is not JSON, of another sensor's format or
 * rejected by its mapper is skipped and named by its position, and the others are logged. A
 * document upload is taken or refused whole.
 *
 * <p>Records are checked here (mapped once, the result thrown away) so that the log only holds
 * records the engine can apply; the engine maps them again from the logged text.
 *
 * <p>Thread safe.
 */
public final class IngestService {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourceRecord CHECK = new SourceRecord("check", 1);

    private final EngineLoop engine;
    private final Map<String, AtomicLong> acceptedByStream = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> skippedByStream = new ConcurrentHashMap<>();

    public IngestService(EngineLoop engine) {
        this.engine = requireNonNull(engine, "engine is null");
    }

    /** Takes the records of one sensor's request body. */
    public IngestResult telemetry(Sensor sensor, String body) throws IngestException, EngineLoop.QueueFullException {
        requireNonNull(sensor, "sensor is null");
        List<TelemetryReader.RawRecord> records = TelemetryReader.splitRecords(requireNonNull(body, "body is null"));
        if (records.isEmpty()) {
            throw new IngestException(
                    "empty_body",
                    "empty body: expected " + sensor.expected() + " (JSON, an array or NDJSON)",
                    List.of());
        }
        List<LogEntry.Pending> pending = new ArrayList<>();
        List<IngestResult.Skip> skipped = new ArrayList<>();
        for (TelemetryReader.RawRecord record : records) {
            check(sensor, record)
                    .ifPresentOrElse(
                            reason -> skipped.add(new IngestResult.Skip(record.line(), reason)),
                            () -> pending.add(new LogEntry.Pending(
                                    sensor.stream(),
                                    LogEntry.Kind.TELEMETRY,
                                    sensor.stream(),
                                    record.node().toString())));
        }
        skipped.forEach(skip -> LOG.warn(
                "Skipped ingest record stream={} index={} reason={}", sensor.stream(), skip.index(), skip.reason()));
        count(skippedByStream, sensor.stream(), skipped.size());
        if (pending.isEmpty()) {
            throw new IngestException(
                    "no_valid_records",
                    "none of the " + records.size() + " records is " + sensor.expected() + "; nothing was logged",
                    skipped);
        }
        List<LogEntry> placed = engine.submit(pending);
        count(acceptedByStream, sensor.stream(), placed.size());
        return new IngestResult(
                sensor.stream(),
                placed.size(),
                placed.getFirst().streamSeq(),
                placed.getLast().streamSeq(),
                sensor.format(),
                skipped);
    }

    /**
     * Takes one scanner report or inventory document.
     *
     * @param name the evidence file name for it; empty for {@code upload/scans/N}
     */
    public IngestResult document(DocumentParser.Kind kind, String name, String body)
            throws IngestException, EngineLoop.QueueFullException {
        requireNonNull(kind, "kind is null");
        String stream = kind == DocumentParser.Kind.SCAN ? "upload/scans" : "upload/inventory";
        String expected = kind == DocumentParser.Kind.SCAN
                ? "a scanner report (Trivy JSON, Grype JSON or Snyk container JSON)"
                : "an inventory document (kubectl JSON, EC2 describe-instances, EKS describe-cluster, docker inspect)";
        JsonNode root;
        try {
            root = JSON.readTree(requireNonNull(body, "body is null"));
        } catch (JsonProcessingException e) {
            throw new IngestException(
                    "invalid_json", "not valid JSON: " + e.getOriginalMessage() + "; expected " + expected, List.of());
        }
        if (root == null || root.isMissingNode()) {
            throw new IngestException("empty_body", "empty body: expected " + expected, List.of());
        }
        Optional<DocumentParser.Recognised> recognised = DocumentParser.recognise(root);
        if (recognised.isEmpty() || recognised.get().kind() != kind) {
            String got = recognised
                    .map(r -> "a " + r.kind().name().toLowerCase(java.util.Locale.ROOT) + " document (" + r.format()
                            + ")")
                    .orElse("a document of no known format");
            throw new IngestException("wrong_format", "expected " + expected + ", got " + got, List.of());
        }
        List<SkippedRecord> problems = new ArrayList<>();
        try {
            DocumentParser.parse(root, name.isEmpty() ? stream : name, new Inventory(), report -> {}, problems);
        } catch (RecordException e) {
            throw new IngestException(
                    "unreadable_document",
                    recognised.get().format() + ": " + e.getMessage() + "; nothing was logged",
                    List.of());
        }
        List<LogEntry> placed = engine.submit(List.of(new LogEntry.Pending(stream, toLogKind(kind), name, body)));
        count(acceptedByStream, stream, 1);
        List<IngestResult.Skip> skipped = problems.stream()
                .map(p -> new IngestResult.Skip(p.line(), p.reason()))
                .toList();
        return new IngestResult(
                stream,
                1,
                placed.getFirst().streamSeq(),
                placed.getFirst().streamSeq(),
                recognised.get().format(),
                skipped);
    }

    /** Records taken per stream since this process started. */
    public Map<String, Long> accepted() {
        return snapshot(acceptedByStream);
    }

    /** Records skipped per stream since this process started. */
    public Map<String, Long> skipped() {
        return snapshot(skippedByStream);
    }

    private static Optional<String> check(Sensor sensor, TelemetryReader.RawRecord record) {
        if (!record.problem().isEmpty()) {
            return Optional.of(record.problem());
        }
        Optional<String> format = TelemetryReader.formatOf(record.node());
        if (format.isEmpty() || !format.get().equals(sensor.format())) {
            return Optional.of("expected " + sensor.expected() + ", got "
                    + format.map(f -> "a " + f + " record").orElse("a record of no known format"));
        }
        try {
            TelemetryReader.mapRecord(record.node(), CHECK);
            return Optional.empty();
        } catch (RecordException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static LogEntry.Kind toLogKind(DocumentParser.Kind kind) {
        return switch (kind) {
            case SCAN -> LogEntry.Kind.SCAN;
            case INVENTORY -> LogEntry.Kind.INVENTORY;
        };
    }

    private static void count(Map<String, AtomicLong> counts, String stream, long n) {
        if (n > 0) {
            counts.computeIfAbsent(stream, s -> new AtomicLong()).addAndGet(n);
        }
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
        Map<String, Long> copy = new java.util.TreeMap<>();
        counts.forEach((stream, n) -> copy.put(stream, n.get()));
        return copy;
    }
}
