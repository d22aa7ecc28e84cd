package io.sightline.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SkippedRecord;
import io.sightline.event.SourceRecord;
import io.sightline.formats.DocumentParser;
import io.sightline.formats.InputLoader;
import io.sightline.formats.IoReasons;
import io.sightline.formats.RecordException;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.formats.telemetry.TelemetryReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Sends a scenario folder to a running server as its sensors would: inventory and scanner reports
 * first, then every telemetry record in event-time order, paced at {@code speed} times real time
 * ({@code 0}: as fast as the server takes them). Detections (Falco, GuardDuty) are delivered
 * {@link InputLoader#DETECTION_HOLD} after their event time, as they reach a SIEM. The records due
 * together, at most a batch and {@link #WINDOW} of event time, go in one request per sensor, as
 * sensors that flush their own buffers send them. A 429 is waited out for its Retry-After and
 * the batch sent again.
 */
final class Replayer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourceRecord PROBE = new SourceRecord("replay", 1);
    private static final int MAX_RETRIES = 600;
    private static final Set<String> DETECTION_FORMATS = Set.of("falco", "guardduty");
    /** The most event time one window of records spans; well inside the engine's lateness. */
    static final Duration WINDOW = Duration.ofSeconds(5);

    private final URI server;
    private final String token;
    private final double speed;
    private final int batchSize;
    private final PrintStream progress;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Path folder = Path.of("");
    private int documentsAcknowledged;
    private int recordsAcknowledged;
    private int recordsToSend;

    Replayer(URI server, String token, double speed, int batchSize, PrintStream progress) {
        this.server = requireNonNull(server, "server is null");
        this.token = requireNonNull(token, "token is null");
        if (speed < 0) {
            throw new IllegalArgumentException("--speed must be 0 or more, got " + speed);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch must be 1 or more, got " + batchSize);
        }
        this.speed = speed;
        this.batchSize = batchSize;
        this.progress = requireNonNull(progress, "progress is null");
    }

    /**
     * What a replay sent. {@code evidence} maps each record the server took, as the server names it
     * in evidence ({@code ingest/tetragon:12}), to the file and line it was read from.
     */
    record Summary(int documents, int records, int skippedByServer, Duration elapsed, Map<String, String> evidence) {}

    Summary replay(Path folder) throws IOException, InterruptedException {
        long started = System.nanoTime();
        this.folder = folder.toAbsolutePath().normalize();
        List<Path> files = files(folder);
        List<Path> telemetry = new ArrayList<>();
        Map<Path, DocumentParser.Recognised> documentFiles = new LinkedHashMap<>();
        for (Path file : files) {
            recognise(file).ifPresentOrElse(document -> documentFiles.put(file, document), () -> telemetry.add(file));
        }
        List<Timed> records = timedRecords(folder, telemetry);
        recordsToSend = records.size();
        int documents = 0;
        for (Map.Entry<Path, DocumentParser.Recognised> entry : documentFiles.entrySet()) {
            Path file = entry.getKey();
            DocumentParser.Recognised document = entry.getValue();
            String endpoint = document.kind() == DocumentParser.Kind.SCAN ? "scans" : "inventory";
            String name = folder.relativize(file).toString();
            String body = Files.readString(file);
            send(
                    "/api/v1/ingest/" + endpoint + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8),
                    body,
                    idempotencyKey(name, body));
            documents++;
            documentsAcknowledged = documents;
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        int skipped = sendPaced(records, evidence);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        return new Summary(documents, records.size(), skipped, elapsed, evidence);
    }

    /**
     * The key of one request: the same folder, the same place in it (a document's name, a batch's
     * first and last file:line) and the same bytes give the same key, so running a replay again
     * after a crash is answered from the server's receipts for what it already took. Batches are
     * the same on each run at {@code --speed 0}; at other speeds they follow the wall clock, and a
     * rerun may log again the records of batches cut differently.
     */
    private String idempotencyKey(String place, String body) {
        return "replay-" + sha256(folder + "\n" + place + "\n").substring(0, 16) + "-" + sha256(body);
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private int sendPaced(List<Timed> records, Map<String, String> evidence) throws IOException, InterruptedException {
        if (records.isEmpty()) {
            return 0;
        }
        Instant firstEvent = deliveredAt(records.getFirst());
        long wallStart = System.nanoTime();
        int skipped = 0;
        int next = 0;
        while (next < records.size()) {
            waitUntilDue(records.get(next), firstEvent, wallStart);
            int end = windowEnd(records, next, firstEvent, wallStart);
            for (List<Timed> batch : bySensor(records.subList(next, end))) {
                skipped += sendBatch(batch, evidence);
            }
            next = end;
        }
        return skipped;
    }

    /**
     * Where the window that starts at {@code from} ends: the records due now, at most a batch,
     * within {@link #WINDOW} of event time of the first. The sensors' streams interleave record by
     * record; sent in this order one request would carry a few records.
     */
    private int windowEnd(List<Timed> records, int from, Instant firstEvent, long wallStart) {
        Instant limit = deliveredAt(records.get(from)).plus(WINDOW);
        int end = from + 1;
        while (end < records.size()
                && end - from < batchSize
                && !deliveredAt(records.get(end)).isAfter(limit)
                && isDue(records.get(end), firstEvent, wallStart)) {
            end++;
        }
        return end;
    }

    /**
     * A window's records in one batch per sensor, each in event-time order; the sensors in the
     * order they first appear, detections after the rest, as they arrive after the records they
     * are about.
     */
    private static List<List<Timed>> bySensor(List<Timed> window) {
        Map<String, List<Timed>> batches = new LinkedHashMap<>();
        for (boolean detections : new boolean[] {false, true}) {
            for (Timed record : window) {
                if (isDetection(record) == detections) {
                    batches.computeIfAbsent(record.sensor(), s -> new ArrayList<>())
                            .add(record);
                }
            }
        }
        return List.copyOf(batches.values());
    }

    private int sendBatch(List<Timed> batch, Map<String, String> evidence) throws IOException, InterruptedException {
        StringBuilder lines = new StringBuilder();
        batch.forEach(r -> lines.append(r.node()).append('\n'));
        String body = lines.toString();
        String range = batch.getFirst().source() + "-" + batch.getLast().source();
        JsonNode answer = send("/api/v1/ingest/" + batch.getFirst().sensor(), body, idempotencyKey(range, body));
        noteEvidence(batch, answer, evidence);
        recordsAcknowledged += batch.size();
        JsonNode skipped = answer.has("skipped")
                ? answer.path("skipped")
                : answer.path("error").path("skipped");
        skipped.forEach(skip -> progress.println("replay: the server skipped "
                + sourceAt(batch, skip.path("index").asInt()) + ": "
                + skip.path("reason").asText()));
        return skipped.size();
    }

    /** The file and line of the record at a 1-based position of a batch; the position when there is none. */
    private static String sourceAt(List<Timed> batch, int index) {
        return index >= 1 && index <= batch.size()
                ? batch.get(index - 1).source().toString()
                : "record " + index + " of a batch from " + batch.getFirst().source();
    }

    private static void noteEvidence(List<Timed> batch, JsonNode answer, Map<String, String> evidence) {
        if (!answer.has("stream")) {
            return;
        }
        Set<Integer> skipped = new HashSet<>();
        answer.path("skipped").forEach(s -> skipped.add(s.path("index").asInt()));
        long seq = answer.path("first_seq").asLong();
        for (int i = 0; i < batch.size(); i++) {
            if (!skipped.contains(i + 1)) {
                evidence.put(
                        answer.path("stream").asText() + ":" + seq++,
                        batch.get(i).source().toString());
            }
        }
    }

    private void waitUntilDue(Timed record, Instant firstEvent, long wallStart) throws InterruptedException {
        long dueIn = dueNanos(record, firstEvent) - (System.nanoTime() - wallStart);
        if (dueIn > 0) {
            // Pacing by event time is the point of a replay: this wait is the product, not a race.
            Thread.sleep(Duration.ofNanos(dueIn));
        }
    }

    private boolean isDue(Timed record, Instant firstEvent, long wallStart) {
        return dueNanos(record, firstEvent) <= System.nanoTime() - wallStart;
    }

    private long dueNanos(Timed record, Instant firstEvent) {
        if (speed == 0) {
            return 0;
        }
        return (long) (Duration.between(firstEvent, deliveredAt(record)).toNanos() / speed);
    }

    /**
     * POSTs until the server takes it or refuses it for good; 400s are the server's per-record
     * verdict. A 429, 503 or 409 (the same key still being taken) is waited out and sent again.
     *
     * @throws IOException naming the server, the reason and how much it acknowledged, when it
     *     cannot be reached or stops answering
     */
    private JsonNode send(String path, String body, String key) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server.resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        for (int attempt = 1; attempt <= MAX_RETRIES; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IOException("cannot reach " + server + ": " + IoReasons.of(e) + acknowledged(), e);
            }
            int status = response.statusCode();
            if (status == 200 || status == 400) {
                if (status == 400) {
                    progress.println("replay: " + path + " refused: " + response.body());
                }
                return JSON.readTree(response.body());
            }
            if (status == 429 || status == 503 || status == 409) {
                long seconds = response.headers()
                        .firstValue("Retry-After")
                        .map(Long::parseLong)
                        .orElse(1L);
                Thread.sleep(Duration.ofSeconds(Math.max(1, seconds)));
                continue;
            }
            throw new IOException("POST " + path + " answered " + status + ": " + response.body() + acknowledged());
        }
        throw new IOException(
                "POST " + path + " still refused after " + MAX_RETRIES + " attempts (429)" + acknowledged());
    }

    /** How far the replay got, for a failure message: what to expect when it is run again. */
    private String acknowledged() {
        if (documentsAcknowledged == 0 && recordsAcknowledged == 0) {
            return "";
        }
        return "; the server acknowledged " + documentsAcknowledged + " documents and " + recordsAcknowledged
                + " of " + recordsToSend + " telemetry records before it failed; run the same replay again, with the"
                + " same --batch and --speed 0, to send the rest (each request carries an Idempotency-Key made from"
                + " its records, so nothing is logged twice; other batches make other keys)";
    }

    private List<Timed> timedRecords(Path folder, List<Path> telemetry) {
        List<Timed> records = new ArrayList<>();
        for (Path file : telemetry) {
            String name = folder.relativize(file).toString();
            List<SkippedRecord> skipped = TelemetryReader.readRecords(file, raw -> {
                Optional<String> sensor = TelemetryReader.formatOf(raw.node());
                if (sensor.isEmpty()) {
                    progress.println("replay: skipped " + name + ":" + raw.line() + ": " + unknownFormat(raw.node()));
                    return;
                }
                Instant time = eventTime(raw.node())
                        .orElse(
                                records.isEmpty()
                                        ? Instant.EPOCH
                                        : records.getLast().time());
                records.add(
                        new Timed(time, sensor.get(), raw.node(), new SourceRecord(name, raw.line()), records.size()));
            });
            skipped.forEach(
                    skip -> progress.println("replay: skipped " + name + ":" + skip.line() + ": " + skip.reason()));
        }
        // Detections reach a SIEM behind the records they are about; analyze holds them back the
        // same way, and the engine expects them after the process records they point to.
        records.sort(Comparator.comparing(Replayer::deliveredAt)
                .thenComparing(Replayer::isDetection)
                .thenComparingInt(Timed::order));
        return records;
    }

    private static Instant deliveredAt(Timed record) {
        return isDetection(record) ? record.time().plus(InputLoader.DETECTION_HOLD) : record.time();
    }

    private static boolean isDetection(Timed record) {
        return DETECTION_FORMATS.contains(record.sensor());
    }

    private static String unknownFormat(JsonNode record) {
        try {
            TelemetryReader.mapRecord(record, PROBE);
            return "no known format; record skipped";
        } catch (RecordException e) {
            return e.getMessage();
        }
    }

    private static Optional<Instant> eventTime(JsonNode record) {
        try {
            return TelemetryReader.mapRecord(record, PROBE).stream()
                    .map(RuntimeEvent::time)
                    .min(Comparator.naturalOrder());
        } catch (RecordException e) {
            return Optional.empty();
        }
    }

    private static Optional<DocumentParser.Recognised> recognise(Path file) {
        try {
            return DocumentParser.recognise(JSON.readTree(file.toFile()));
        } catch (IOException notOneDocument) {
            return Optional.empty();
        }
    }

    private static List<Path> files(Path folder) {
        List<Path> found = new ArrayList<>();
        for (Path part : AnalysisPipeline.layout(folder)) {
            try (Stream<Path> walk = Files.walk(part)) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted()
                        .forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + part, e);
            }
        }
        return found;
    }

    private record Timed(Instant time, String sensor, JsonNode node, SourceRecord source, int order) {}
}
