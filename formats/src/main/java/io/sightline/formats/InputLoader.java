package io.sightline.formats;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.asset.Inventory;
import io.sightline.event.Detection;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.telemetry.ReadSummary;
import io.sightline.formats.vex.VexReader;
import io.sightline.vex.VexStatement;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an analysis input: inventory files, scanner reports and sensor telemetry, each file's
 * format detected by its content. Inventory and reports are read first, whole; telemetry is then
 * streamed to the sink, third-party detections last so that they find the process nodes the
 * process sensors built.
 */
public final class InputLoader {

    /**
     * How far behind the other telemetry third-party detections (Falco, GuardDuty) arrive, as a
     * SIEM sees them; {@code sightline replay} delivers them with the same delay.
     */
    public static final Duration DETECTION_HOLD = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(InputLoader.class);
    /** Top-level fields that mark a scanner report or an inventory document, never telemetry. */
    private static final Set<String> DOCUMENT_FIELDS = Set.of(
            "SchemaVersion",
            "ArtifactName",
            "Results",
            "matches",
            "descriptor",
            "packageManager",
            "vulnerabilities",
            "Reservations",
            "items",
            "apiVersion",
            "cluster",
            "clusters");

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path base;
    private final Inventory inventory = new Inventory();
    private final List<ScanReport> reports = new ArrayList<>();
    private final List<VexStatement> vex = new ArrayList<>();
    private final List<FileSummary> files = new ArrayList<>();
    private final List<SkippedRecord> skipped = new ArrayList<>();
    private final List<Path> telemetry = new ArrayList<>();
    private boolean telemetryRead;

    /** @param base the folder that file names in evidence are relative to */
    public InputLoader(Path base) {
        this.base = requireNonNull(base, "base is null").toAbsolutePath().normalize();
    }

    /** Reads every regular file under the given paths (files or folders), sorted by path. */
    public void addDocuments(List<Path> paths) {
        for (Path path : expand(paths)) {
            addDocument(path);
        }
        inventory.linkImages();
    }

    /**
     * Streams the telemetry found so far into the sink: every file at once, merged in event-time
     * order as the sensors would have delivered them together. Third-party detections are held
     * back {@link #DETECTION_HOLD} behind the stream, as a SIEM would see them arrive, so that
     * they find the process nodes the process sensors built.
     */
    public void streamTelemetry(Consumer<RuntimeEvent> sink) {
        DetectionHold hold = new DetectionHold(sink);
        readTelemetry(hold);
        hold.flush();
    }

    /**
     * The same telemetry, read whole and sorted by event time first, for files far out of time
     * order (two nodes' logs concatenated, say), which the stream would stitch as they come. Holds
     * every event in memory. The files' summaries and skipped records are noted once, by
     * whichever read came first.
     *
     * <p>A record dated more than {@code outside} before the earliest or after the latest of the
     * bulk of the records (the 1st to the 99th percentile) is kept where it came, behind the record
     * before it: a corrupt or jumped clock would otherwise sort it years away from the records it
     * belongs with, and the engine judges such times on its own.
     */
    public void streamTelemetrySorted(Duration outside, Consumer<RuntimeEvent> sink) {
        List<RuntimeEvent> events = new ArrayList<>();
        readTelemetry(events::add);
        long[] keys = sortKeys(events, outside);
        Integer[] order = new Integer[events.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> keys[i]));
        DetectionHold hold = new DetectionHold(sink);
        for (int i : order) {
            hold.accept(events.get(i));
        }
        hold.flush();
    }

    /**
     * Each event's time in nanoseconds (the engine's clock holds them in a long), or the key of the
     * event before it when its time is far outside the bulk.
     */
    private static long[] sortKeys(List<RuntimeEvent> events, Duration outside) {
        long[] times = new long[events.size()];
        for (int i = 0; i < times.length; i++) {
            Instant time = events.get(i).time();
            times[i] = time.getEpochSecond() * 1_000_000_000L + time.getNano();
        }
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        int tail = sorted.length / 100;
        long earliest = sorted.length == 0 ? 0 : sorted[tail] - outside.toNanos();
        long latest = sorted.length == 0 ? 0 : sorted[sorted.length - 1 - tail] + outside.toNanos();
        long[] keys = new long[times.length];
        for (int i = 0; i < times.length; i++) {
            boolean inBulk = times[i] >= earliest && times[i] <= latest;
            keys[i] = inBulk ? times[i] : i == 0 ? sorted[tail] : keys[i - 1];
        }
        return keys;
    }

    private void readTelemetry(Consumer<RuntimeEvent> sink) {
        List<TimeMerge.Source> sources = telemetry.stream()
                .map(path -> new TimeMerge.Source(path, relative(path)))
                .toList();
        List<ReadSummary> summaries = TimeMerge.replay(sources, sink);
        if (telemetryRead) {
            return;
        }
        telemetryRead = true;
        for (ReadSummary summary : summaries) {
            files.add(new FileSummary(
                    summary.file(),
                    summary.format(),
                    summary.accepted(),
                    summary.skipped().size()));
            skipped.addAll(summary.skipped());
        }
    }

    /** Passes events on, third-party detections {@link #DETECTION_HOLD} behind the others. */
    private static final class DetectionHold implements Consumer<RuntimeEvent> {

        private final Consumer<RuntimeEvent> sink;
        private final PriorityQueue<Detection> held = new PriorityQueue<>(Comparator.comparing(Detection::time));

        DetectionHold(Consumer<RuntimeEvent> sink) {
            this.sink = sink;
        }

        @Override
        public void accept(RuntimeEvent event) {
            if (event instanceof Detection detection) {
                held.add(detection);
                return;
            }
            Instant released = event.time().minus(DETECTION_HOLD);
            while (!held.isEmpty() && held.peek().time().isBefore(released)) {
                sink.accept(held.poll());
            }
            sink.accept(event);
        }

        /** Passes on the detections still held, at the end of the telemetry. */
        void flush() {
            while (!held.isEmpty()) {
                sink.accept(held.poll());
            }
        }
    }

    /** Whether any file was taken for telemetry. */
    public boolean hasTelemetry() {
        return !telemetry.isEmpty();
    }

    public Inventory inventory() {
        return inventory;
    }

    public List<ScanReport> reports() {
        return List.copyOf(reports);
    }

    /** Every VEX statement read, in file order; apply them with {@link io.sightline.vex.VexFilter}. */
    public List<VexStatement> vexStatements() {
        return List.copyOf(vex);
    }

    public List<FileSummary> files() {
        return List.copyOf(files);
    }

    public List<SkippedRecord> skipped() {
        return List.copyOf(skipped);
    }

    private void addDocument(Path path) {
        String name = relative(path);
        try {
            readDocument(path, name);
        } catch (UncheckedIOException e) {
            reject(name, "cannot read the file: " + IoReasons.of(e.getCause()) + "; file skipped");
        }
    }

    private void readDocument(Path path, String name) {
        if (isBinary(path)) {
            reject(name, "not a text file (binary content); file skipped");
            return;
        }
        // after the read above: files of /proc and the like show size 0 and may fail to read
        if (isEmpty(path)) {
            rejectEmpty(name);
            return;
        }
        if (looksLikeJsonLines(path)) {
            telemetry.add(path);
            return;
        }
        JsonNode root;
        Optional<SkippedRecord> encoding;
        try {
            Utf8Text text = Utf8Text.decode(Files.readAllBytes(path));
            encoding = text.firstInvalid()
                    .map(invalid -> new SkippedRecord(
                            name,
                            invalid.line(),
                            "not valid UTF-8: byte 0x%02X at byte offset %d (line %d)%s replaced with U+FFFD; file read"
                                    .formatted(
                                            invalid.value(),
                                            invalid.offset(),
                                            invalid.line(),
                                            text.invalidCount() > 1
                                                    ? " and " + (text.invalidCount() - 1) + " more invalid sequences"
                                                    : "")));
            root = MAPPER.readTree(text.text());
        } catch (JsonProcessingException e) {
            if (isBrokenDocument(path)) {
                reject(
                        name,
                        "not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                                + e.getLocation().getColumnNr() + " (" + JsonErrors.describe(e)
                                + "): the file is cut short or corrupt; file skipped");
            } else {
                telemetry.add(path);
            }
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        if (root == null || root.isMissingNode()) {
            rejectEmpty(name);
            return;
        }
        List<SkippedRecord> problems = new ArrayList<>();
        encoding.ifPresent(problems::add);
        int reportsBefore = reports.size();
        try {
            String format = parseDocument(root, name, problems);
            if (format.isEmpty()) {
                Optional<String> refused = unknownDocument(root, name);
                if (refused.isPresent()) {
                    reject(name, refused.get());
                } else {
                    telemetry.add(path);
                }
                return;
            }
            files.add(new FileSummary(name, format, Math.max(1, reports.size() - reportsBefore), problems.size()));
        } catch (RecordException e) {
            problems.add(new SkippedRecord(name, 0, e.getMessage() + "; file skipped"));
            files.add(new FileSummary(name, "rejected", 0, 1));
        }
        problems.forEach(p -> log.warn("file={} line={} reason={}", p.file(), p.line(), p.reason()));
        skipped.addAll(problems);
    }

    /**
     * Why a whole JSON document of no document format is not handed to the telemetry reader, or
     * empty when it may be telemetry. A file under scans/ or inventory/ is of that kind and is
     * refused with that kind's formats; a JSON value that holds no object is refused once, not
     * once per element.
     */
    private static Optional<String> unknownDocument(JsonNode root, String name) {
        List<String> folders =
                List.of(name.split("/")).reversed().stream().skip(1).toList();
        String got = describe(root);
        if (folders.contains("scans")) {
            return Optional.of("no known format: expected a scanner report ("
                    + String.join(", ", DocumentParser.formats(DocumentParser.Kind.SCAN)) + "), got " + got
                    + "; file skipped");
        }
        if (folders.contains("inventory")) {
            return Optional.of("no known format: expected an inventory document ("
                    + String.join(", ", DocumentParser.formats(DocumentParser.Kind.INVENTORY)) + "), got " + got
                    + "; file skipped");
        }
        boolean holdsAnObject = root.isObject();
        for (JsonNode element : root.isArray() ? root : MAPPER.createArrayNode()) {
            holdsAnObject |= element.isObject();
        }
        if (!holdsAnObject) {
            return Optional.of("no known format: expected a scanner report, an inventory document or telemetry"
                    + " records (JSON objects), got " + got + "; file skipped");
        }
        return Optional.empty();
    }

    private static String describe(JsonNode root) {
        if (root.isObject()) {
            List<String> names = new ArrayList<>();
            root.fieldNames().forEachRemaining(names::add);
            String shown = names.size() > 8 ? names.subList(0, 8) + " and " + (names.size() - 8) + " more" : "" + names;
            return "an object with fields " + shown;
        }
        if (root.isArray()) {
            return "a JSON array of " + root.size() + " values";
        }
        return "a JSON " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private void reject(String name, String reason) {
        log.warn("file={} reason={}", name, reason);
        skipped.add(new SkippedRecord(name, 0, reason));
        files.add(new FileSummary(name, "rejected", 0, 1));
    }

    /** An empty or blank file is no document and no telemetry: it is listed as skipped. */
    private void rejectEmpty(String name) {
        String reason = "empty file; file skipped";
        log.warn("file={} reason={}", name, reason);
        skipped.add(new SkippedRecord(name, 0, reason));
        files.add(new FileSummary(name, "empty", 0, 1));
    }

    private static boolean isEmpty(Path path) {
        try {
            return Files.size(path) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /**
     * NUL bytes, which no JSON text has, on the first line or on three or more lines of the first
     * 8 KiB: a compressed file, an archive or an executable has them in its header, UTF-16 text
     * on every line. A line or two further on that the disk corrupted with NULs cost only
     * themselves, read line by line.
     */
    private static boolean isBinary(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(8192);
            int line = 1;
            int linesWithNul = 0;
            int lastLineWithNul = 0;
            for (byte b : head) {
                if (b == '\n') {
                    line++;
                } else if (b == 0 && line != lastLineWithNul) {
                    if (line == 1) {
                        return true;
                    }
                    lastLineWithNul = line;
                    linesWithNul++;
                }
            }
            return linesWithNul >= 3;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /**
     * A document that breaks before its end but opens like a scanner report or an inventory list
     * (not an audit EventList): its records are not telemetry, so it is reported whole instead of
     * line by line.
     */
    private static boolean isBrokenDocument(Path path) {
        Set<String> fields = new HashSet<>();
        try (InputStream in = Files.newInputStream(path);
                JsonParser parser = MAPPER.getFactory().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                fields.add(field);
                parser.nextToken();
                if (field.equals("kind") && parser.getValueAsString("").startsWith("Event")) {
                    return false;
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            // the break itself: the fields read so far decide
        }
        return fields.stream().anyMatch(DOCUMENT_FIELDS::contains);
    }
    /** The format name it was parsed as, or empty when it is not a document format. */
    private String parseDocument(JsonNode root, String name, List<SkippedRecord> problems) throws RecordException {
        Optional<String> vexFormat = VexReader.detect(root);
        if (vexFormat.isPresent()) {
            vex.addAll(VexReader.read(root, name, problems));
            return vexFormat.get();
        }
        return DocumentParser.parse(root, name, inventory, reports::add, problems)
                .orElse("");
    }

    /** JSON Lines: the first line is a whole JSON object by itself and more lines follow. */
    private static boolean looksLikeJsonLines(Path path) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            while (first != null && first.isBlank()) {
                first = reader.readLine();
            }
            if (first == null || !first.trim().startsWith("{")) {
                return first == null && path.getFileName().toString().endsWith(".jsonl");
            }
            try {
                MAPPER.readTree(first);
                return reader.readLine() != null
                        || path.getFileName().toString().endsWith(".jsonl");
            } catch (JsonProcessingException e) {
                return !first.trim().equals("{")
                        && !first.trim().endsWith(",")
                        && !first.trim().endsWith("[");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private List<Path> expand(List<Path> paths) {
        Set<Path> found = new LinkedHashSet<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                List<Path> inFolder = new ArrayList<>();
                walk(path, inFolder);
                inFolder.stream().sorted().forEach(found::add);
            } else if (Files.isRegularFile(path)) {
                found.add(path.toAbsolutePath().normalize());
            } else {
                throw new IllegalArgumentException("no such file or folder: " + path);
            }
        }
        return List.copyOf(found);
    }

    /**
     * Collects the regular, non-hidden files under {@code folder}. A folder or file that cannot be
     * listed or inspected is reported as skipped and the walk goes on with the rest.
     */
    private void walk(Path folder, List<Path> into) {
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (!file.getFileName().toString().startsWith(".") && Files.isRegularFile(file)) {
                        into.add(file.toAbsolutePath().normalize());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    boolean isFolder = Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS);
                    String what = isFolder ? "folder" : "file";
                    reject(
                            relative(file),
                            "cannot read the " + what + ": " + IoReasons.of(e) + "; " + what + " skipped");
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            reject(relative(folder), "cannot read the folder: " + IoReasons.of(e) + "; folder skipped");
        }
    }

    private String relative(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
    }

    /** What was read from one file. */
    public record FileSummary(String file, String format, int records, int skipped) {}
}
