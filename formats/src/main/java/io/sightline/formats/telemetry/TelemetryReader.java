package io.sightline.formats.telemetry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.event.ProcessEvent;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SkippedRecord;
import io.sightline.event.SourceRecord;
import io.sightline.formats.JsonErrors;
import io.sightline.formats.RecordException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a runtime telemetry file (Tetragon, Falco, Kubernetes audit, GuardDuty, AUOMS auditd,
 * Sysmon for Linux, Tracee, raw auditd) into {@link RuntimeEvent}s, recognising the format of each record by its
 * content.
 *
 * <p>A file is either JSON Lines (one record per line, blank lines ignored) or a JSON document: one
 * pretty-printed record, an array of records, a wrapper object whose only array holds the records
 * (GuardDuty's {@code {"Findings":[...]}}, a Kubernetes {@code EventList}), or several such values
 * one after another. Line numbers are 1-based; in a document a record's line is the line where its
 * value starts. A file whose first line is a syslog line of a text format (AUOMS {@code
 * type=AUOMS_EXECVE audit(…)}, Sysmon for Linux {@code <Event>} XML) is read line by line too,
 * each line by the format that accepts it; so is a JSON Lines file in which such lines appear. A
 * raw auditd log ({@code type=SYSCALL msg=audit(…)}) is read line by line too, and its records are
 * grouped into audit events ({@link AuditdMapper}): there a record of the summary is one event,
 * and its line is the event's first record's line. A YAML file is refused whole with its reason.
 *
 * <p>Bad input costs only itself: a line that is not JSON, a record of no known format and a record
 * its format rejects each become a {@link SkippedRecord}, logged at warn with file, line and reason
 * (never the record), and reading goes on with the next record. Only an unreadable file throws.
 *
 * <p>A JSON Lines line laid out as Tetragon writes it is decoded from its tokens into events
 * without a tree ({@link TetragonMapper#readLine}); every other record is read as a Jackson tree
 * first, then mapped. TODO: the other JSON formats (Falco, Kubernetes audit, Tracee, GuardDuty)
 * still build a tree per record, which costs about twice the tokens alone; a streaming decoder
 * for Kubernetes audit, the next largest in a cluster's telemetry, would be next.
 *
 * <p>Stateless and thread safe; a JSON Lines file is streamed, a document is held in memory.
 */
public final class TelemetryReader {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryReader.class);

    /** For one line: {@code {"a":1} x} is a broken line, not a record. */
    private static final ObjectMapper LINE_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** For a document read value by value, where the next value is no trailing garbage. */
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A first line such as {@code tests:} or {@code name: value}: a YAML mapping, not a record. */
    private static final Pattern YAML_KEY = Pattern.compile("[A-Za-z_][\\w .-]*:(\\s.*)?");

    private static final String TETRAGON = "tetragon";
    private static final String K8S_AUDIT = "k8s-audit";

    private static final Instant CLOCK_EARLIEST = Instant.ofEpochSecond(Long.MIN_VALUE / 1_000_000_000L + 1);
    private static final Instant CLOCK_LATEST = Instant.ofEpochSecond(Long.MAX_VALUE / 1_000_000_000L - 1);

    private static final List<Format> FORMATS = List.of(
            new Format(TETRAGON, TetragonMapper::accepts, TetragonMapper::map),
            new Format("falco", FalcoMapper::accepts, FalcoMapper::map),
            new Format(K8S_AUDIT, K8sAuditMapper::accepts, K8sAuditMapper::map),
            new Format("guardduty", GuardDutyMapper::accepts, GuardDutyMapper::map),
            new Format("auoms", AuomsMapper::accepts, AuomsMapper::map),
            new Format("sysmon-linux", SysmonLinuxMapper::accepts, SysmonLinuxMapper::map),
            new Format("tracee", TraceeMapper::accepts, TraceeMapper::map));

    /** Formats whose records are lines of text, as a syslog file holds them. */
    private static final List<TextFormat> TEXT_FORMATS = List.of(
            new TextFormat("auoms", AuomsMapper::acceptsLine, AuomsMapper::mapLine),
            new TextFormat("sysmon-linux", SysmonLinuxMapper::acceptsLine, SysmonLinuxMapper::mapLine));

    private TelemetryReader() {}

    /**
     * Reads {@code path} and hands every event to {@code sink} in file order.
     *
     * @param file the name SourceRecords and skipped records carry, relative to the analysed folder
     *     ({@code telemetry/tetragon.jsonl})
     * @throws UncheckedIOException when the file cannot be read at all
     */
    public static ReadSummary read(Path path, String file, Consumer<RuntimeEvent> sink) {
        Run run = new Run(file, sink);
        try {
            readInto(path, run);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read telemetry file " + file + " (" + path + "): " + e.getMessage(), e);
        }
        return run.summary();
    }

    /**
     * Reads {@code path} and hands every raw record (a JSON value with the line it starts on) to
     * {@code sink} in file order, without mapping it: for tools that forward records as they are,
     * such as {@code sightline replay}. Lines that are not JSON are left out.
     *
     * @return the lines left out, each with its reason
     * @throws UncheckedIOException when the file cannot be read at all
     */
    public static List<SkippedRecord> readRecords(Path path, Consumer<RawRecord> sink) {
        Run run = new Run(path.toString(), event -> {}, sink);
        try {
            readInto(path, run);
            return List.copyOf(run.skipped);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read telemetry file " + path + ": " + e.getMessage(), e);
        }
    }

    /** The format of one record ({@code tetragon}, {@code falco}, {@code k8s-audit}, {@code guardduty}), if known. */
    public static Optional<String> formatOf(JsonNode record) {
        return FORMATS.stream()
                .filter(format -> format.accepts().test(record))
                .map(Format::name)
                .findFirst();
    }

    /**
     * Maps one record of a known format into events, as a file read would.
     *
     * @throws RecordException naming what is wrong when the record is of no known format or its
     *     format rejects it
     */
    public static List<RuntimeEvent> mapRecord(JsonNode record, SourceRecord source) throws RecordException {
        Optional<Format> format = FORMATS.stream()
                .filter(candidate -> candidate.accepts().test(record))
                .findFirst();
        if (format.isEmpty()) {
            throw new RecordException(unknownFormat(record));
        }
        try {
            return withinClock(format.get().name(), format.get().mapper().map(record, source));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new RecordException(format.get().name() + ": invalid value: " + e.getMessage());
        }
    }

    /**
     * The events of one line that holds a single Tetragon or Kubernetes audit record, read from
     * its bytes without a tree as a file's lines are; empty for any other line (another format,
     * several records, broken JSON), which the caller reads as a tree ({@link #splitRecords}),
     * which also words what is wrong with it.
     *
     * @throws RecordException when the line is such a record and its format rejects it, worded as
     *     {@link #mapRecord} words it
     */
    public static Optional<LineRecord> readLine(String line, SourceRecord source) throws RecordException {
        LineBytes utf8 = LineBytes.of(line.getBytes(StandardCharsets.UTF_8));
        Optional<TetragonRecord> tetragon = TetragonMapper.readLine(utf8);
        if (tetragon.isPresent()) {
            return Optional.of(lineRecord(TETRAGON, () -> TetragonMapper.map(tetragon.get(), source)));
        }
        Optional<JsonNode> audit = K8sAuditMapper.readLine(utf8);
        if (audit.isPresent()) {
            return Optional.of(lineRecord(K8S_AUDIT, () -> K8sAuditMapper.map(audit.get(), source)));
        }
        return Optional.empty();
    }

    /** What {@link #readLine} read: the record's format and its events. */
    public record LineRecord(String format, List<RuntimeEvent> events) {}

    private static LineRecord lineRecord(String format, LineMapping mapping) throws RecordException {
        try {
            return new LineRecord(format, withinClock(format, mapping.map()));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new RecordException(format + ": invalid value: " + e.getMessage());
        }
    }

    private interface LineMapping {
        List<RuntimeEvent> map() throws RecordException;
    }

    /**
     * The records of one JSON Lines text or JSON document held in memory, each with its 1-based
     * line (for JSON Lines) or position: a single record, an array, a wrapper object whose only
     * array holds the records ({@code EventList}, {@code {"Findings":[...]}}), or one record per
     * line. A line that is not JSON becomes a {@link RawRecord} whose node is missing and whose
     * {@code problem} says why.
     */
    public static List<RawRecord> splitRecords(String text) {
        List<RawRecord> records = new ArrayList<>();
        String body = stripByteOrderMark(text.strip());
        if (body.isEmpty()) {
            return records;
        }
        try {
            JsonNode whole = LINE_JSON.readTree(body);
            List<Located> located = recordsOnLine(1, whole);
            String alone = isAlone(located, whole) && body.indexOf('\n') < 0 ? body : "";
            for (int i = 0; i < located.size(); i++) {
                records.add(new RawRecord(i + 1, located.get(i).node(), "", alone));
            }
            return records;
        } catch (JsonProcessingException notOneValue) {
            // Not a regular expression: at 500 records a request, splitting with one was a third of
            // what the server's ingest handler spent.
            body.lines().forEach(line -> addLine(records, line));
            return records;
        }
    }

    /**
     * The records of one line of a JSON Lines body that is not its first, numbered from 1: a byte
     * order mark opening it is a character that is not JSON, as in a file.
     */
    public static List<RawRecord> splitLine(String line) {
        List<RawRecord> records = new ArrayList<>();
        addLine(records, line);
        return records;
    }

    private static void addLine(List<RawRecord> records, String line) {
        if (line.isBlank()) {
            return;
        }
        try {
            JsonNode value = LINE_JSON.readTree(line);
            List<Located> located = recordsOnLine(records.size() + 1, value);
            String alone = isAlone(located, value) ? line : "";
            for (Located record : located) {
                records.add(new RawRecord(records.size() + 1, record.node(), "", alone));
            }
        } catch (JsonProcessingException e) {
            records.add(new RawRecord(
                    records.size() + 1, MissingNode.getInstance(), "not valid JSON: " + JsonErrors.describe(e)));
        }
    }

    /** Whether the value read is the one record found in it, not an array or a list that holds it. */
    private static boolean isAlone(List<Located> located, JsonNode value) {
        return located.size() == 1 && located.getFirst().node() == value;
    }

    /**
     * One record as read, before mapping. {@code line} is its line in a file, or its 1-based
     * position in a request body; {@code problem} is empty unless the record could not be read;
     * {@code text} is the line that held the record alone, as it came, else empty.
     */
    public record RawRecord(int line, JsonNode node, String problem, String text) {

        public RawRecord {
            requireNonNull(node, "node is null");
            requireNonNull(problem, "problem is null");
            requireNonNull(text, "text is null");
        }

        public RawRecord(int line, JsonNode node, String problem) {
            this(line, node, problem, "");
        }

        /** The record's JSON: the line it came on when it was alone there, else written from the tree. */
        public String json() {
            return text.isEmpty() ? node.toString() : text;
        }
    }

    private static void readInto(Path path, Run run) throws IOException {
        Optional<String> firstLine = firstNonBlankLine(path);
        if (firstLine.isEmpty()) {
            return;
        }
        if (parsesAlone(firstLine.get())
                || textFormat(firstLine.get()).isPresent()
                || AuditdMapper.acceptsLine(firstLine.get())) {
            readLines(path, run);
            return;
        }
        Optional<String> yaml = yamlNotTelemetry(path, firstLine.get());
        if (yaml.isPresent()) {
            run.skip(1, yaml.get());
            return;
        }
        Document document = readDocument(path);
        if (document.failure().isPresent()
                && linesThatParseAlone(path) > document.records().size()) {
            // A JSON Lines file whose first line is cut short: the document parse stops there,
            // while the lines after it are fine on their own.
            readLines(path, run);
            return;
        }
        document.records().forEach(run::record);
        document.failure().ifPresent(failure -> run.skip(failure.line(), failure.reason()));
    }

    private static void readLines(Path path, Run run) throws IOException {
        if (run.rawSink.isEmpty() && ParallelLines.THREADS > 1) {
            try (InputStream in = Files.newInputStream(path)) {
                new ParallelLines(run).read(new ByteLines(in));
            }
            run.finish();
            return;
        }
        try (BufferedReader reader = open(path)) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                String text = number == 1 ? stripByteOrderMark(line) : line;
                if (!text.isBlank()) {
                    run.line(number, text);
                }
            }
        }
        run.finish();
    }

    /**
     * What one JSON Lines line becomes without the read's state, so that lines can be decoded on
     * several threads: records mapped, records skipped, or a line that is not JSON, which the
     * read's own thread handles in order (text formats, and auditd's records group across lines).
     */
    private sealed interface Decoded {}

    private record Mapped(String format, List<RuntimeEvent> events) implements Decoded {}

    private record Skip(int line, String reason) implements Decoded {}

    private record NotJson(int line, String text, String problem) implements Decoded {}

    private static List<Decoded> decodeLine(String file, int number, String text) {
        return decodeLine(file, number, LineBytes.of(text.getBytes(StandardCharsets.UTF_8)), text);
    }

    /**
     * A line as read from the file's bytes. Jackson refuses malformed UTF-8 in bytes, so such a
     * line is read again as characters (below), which hold U+FFFD for each bad byte, as every
     * other read does.
     */
    private static List<Decoded> decodeLine(String file, int number, LineBytes line) {
        return decodeLine(file, number, line, null);
    }

    private static List<Decoded> decodeLine(String file, int number, LineBytes utf8, String text) {
        // Tetragon's and the audit log's lines are read without a tree; anything else, and a line
        // that is not valid JSON, is read as a tree, which also words the JSON error.
        Optional<TetragonRecord> tetragon = TetragonMapper.readLine(utf8);
        if (tetragon.isPresent()) {
            return List.of(decode(TETRAGON, file, number, source -> TetragonMapper.map(tetragon.get(), source)));
        }
        Optional<JsonNode> audit = K8sAuditMapper.readLine(utf8);
        if (audit.isPresent()) {
            return List.of(decode(K8S_AUDIT, file, number, source -> K8sAuditMapper.map(audit.get(), source)));
        }
        JsonNode value = startsAsUtf8(utf8) ? treeOfBytes(utf8) : null;
        if (value == null) {
            // Broken JSON, worded as the characters' reader words it, malformed UTF-8, or a line
            // Jackson would take for another encoding.
            String line = text != null ? text : utf8.text();
            try {
                value = LINE_JSON.readTree(line);
            } catch (JsonProcessingException asCharacters) {
                return List.of(new NotJson(number, line, JsonErrors.describe(asCharacters)));
            }
        }
        List<Located> located = recordsOnLine(number, value);
        List<Decoded> decoded = new ArrayList<>(located.size());
        for (Located record : located) {
            decoded.add(decode(file, record));
        }
        return decoded;
    }

    /**
     * The line read from its bytes, which Jackson reads faster than characters (a tenth of the
     * Kubernetes audit lines' cost); null when they are not JSON or not UTF-8.
     */
    private static JsonNode treeOfBytes(LineBytes utf8) {
        try {
            return LINE_JSON.readTree(utf8.bytes(), utf8.from(), utf8.length());
        } catch (IOException notJson) {
            return null;
        }
    }

    /**
     * Whether the line opens as nothing Jackson's byte reader would take for a byte order mark or
     * for UTF-16 or UTF-32 (a zero byte among the first four): it looks for those afresh at the
     * start of each line it reads, where a file's lines are UTF-8 and a mark is no whitespace.
     */
    private static boolean startsAsUtf8(LineBytes utf8) {
        byte[] bytes = utf8.bytes();
        int from = utf8.from();
        int head = Math.min(4, utf8.length());
        for (int i = from; i < from + head; i++) {
            if (bytes[i] == 0 || bytes[i] == (byte) 0xFE || bytes[i] == (byte) 0xFF) {
                return false;
            }
        }
        return !(head >= 3
                && bytes[from] == (byte) 0xEF
                && bytes[from + 1] == (byte) 0xBB
                && bytes[from + 2] == (byte) 0xBF);
    }

    private static Decoded decode(String file, Located located) {
        Optional<Format> format = FORMATS.stream()
                .filter(candidate -> candidate.accepts().test(located.node()))
                .findFirst();
        if (format.isEmpty()) {
            return new Skip(located.line(), unknownFormat(located.node()));
        }
        return decode(
                format.get().name(),
                file,
                located.line(),
                source -> format.get().mapper().map(located.node(), source));
    }

    private static Decoded decode(String format, String file, int line, Mapping mapping) {
        try {
            return new Mapped(format, withinClock(format, mapping.map(new SourceRecord(file, line))));
        } catch (RecordException e) {
            return new Skip(line, e.getMessage() + "; record skipped");
        } catch (IllegalArgumentException | DateTimeException e) {
            return new Skip(line, format + ": invalid value: " + e.getMessage() + "; record skipped");
        }
    }

    /**
     * The events, when their times and their processes' start times fit the engine's clock, which
     * counts nanoseconds in a long: the years 1678 to 2262. A time outside them (a corrupt
     * timestamp, a sensor's placeholder such as 9999-12-31) would wrap around and land the record
     * centuries away.
     */
    private static List<RuntimeEvent> withinClock(String format, List<RuntimeEvent> events) throws RecordException {
        for (RuntimeEvent event : events) {
            requireClock(format, "time", event.time());
            if (event instanceof ProcessEvent process) {
                requireClock(format, "process start time", process.process().startTime());
                Optional<ProcessRef> parent = process.parent();
                if (parent.isPresent()) {
                    requireClock(format, "parent start time", parent.get().startTime());
                }
            }
        }
        return events;
    }

    private static void requireClock(String format, String field, Instant time) throws RecordException {
        if (time.isBefore(CLOCK_EARLIEST) || time.isAfter(CLOCK_LATEST)) {
            throw new RecordException(format + ": " + field + " " + time + " is outside the years "
                    + CLOCK_EARLIEST.toString().substring(0, 4) + " to "
                    + CLOCK_LATEST.toString().substring(0, 4)
                    + " that Sightline's clock holds");
        }
    }

    @FunctionalInterface
    private interface Mapping {
        List<RuntimeEvent> map(SourceRecord source) throws RecordException;
    }

    /**
     * Decodes one file's lines on all cores: the read's thread reads them in blocks of whole lines
     * ({@link ByteLines}), a shared pool decodes the blocks, and the read's thread takes the
     * results back in file order, so events, skipped records and their lines come out exactly as
     * a read on one thread gives them. At most {@link #IN_FLIGHT} blocks are pending, and a block
     * decoded is read into again, so memory stays bounded whatever the file.
     */
    private static final class ParallelLines {

        static final int THREADS = Runtime.getRuntime().availableProcessors();
        private static final int IN_FLIGHT = 2 * THREADS + 2;
        private static final ExecutorService DECODERS = Executors.newFixedThreadPool(
                THREADS,
                task -> Thread.ofPlatform().daemon().name("telemetry-decoder").unstarted(task));

        private final Run run;
        private final ArrayDeque<InFlight> pending = new ArrayDeque<>();
        private final ArrayDeque<byte[]> spares = new ArrayDeque<>();

        ParallelLines(Run run) {
            this.run = run;
        }

        void read(ByteLines lines) throws IOException {
            for (ByteLines.Block block = lines.next(spares.poll()); block != null; block = lines.next(spares.poll())) {
                submit(block);
            }
            while (!pending.isEmpty()) {
                applyOldest();
            }
        }

        private void submit(ByteLines.Block block) {
            if (pending.size() == IN_FLIGHT) {
                applyOldest();
            }
            String file = run.file;
            pending.addLast(new InFlight(block.bytes(), DECODERS.submit(() -> decode(file, block))));
        }

        /** The block's lines decoded, blank ones left out and a byte order mark on the first ignored. */
        private static List<List<Decoded>> decode(String file, ByteLines.Block block) {
            List<List<Decoded>> decoded = new ArrayList<>(block.count());
            byte[] bytes = block.bytes();
            for (int i = 0; i < block.count(); i++) {
                int number = block.firstNumber() + i;
                int from = block.starts()[i];
                int to = block.ends()[i];
                if (number == 1 && byteOrderMark(bytes, from, to)) {
                    from += 3;
                }
                if (!blank(bytes, from, to)) {
                    decoded.add(decodeLine(file, number, new LineBytes(bytes, from, to)));
                }
            }
            return decoded;
        }

        /** {@link String#isBlank} of the line's text, without decoding it unless it holds more than ASCII. */
        private static boolean blank(byte[] bytes, int from, int to) {
            boolean ascii = true;
            for (int i = from; i < to; i++) {
                byte b = bytes[i];
                if (b < 0) {
                    ascii = false;
                } else if (!Character.isWhitespace(b)) {
                    return false;
                }
            }
            return ascii || new String(bytes, from, to - from, StandardCharsets.UTF_8).isBlank();
        }

        private static boolean byteOrderMark(byte[] bytes, int from, int to) {
            return to - from >= 3
                    && bytes[from] == (byte) 0xEF
                    && bytes[from + 1] == (byte) 0xBB
                    && bytes[from + 2] == (byte) 0xBF;
        }

        private void applyOldest() {
            InFlight oldest = pending.pollFirst();
            List<List<Decoded>> chunk;
            try {
                chunk = oldest.decoded().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding " + run.file, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException("decoding " + run.file + " failed: " + e.getCause(), e.getCause());
            }
            chunk.forEach(line -> line.forEach(run::apply));
            spares.add(oldest.bytes());
        }

        /** A block handed to a decoder, whose bytes are read into again once it is decoded. */
        private record InFlight(byte[] bytes, Future<List<List<Decoded>>> decoded) {}
    }

    /**
     * The reason a YAML file is no telemetry, when it is one. elastic/go-libaudit keeps audit
     * records as test cases inside YAML block strings; read as a log they would lose the
     * separation between cases, so the file is refused as a whole.
     */
    private static Optional<String> yamlNotTelemetry(Path path, String firstLine) throws IOException {
        String start = firstLine.strip();
        if (!start.equals("---")
                && !start.startsWith("%YAML")
                && !YAML_KEY.matcher(start).matches()) {
            return Optional.empty();
        }
        int records = 0;
        int firstRecord = 0;
        try (BufferedReader reader = open(path)) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (AuditdMapper.isIndentedRecord(line)) {
                    records++;
                    firstRecord = firstRecord == 0 ? number : firstRecord;
                }
            }
        }
        String held = records == 0
                ? ""
                : "; its " + records + " audit records (the first on line " + firstRecord
                        + ") are indented inside YAML strings, as test cases are, not lines of an audit log";
        return Optional.of("a YAML document, not telemetry: expected JSON, JSON Lines or log lines"
                + " (raw auditd \"type=… msg=audit(…)\", AUOMS, Sysmon for Linux)" + held + "; file not read");
    }

    private static Document readDocument(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path);
                JsonParser parser = JSON.createParser(in)) {
            return new DocumentReader(parser).read();
        }
    }

    private static List<Located> unwrap(JsonNode root, int line, Map<String, List<Located>> arrays) {
        // A process_* field is Tetragon's event, never a wrapper's array, even when it is one.
        if (!root.isObject()
                || recognised(root)
                || arrays.size() != 1
                || arrays.keySet().iterator().next().startsWith("process_")) {
            return List.of(new Located(line, root));
        }
        // A list with one item that is not an object (a null, say) is still a list: that item is
        // refused on its own. An array of nothing but scalars is a field of a record.
        List<Located> elements = arrays.values().iterator().next();
        return elements.isEmpty()
                        || elements.stream().anyMatch(element -> element.node().isObject())
                ? elements
                : List.of(new Located(line, root));
    }

    /** Records inside one JSON line: the line itself, the elements of an array, or of a wrapper. */
    private static List<Located> recordsOnLine(int line, JsonNode value) {
        if (value.isArray()) {
            List<Located> elements = new ArrayList<>();
            value.forEach(element -> elements.add(new Located(line, element)));
            return elements;
        }
        Map<String, List<Located>> arrays = new LinkedHashMap<>();
        value.properties().forEach(field -> {
            if (field.getValue().isArray()) {
                arrays.put(field.getKey(), recordsOnLine(line, field.getValue()));
            }
        });
        return unwrap(value, line, arrays);
    }

    private static Optional<TextFormat> textFormat(String line) {
        return TEXT_FORMATS.stream()
                .filter(format -> format.accepts().test(line))
                .findFirst();
    }

    private static boolean recognised(JsonNode record) {
        return FORMATS.stream().anyMatch(format -> format.accepts().test(record));
    }

    private static Optional<String> firstNonBlankLine(Path path) throws IOException {
        try (BufferedReader reader = open(path)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String text = stripByteOrderMark(line);
                if (!text.isBlank()) {
                    return Optional.of(text);
                }
            }
            return Optional.empty();
        }
    }

    private static int linesThatParseAlone(Path path) throws IOException {
        try (BufferedReader reader = open(path)) {
            int count = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank() && parsesAlone(stripByteOrderMark(line))) {
                    count++;
                }
            }
            return count;
        }
    }

    /** Whether the line alone is a JSON object or array: the shape of a JSON Lines record. */
    private static boolean parsesAlone(String line) {
        try {
            return LINE_JSON.readTree(line).isContainerNode();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** Malformed UTF-8 in a broken line becomes U+FFFD instead of failing the whole file. */
    private static BufferedReader open(Path path) throws IOException {
        return new BufferedReader(
                new LineFeedReader(new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8)));
    }

    private static String stripByteOrderMark(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static String unknownFormat(JsonNode node) {
        String expected = "expected a Tetragon event, Falco alert, Kubernetes audit Event, GuardDuty finding,"
                + " AUOMS record, Sysmon for Linux event or Tracee event";
        if (!node.isObject()) {
            return "no known format: " + expected + ", got a JSON "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT) + "; record skipped";
        }
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        Optional<String> tetragonEvent =
                names.stream().filter(name -> name.startsWith("process_")).findFirst();
        if (tetragonEvent.isPresent()) {
            return "tetragon: expected " + tetragonEvent.get() + " to be an object, got a JSON "
                    + node.get(tetragonEvent.get()).getNodeType().name().toLowerCase(Locale.ROOT)
                    + "; record skipped";
        }
        String shown = names.size() > 8 ? names.subList(0, 8) + " and " + (names.size() - 8) + " more" : "" + names;
        return "no known format: " + expected + ", got an object with fields " + shown + "; record skipped";
    }

    @FunctionalInterface
    private interface Mapper {
        List<RuntimeEvent> map(JsonNode record, SourceRecord source) throws RecordException;
    }

    @FunctionalInterface
    private interface LineMapper {
        List<RuntimeEvent> map(String line, SourceRecord source) throws RecordException;
    }

    private record Format(String name, Predicate<JsonNode> accepts, Mapper mapper) {}

    private record TextFormat(String name, Predicate<String> accepts, LineMapper mapper) {}

    private record Located(int line, JsonNode node) {}

    private record Failure(int line, String reason) {}

    private record Document(List<Located> records, Optional<Failure> failure) {}

    /**
     * Reads the top-level values of a document with the streaming parser, so that every record
     * keeps the line its value starts on. When the JSON breaks, the records read so far are kept
     * and the failure points at the line where the unreadable value starts.
     */
    private static final class DocumentReader {

        private final JsonParser parser;
        private final List<Located> records = new ArrayList<>();
        private final Map<String, List<Located>> rootArrays = new LinkedHashMap<>();
        private int valueStart = 1;

        DocumentReader(JsonParser parser) {
            this.parser = parser;
        }

        Document read() throws IOException {
            try {
                for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                    valueStart = line();
                    records.addAll(readRootValue(token));
                }
                return new Document(records, Optional.empty());
            } catch (JsonProcessingException e) {
                salvageWrapperElements();
                String reason = "not valid JSON: " + JsonErrors.describe(e) + "; the rest of the document is not read";
                return new Document(records, Optional.of(new Failure(valueStart, reason)));
            }
        }

        private List<Located> readRootValue(JsonToken token) throws IOException {
            return switch (token) {
                case START_ARRAY -> {
                    readArrayElements(records);
                    yield List.of();
                }
                case START_OBJECT -> readRootObject(valueStart);
                default -> List.of(new Located(valueStart, parser.readValueAsTree()));
            };
        }

        /** Reads the elements of the array the parser stands on, each with the line it starts on. */
        private void readArrayElements(List<Located> into) throws IOException {
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                valueStart = line();
                into.add(new Located(valueStart, parser.readValueAsTree()));
            }
        }

        /**
         * Reads a top-level object field by field so that the elements of its arrays keep their
         * own lines: a wrapper such as {@code {"Findings":[...]}} is only known to be one once it
         * is whole.
         */
        private List<Located> readRootObject(int line) throws IOException {
            ObjectNode root = JSON.createObjectNode();
            rootArrays.clear();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (parser.nextToken() == JsonToken.START_ARRAY) {
                    List<Located> elements = new ArrayList<>();
                    rootArrays.put(name, elements);
                    readArrayElements(elements);
                    valueStart = line;
                    ArrayNode array = root.putArray(name);
                    elements.forEach(element -> array.add(element.node()));
                } else {
                    root.set(name, parser.readValueAsTree());
                }
            }
            List<Located> unwrapped = unwrap(root, line, new LinkedHashMap<>(rootArrays));
            rootArrays.clear();
            return unwrapped;
        }

        /** A wrapper cut short still holds whole records in its one array. */
        private void salvageWrapperElements() {
            if (rootArrays.size() == 1) {
                rootArrays.values().iterator().next().stream()
                        .filter(element -> element.node().isObject())
                        .forEach(records::add);
            }
        }

        private int line() {
            return Math.max(1, parser.currentTokenLocation().getLineNr());
        }
    }

    /** The state of one read: counts, skipped records and the formats seen so far. */
    private static final class Run {

        private final String file;
        private final Consumer<RuntimeEvent> sink;
        private final Optional<Consumer<RawRecord>> rawSink;
        private final List<SkippedRecord> skipped = new ArrayList<>();
        private final Set<String> formats = new LinkedHashSet<>();
        private final AuditdMapper.Events auditEvents;
        private int accepted;

        Run(String file, Consumer<RuntimeEvent> sink) {
            this.file = file;
            this.sink = sink;
            this.rawSink = Optional.empty();
            this.auditEvents = new AuditdMapper.Events(file);
        }

        Run(String file, Consumer<RuntimeEvent> sink, Consumer<RawRecord> rawSink) {
            this.file = file;
            this.sink = sink;
            this.rawSink = Optional.of(rawSink);
            this.auditEvents = new AuditdMapper.Events(file);
        }

        void line(int number, String text) {
            if (rawSink.isEmpty()) {
                decodeLine(file, number, text).forEach(this::apply);
                return;
            }
            JsonNode value;
            try {
                value = LINE_JSON.readTree(text);
            } catch (JsonProcessingException e) {
                notJson(number, text, JsonErrors.describe(e));
                return;
            }
            recordsOnLine(number, value).forEach(this::record);
        }

        /** Takes in what one record of a line became, in file order. */
        void apply(Decoded decoded) {
            switch (decoded) {
                case Mapped mapped -> {
                    accepted++;
                    formats.add(mapped.format());
                    mapped.events().forEach(sink);
                }
                case Skip skip -> skip(skip.line(), skip.reason());
                case NotJson line -> notJson(line.line(), line.text(), line.problem());
            }
        }

        private void notJson(int number, String text, String problem) {
            Optional<TextFormat> format = textFormat(text);
            if (format.isPresent()) {
                mapText(format.get(), number, text);
            } else if (AuditdMapper.acceptsLine(text)) {
                auditRecord(number, text);
            } else {
                skip(number, "not valid JSON: " + problem + "; line skipped");
            }
        }

        private void mapText(TextFormat format, int number, String text) {
            List<RuntimeEvent> events;
            try {
                events = format.mapper().map(text, new SourceRecord(file, number));
            } catch (RecordException e) {
                skip(number, e.getMessage() + "; record skipped");
                return;
            } catch (IllegalArgumentException | DateTimeException e) {
                skip(number, format.name() + ": invalid value: " + e.getMessage() + "; record skipped");
                return;
            }
            accepted++;
            formats.add(format.name());
            events.forEach(sink);
        }

        /** A raw audit record joins its event; the events it completes are mapped. */
        private void auditRecord(int number, String text) {
            AuditdMapper.Record record;
            try {
                record = AuditdMapper.Record.parse(text);
            } catch (RecordException e) {
                skip(number, e.getMessage() + "; record skipped");
                return;
            } catch (IllegalArgumentException | DateTimeException e) {
                skip(number, "auditd: invalid value: " + e.getMessage() + "; record skipped");
                return;
            }
            auditEvents.add(number, record).forEach(this::auditEvent);
        }

        private void auditEvent(AuditdMapper.Event event) {
            List<RuntimeEvent> events;
            try {
                events = AuditdMapper.map(event);
            } catch (RecordException e) {
                skip(event.line(), e.getMessage() + "; event skipped");
                return;
            } catch (IllegalArgumentException | DateTimeException e) {
                skip(event.line(), "auditd: invalid value: " + e.getMessage() + "; event skipped");
                return;
            }
            accepted++;
            formats.add("auditd");
            events.forEach(sink);
        }

        /** Maps the audit events still open at the end of the file. */
        void finish() {
            auditEvents.finish().forEach(this::auditEvent);
        }

        void record(Located located) {
            if (rawSink.isPresent()) {
                rawSink.get().accept(new RawRecord(located.line(), located.node(), ""));
                return;
            }
            apply(decode(file, located));
        }

        void skip(int line, String reason) {
            LOG.warn("Skipped telemetry record file={} line={} reason={}", file, line, reason);
            skipped.add(new SkippedRecord(file, line, reason));
        }

        ReadSummary summary() {
            String format = formats.isEmpty() ? "none" : String.join("+", formats);
            return new ReadSummary(file, format, accepted, skipped);
        }
    }
}
