package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.formats.DocumentParser;
import io.sightline.formats.InputLoader;
import io.sightline.formats.RecordException;
import io.sightline.formats.telemetry.TelemetryReader;
import io.sightline.server.ingest.Sensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A shipped scenario fed to a server over HTTP, remembering which stream record each original
 * file line became, so storyboards can be compared with {@code analyze} modulo evidence naming.
 */
final class Scenario {

    /**
     * Sensor by sensor, detections last. (analyze now merges files by event time with detections
     * held back; the replay test in cli sends in event time, so both orders are covered.)
     */
    static final List<Sensor> ANALYZE_ORDER =
            List.of(Sensor.K8S_AUDIT, Sensor.TETRAGON, Sensor.FALCO, Sensor.GUARDDUTY);

    final Path folder;
    final Map<SourceRecord, SourceRecord> originalOf = new HashMap<>();

    Scenario(Path folder) {
        this.folder = folder;
    }

    static Path examples() {
        return Path.of(System.getProperty("sightline.scenarios", "../examples"));
    }

    /** Uploads inventory and scans, each named by its path in the scenario as analyze names it. */
    void uploadDocuments(TestServer server) throws IOException, InterruptedException {
        for (String part : List.of("inventory", "scans")) {
            for (Path file : files(folder.resolve(part))) {
                String name = folder.relativize(file).toString();
                String endpoint = part.equals("scans") ? "scans" : "inventory";
                server.postJson("/api/v1/ingest/" + endpoint + "?name=" + name, Files.readString(file));
            }
        }
    }

    /** Every raw telemetry record of one sensor, in file order, with its original place. */
    List<Located> records(Sensor sensor) {
        List<Located> found = new ArrayList<>();
        for (Path file : files(folder.resolve("telemetry"))) {
            String name = folder.relativize(file).toString();
            TelemetryReader.readRecords(file, raw -> {
                Optional<String> format = TelemetryReader.formatOf(raw.node());
                if (format.isPresent() && format.get().equals(sensor.path())) {
                    found.add(new Located(new SourceRecord(name, raw.line()), raw.node()));
                }
            });
        }
        return found;
    }

    /**
     * Every telemetry record in the order sensors deliver them live: by event time, detections
     * (Falco, GuardDuty) {@link InputLoader#DETECTION_HOLD} late, as analyze and replay order them.
     */
    List<Delivered> inDeliveryOrder() {
        List<Delivered> all = new ArrayList<>();
        for (Sensor sensor : Sensor.values()) {
            boolean detection = sensor == Sensor.FALCO || sensor == Sensor.GUARDDUTY;
            for (Located record : records(sensor)) {
                Instant time = eventTime(record.node()).orElse(Instant.EPOCH);
                all.add(new Delivered(
                        sensor,
                        record,
                        detection ? time.plus(InputLoader.DETECTION_HOLD) : time,
                        detection,
                        all.size()));
            }
        }
        all.sort(Comparator.comparing(Delivered::at)
                .thenComparing(Delivered::detection)
                .thenComparingInt(Delivered::order));
        return all;
    }

    /** Posts records in delivery order, each run of one sensor's records in batches. */
    void postDelivered(TestServer server, List<Delivered> records, int batchSize)
            throws IOException, InterruptedException {
        int from = 0;
        while (from < records.size()) {
            Sensor sensor = records.get(from).sensor();
            int to = from;
            while (to < records.size()
                    && to - from < batchSize
                    && records.get(to).sensor() == sensor) {
                to++;
            }
            post(
                    server,
                    sensor,
                    records.subList(from, to).stream().map(Delivered::record).toList(),
                    batchSize);
            from = to;
        }
    }

    private static Optional<Instant> eventTime(JsonNode node) {
        try {
            return TelemetryReader.mapRecord(node, new SourceRecord("probe", 1)).stream()
                    .map(RuntimeEvent::time)
                    .min(Comparator.naturalOrder());
        } catch (RecordException e) {
            return Optional.empty();
        }
    }

    /** Posts records in batches and records where each accepted one went. */
    void post(TestServer server, Sensor sensor, List<Located> records, int batchSize)
            throws IOException, InterruptedException {
        for (int from = 0; from < records.size(); from += batchSize) {
            List<Located> batch = records.subList(from, Math.min(records.size(), from + batchSize));
            StringBuilder body = new StringBuilder();
            batch.forEach(r -> body.append(r.node()).append('\n'));
            JsonNode answer = server.postJson("/api/v1/ingest/" + sensor.path(), body.toString());
            List<Integer> skipped = new ArrayList<>();
            answer.path("skipped").forEach(s -> skipped.add(s.path("index").asInt()));
            long seq = answer.path("first_seq").asLong();
            for (int i = 0; i < batch.size(); i++) {
                if (!skipped.contains(i + 1)) {
                    originalOf.put(
                            new SourceRecord(sensor.stream(), (int) seq++),
                            batch.get(i).source());
                }
            }
            assertThat(seq - 1).isEqualTo(answer.path("last_seq").asLong());
        }
    }

    /** Evidence of a storyboard as the server gives it, named back to the scenario's files. */
    List<String> originalRecords(JsonNode storyboard) {
        List<String> records = new ArrayList<>();
        storyboard.path("records").forEach(r -> {
            SourceRecord served =
                    new SourceRecord(r.path("file").asText(), r.path("line").asInt());
            records.add(originalOf.getOrDefault(served, served).toString());
        });
        records.sort(null);
        return records;
    }

    static boolean isDocument(Path file) {
        try {
            return DocumentParser.recognise(TestServer.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)))
                    .isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Located(SourceRecord source, JsonNode node) {}

    record Delivered(Sensor sensor, Located record, Instant at, boolean detection, int order) {}
}
