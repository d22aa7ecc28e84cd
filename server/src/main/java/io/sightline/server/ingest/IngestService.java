package io.sightline.server.ingest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.asset.Inventory;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.DocumentParser;
import io.sightline.formats.JsonErrors;
import io.sightline.formats.RecordException;
import io.sightline.server.live.EngineLoop;
import io.sightline.store.IdempotencyKeys;
import io.sightline.store.IngestLog;
import io.sightline.store.LogEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks what sensors and uploads send, logs what is good and reports the rest. A telemetry
 * request is taken record by record: a record that is not JSON, of another sensor's format or
 * rejected by its mapper is skipped and named by its position, and the others are logged. A
 * document upload is taken or refused whole.
 *
 * <p>Records are checked and mapped here, on the request's thread, so that the log only holds
 * records the engine can apply; the engine takes the mapped events with the log entries, and maps
 * the logged text again only when it replays the log.
 *
 * <p>A request may carry an idempotency key. The key is stored with the request's answer in the
 * transaction that logs its records, so a retry with the same key and body (after a timeout, say)
 * gets the same answer again and logs nothing. Keys are scoped to their route and remembered for
 * the configured TTL. While a request with a key is being taken, another with the same key gets
 * 409; the same key with another body gets 422. Without a key a retried request is logged again.
 *
 * <p>Thread safe.
 */
public final class IngestService {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final int MAX_KEY_LENGTH = 255;
    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

    private final EngineLoop engine;
    private final IdempotencyKeys keys;
    private final Duration keyTtl;
    private final Clock clock;
    private final Set<String> keysInFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> acceptedByStream = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> skippedByStream = new ConcurrentHashMap<>();
    private volatile Instant lastPurge = Instant.EPOCH;

    public IngestService(EngineLoop engine, IdempotencyKeys keys, Duration keyTtl, Clock clock) {
        this.engine = requireNonNull(engine, "engine is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.keyTtl = requireNonNull(keyTtl, "keyTtl is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Takes the records of one sensor's request body, without an idempotency key. */
    public IngestResult telemetry(Sensor sensor, String body) throws IngestException, EngineLoop.QueueFullException {
        return telemetry(sensor, body, Optional.empty()).result();
    }

    /**
     * Takes the records of one sensor's request body; with a key, a retry of an acknowledged
     * request is answered from its receipt.
     */
    public Acknowledged telemetry(Sensor sensor, String body, Optional<String> key)
            throws IngestException, EngineLoop.QueueFullException {
        requireNonNull(sensor, "sensor is null");
        requireNonNull(body, "body is null");
        return idempotent(
                "/api/v1/ingest/" + sensor.path(), key, body, companion -> telemetryOnce(sensor, body, companion));
    }

    private IngestResult telemetryOnce(Sensor sensor, String body, Receipts receipts)
            throws IngestException, EngineLoop.QueueFullException {
        List<BodyRecords.Taken> records = BodyRecords.read(sensor, body);
        if (records.isEmpty()) {
            throw new IngestException(
                    "empty_body",
                    "empty body: expected " + sensor.expected() + " (JSON, an array or NDJSON)",
                    List.of());
        }
        List<LogEntry.Pending> pending = new ArrayList<>();
        List<List<RuntimeEvent>> events = new ArrayList<>();
        List<IngestResult.Skip> skipped = new ArrayList<>();
        for (BodyRecords.Taken record : records) {
            switch (record.checked()) {
                case Checked.Refused refused -> skipped.add(new IngestResult.Skip(record.index(), refused.reason()));
                case Checked.Mapped mapped -> {
                    pending.add(new LogEntry.Pending(
                            sensor.stream(), LogEntry.Kind.TELEMETRY, sensor.stream(), record.json()));
                    events.add(mapped.events());
                }
            }
        }
        skipped.forEach(skip -> LOG.warn(
                "Skipped ingest record stream={} index={} reason={}", sensor.stream(), skip.index(), skip.reason()));
        count(skippedByStream, sensor.stream(), skipped.size());
        if (pending.isEmpty()) {
            throw new IngestException(
                    "no_valid_records",
                    "none of the " + records.size() + " records could be taken as " + sensor.expected()
                            + " (each is named in skipped, with why); nothing was logged",
                    skipped);
        }
        Function<List<LogEntry>, IngestResult> answer = placed -> new IngestResult(
                sensor.stream(),
                placed.size(),
                placed.getFirst().streamSeq(),
                placed.getLast().streamSeq(),
                sensor.format(),
                skipped);
        List<LogEntry> placed = engine.submitMapped(pending, events, receipts.companion(answer));
        count(acceptedByStream, sensor.stream(), placed.size());
        return answer.apply(placed);
    }

    /**
     * Takes one scanner report or inventory document.
     *
     * @param name the evidence file name for it; empty for {@code upload/scans/N}
     */
    public IngestResult document(DocumentParser.Kind kind, String name, String body)
            throws IngestException, EngineLoop.QueueFullException {
        return document(kind, name, body, Optional.empty()).result();
    }

    /** Takes one scanner report or inventory document; with a key, a retry is answered from its receipt. */
    public Acknowledged document(DocumentParser.Kind kind, String name, String body, Optional<String> key)
            throws IngestException, EngineLoop.QueueFullException {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(body, "body is null");
        String route = kind == DocumentParser.Kind.SCAN ? "/api/v1/ingest/scans" : "/api/v1/ingest/inventory";
        return idempotent(
                route, key, "name=" + name + "\n" + body, receipts -> documentOnce(kind, name, body, receipts));
    }

    private IngestResult documentOnce(DocumentParser.Kind kind, String name, String body, Receipts receipts)
            throws IngestException, EngineLoop.QueueFullException {
        String stream = kind == DocumentParser.Kind.SCAN ? "upload/scans" : "upload/inventory";
        String expected = kind == DocumentParser.Kind.SCAN
                ? "a scanner report (Trivy JSON, Grype JSON or Snyk container JSON)"
                : "an inventory document (kubectl JSON, EC2 describe-instances, EKS describe-cluster, docker inspect)";
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IngestException(
                    "invalid_json", "not valid JSON: " + JsonErrors.describe(e) + "; expected " + expected, List.of());
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
        List<IngestResult.Skip> skipped = problems.stream()
                .map(p -> new IngestResult.Skip(p.line(), p.reason()))
                .toList();
        String format = recognised.get().format();
        Function<List<LogEntry>, IngestResult> answer = placed -> new IngestResult(
                stream, 1, placed.getFirst().streamSeq(), placed.getFirst().streamSeq(), format, skipped);
        List<LogEntry> placed = engine.submit(
                List.of(new LogEntry.Pending(stream, toLogKind(kind), name, body)), receipts.companion(answer));
        count(acceptedByStream, stream, 1);
        return answer.apply(placed);
    }

    /** Records taken per stream since this process started. */
    public Map<String, Long> accepted() {
        return snapshot(acceptedByStream);
    }

    /** Records skipped per stream since this process started. */
    public Map<String, Long> skipped() {
        return snapshot(skippedByStream);
    }

    /** Counts records a tailed file gave, with those the HTTP routes took. */
    void counted(String stream, long accepted, long skipped) {
        count(acceptedByStream, stream, accepted);
        count(skippedByStream, stream, skipped);
    }

    EngineLoop engine() {
        return engine;
    }

    private Acknowledged idempotent(String route, Optional<String> key, String request, Taking taking)
            throws IngestException, EngineLoop.QueueFullException {
        if (key.isEmpty()) {
            return new Acknowledged(taking.take(Receipts.NONE), false);
        }
        String k = checkKey(key.get());
        String scoped = route + "\n" + k;
        if (!keysInFlight.add(scoped)) {
            throw new IngestException(
                    409,
                    "idempotency_key_in_use",
                    "a request with Idempotency-Key '" + k + "' is still being taken; retry when it is answered",
                    List.of());
        }
        try {
            String hash = sha256(request);
            Instant now = clock.instant();
            Optional<IdempotencyKeys.Receipt> receipt = keys.find(route, k, now);
            if (receipt.isPresent()) {
                if (!receipt.get().requestHash().equals(hash)) {
                    throw new IngestException(
                            422,
                            "idempotency_key_reused",
                            "Idempotency-Key '" + k + "' was used on " + route + " at "
                                    + receipt.get().createdAt()
                                    + " for another request; send a new key for a new request",
                            List.of());
                }
                LOG.info(
                        "Idempotent retry answered again route={} key={} firstSeq={} lastSeq={}",
                        route,
                        k,
                        receipt.get().firstSeq(),
                        receipt.get().lastSeq());
                return new Acknowledged(IngestResults.fromJson(receipt.get().response()), true);
            }
            IngestResult result = taking.take(answer -> IdempotencyKeys.remember(placed -> new IdempotencyKeys.Receipt(
                    route,
                    k,
                    hash,
                    IngestResults.toJson(answer.apply(placed)),
                    placed.getFirst().seq(),
                    placed.getLast().seq(),
                    now,
                    now.plus(keyTtl))));
            purgeNowAndThen(now);
            return new Acknowledged(result, false);
        } finally {
            keysInFlight.remove(scoped);
        }
    }

    private void purgeNowAndThen(Instant now) {
        if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) < 0) {
            return;
        }
        lastPurge = now;
        int purged = keys.purgeExpired(now);
        if (purged > 0) {
            LOG.debug("Purged expired idempotency keys count={}", purged);
        }
    }

    private static String checkKey(String key) throws IngestException {
        boolean printable = key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !printable) {
            throw new IngestException(
                    "invalid_idempotency_key",
                    "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH
                            + " printable ASCII characters without spaces (a UUID, say), got "
                            + key.length() + " characters",
                    List.of());
        }
        return key;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * A request's answer, and whether it was given before: {@code replayed} is true when a retry
     * with the same idempotency key got the stored answer and nothing was logged.
     */
    public record Acknowledged(IngestResult result, boolean replayed) {

        public Acknowledged {
            requireNonNull(result, "result is null");
        }
    }

    /** Makes the companion that stores a request's receipt, from how its answer is made. */
    @FunctionalInterface
    private interface Receipts {

        Receipts NONE = answer -> IngestLog.Companion.NONE;

        IngestLog.Companion companion(Function<List<LogEntry>, IngestResult> answer);
    }

    @FunctionalInterface
    private interface Taking {
        IngestResult take(Receipts receipts) throws IngestException, EngineLoop.QueueFullException;
    }

    /** What {@link BodyRecords} made of a record. */
    sealed interface Checked {

        record Refused(String reason) implements Checked {}

        record Mapped(List<RuntimeEvent> events) implements Checked {}
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
