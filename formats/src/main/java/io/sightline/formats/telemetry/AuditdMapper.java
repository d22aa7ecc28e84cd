package io.sightline.formats.telemetry;

import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.NetworkFlow.Direction;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the raw Linux audit log ({@code /var/log/audit/audit.log}) to events. The kernel writes one
 * audit event as several records that share the serial in {@code msg=audit(seconds.millis:serial)}:
 * {@code SYSCALL} with the process ({@code pid}, {@code ppid}, {@code exe}, {@code uid}), then
 * {@code EXECVE} (the arguments), {@code CWD}, {@code PATH} (one per file name), {@code SOCKADDR}
 * (the address given to connect or returned by accept), {@code PROCTITLE}, and {@code EOE}. {@link
 * Events} groups the records; an event's line is its first record's line.
 *
 * <p>Mapped on x86_64 and aarch64 ({@code arch=c000003e}, {@code c00000b7}): a successful execve or
 * execveat to a {@link ProcessExec}, keyed like AUOMS on host, pid and the time of the exec since
 * auditd gives no start time, with the parent by {@code ppid} ({@link ProcessRef#seenAlive}); a
 * connect that succeeded or is in progress ({@code exit=-115}) with an IPv4 or IPv6 {@code
 * SOCKADDR} to an outbound {@link NetworkFlow}, an accept to an inbound one; a successful open,
 * openat, openat2 or creat to a {@link FileAccess} of the file its {@code PATH} names, a write
 * when the flags open it for writing. The host is {@code node=} when the log has it (auditd's
 * {@code name_format}), else {@link SensorValues#UNNAMED_HOST}. Other events, failed calls and
 * user-space records ({@code USER_LOGIN}, {@code SERVICE_START}) are valid records with no event.
 *
 * <p>Values that auditd could not print safely (a blank, a quote, a control character) are
 * hex-encoded and unquoted ({@code a2=7B0A…}, {@code proctitle}, {@code exe}); quoted values are
 * literal. That is why the fields are read here with their quotes and not with {@link
 * AuomsMapper#fields}, which drops them: AUOMS quotes every value and encodes none.
 */
public final class AuditdMapper {

    /** Header: optional {@code node=}, the type, and the {@code audit(…)} stamp (colon optional). */
    private static final Pattern HEADER =
            Pattern.compile("^(?:node=(\\S+) )?type=(\\S+) msg=audit\\((\\d+)(?:\\.(\\d{1,9}))?:(\\d+)\\):?\\s*");

    /** A record line, including one whose stamp is broken ({@code type=UNKNOWN[1329] msg=?}). */
    private static final Pattern RECORD_LINE = Pattern.compile("^(?:node=\\S+ )?type=\\S+ msg=");

    /** {@code name=value}: a value in double quotes, in single quotes ({@code msg='…'}) or bare. */
    private static final Pattern FIELD = Pattern.compile("([A-Za-z_][\\w\\[\\]-]*)=(\"[^\"]*\"|'[^']*'|\\S*)");

    private static final Pattern HEX = Pattern.compile("(?:[0-9A-Fa-f]{2})+");

    /** How many later events may start before an event without EOE counts as complete. */
    static final int WINDOW = 32;

    private static final long IN_PROGRESS = -115;

    private AuditdMapper() {}

    /** A raw audit record, as auditd writes it to its log. */
    public static boolean acceptsLine(String line) {
        return RECORD_LINE.matcher(line).find();
    }

    /**
     * The audit records of a file that is no log: the YAML test cases of elastic/go-libaudit hold
     * them indented inside block strings.
     */
    static boolean isIndentedRecord(String line) {
        return !line.isEmpty() && Character.isWhitespace(line.charAt(0)) && acceptsLine(line.strip());
    }

    /** Maps one whole audit event. */
    static List<RuntimeEvent> map(Event event) throws RecordException {
        Optional<Record> syscall = event.first("SYSCALL");
        if (syscall.isEmpty()) {
            return List.of();
        }
        Record call = syscall.get();
        try {
            return switch (syscallName(call)) {
                case "execve", "execveat" -> succeeded(call) ? List.of(exec(event, call)) : List.of();
                case "connect" -> connected(call) ? flow(event, call, Direction.OUTBOUND) : List.of();
                case "accept", "accept4" -> succeeded(call) ? flow(event, call, Direction.INBOUND) : List.of();
                case "open", "openat", "openat2", "creat" ->
                    succeeded(call) ? fileAccess(event, call, syscallName(call)) : List.of();
                default -> List.of();
            };
        } catch (RecordException e) {
            throw new RecordException("auditd event " + event.serial() + " SYSCALL "
                    + call.raw("syscall").orElse("?") + ": " + e.getMessage());
        }
    }

    /**
     * The call's name: {@code SYSCALL=} of the enriched log format, else the number on the
     * architecture; other architectures are not mapped.
     */
    private static String syscallName(Record call) throws RecordException {
        Optional<String> enriched = call.raw("SYSCALL");
        if (enriched.isPresent()) {
            return enriched.get();
        }
        String arch = call.required("arch");
        int number = (int) call.number("syscall");
        return switch (arch) {
            case "c000003e" ->
                switch (number) {
                    case 2 -> "open";
                    case 42 -> "connect";
                    case 43 -> "accept";
                    case 59 -> "execve";
                    case 85 -> "creat";
                    case 257 -> "openat";
                    case 288 -> "accept4";
                    case 322 -> "execveat";
                    case 437 -> "openat2";
                    default -> "";
                };
            case "c00000b7" ->
                switch (number) {
                    case 56 -> "openat";
                    case 202 -> "accept";
                    case 203 -> "connect";
                    case 221 -> "execve";
                    case 242 -> "accept4";
                    case 281 -> "execveat";
                    case 437 -> "openat2";
                    default -> "";
                };
            default -> "";
        };
    }

    private static boolean succeeded(Record call) {
        return call.raw("success").filter("yes"::equals).isPresent();
    }

    private static boolean connected(Record call) throws RecordException {
        return succeeded(call) || call.number("exit") == IN_PROGRESS;
    }

    private static ProcessExec exec(Event event, Record call) throws RecordException {
        String host = event.host();
        Instant time = event.time();
        List<String> argv = event.first("EXECVE").map(AuditdMapper::arguments).orElseGet(() -> proctitle(event));
        ProcessRef process = new ProcessRef(
                host,
                call.number("pid"),
                time,
                call.text("exe").orElseThrow(() -> RecordException.missing("exe")),
                SyslogRecords.arguments(argv),
                Optional.empty(),
                Optional.empty(),
                uid(call));
        return new ProcessExec(source(event), time, process, Optional.of(parent(event, call)));
    }

    /** {@code argc} arguments {@code a0…}; a long one is split into {@code a1[0]}, {@code a1[1]}… */
    private static List<String> arguments(Record execve) {
        int argc = (int) execve.numberOrZero("argc");
        List<String> argv = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) {
            Optional<String> whole = execve.text("a" + i);
            if (whole.isPresent()) {
                argv.add(whole.get());
                continue;
            }
            StringBuilder joined = new StringBuilder();
            for (int part = 0; execve.raw("a" + i + "[" + part + "]").isPresent(); part++) {
                joined.append(execve.text("a" + i + "[" + part + "]").orElse(""));
            }
            argv.add(joined.toString());
        }
        return argv;
    }

    /** {@code proctitle} is the command line with NUL between the arguments (hex-encoded). */
    private static List<String> proctitle(Event event) {
        return event.first("PROCTITLE")
                .flatMap(record -> record.text("proctitle"))
                .map(title -> List.of(title.split("\0")))
                .orElse(List.of());
    }

    private static List<RuntimeEvent> flow(Event event, Record call, Direction direction) throws RecordException {
        Record sockaddr = event.first("SOCKADDR")
                .orElseThrow(() -> new RecordException("no SOCKADDR record with the address in the event"));
        Optional<Endpoint> address = sockaddr(sockaddr.required("saddr"));
        if (address.isEmpty()) {
            return List.of();
        }
        Endpoint local = SensorValues.UNKNOWN_END;
        return List.of(new NetworkFlow(
                source(event),
                event.time(),
                caller(event, call),
                Optional.of(parent(event, call)),
                direction,
                local,
                address.get()));
    }

    /**
     * {@code struct sockaddr} in hex: the family in host order (little-endian on x86_64 and
     * aarch64), then for {@code AF_INET} (2) the port and the address in network order, for {@code
     * AF_INET6} (10) the port, the flow label and the 16-byte address. Other families (Unix
     * sockets, netlink) are no network endpoint.
     */
    static Optional<Endpoint> sockaddr(String hex) throws RecordException {
        byte[] bytes = bytes(hex).orElseThrow(() -> RecordException.invalid("saddr", "hex", hex));
        if (bytes.length < 2) {
            throw RecordException.invalid("saddr", "a sockaddr of 2 bytes or more", hex);
        }
        int family = (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8;
        int addressAt;
        int addressLength;
        switch (family) {
            case 2 -> {
                addressAt = 4;
                addressLength = 4;
            }
            case 10 -> {
                addressAt = 8;
                addressLength = 16;
            }
            default -> {
                return Optional.empty();
            }
        }
        if (bytes.length < addressAt + addressLength) {
            throw RecordException.invalid("saddr", "a whole AF_INET or AF_INET6 address", hex);
        }
        int port = (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
        byte[] address = new byte[addressLength];
        System.arraycopy(bytes, addressAt, address, 0, addressLength);
        try {
            return Optional.of(new Endpoint(InetAddress.getByAddress(address).getHostAddress(), port));
        } catch (UnknownHostException impossible) {
            throw RecordException.invalid("saddr", "an IPv4 or IPv6 address", hex);
        }
    }

    /**
     * The file opened: the last {@code PATH} that is not the parent directory of a created file,
     * made absolute with {@code CWD} when relative. {@code open} and {@code creat} take the flags
     * in {@code a1}, {@code openat} in {@code a2}; {@code creat} always writes.
     */
    private static List<RuntimeEvent> fileAccess(Event event, Record call, String name) throws RecordException {
        Optional<Record> path = Optional.empty();
        for (Record record : event.records()) {
            if (record.type().equals("PATH")
                    && !record.raw("nametype").filter("PARENT"::equals).isPresent()
                    && record.text("name").isPresent()) {
                path = Optional.of(record);
            }
        }
        if (path.isEmpty()) {
            throw new RecordException("no PATH record with the file name in the event");
        }
        String file = path.get().text("name").orElseThrow();
        if (!file.startsWith("/")) {
            Optional<String> cwd = event.first("CWD").flatMap(record -> record.text("cwd"));
            if (cwd.isPresent()) {
                file = cwd.get() + (cwd.get().endsWith("/") ? "" : "/") + file;
            }
        }
        boolean write = name.equals("creat") || (hexNumber(call, name.equals("open") ? "a1" : "a2") & 0x3) != 0;
        return List.of(new FileAccess(
                source(event),
                event.time(),
                caller(event, call),
                Optional.of(parent(event, call)),
                file,
                write ? FileAccess.Mode.WRITE : FileAccess.Mode.READ));
    }

    /** The calling process, known by pid only: its exec is likely older than the log. */
    private static ProcessRef caller(Event event, Record call) throws RecordException {
        List<String> argv = proctitle(event);
        String arguments = argv.size() > 1 ? SyslogRecords.arguments(argv) : "";
        return ProcessRef.seenAlive(
                event.host(), call.number("pid"), event.time(), call.text("exe").orElse(""), arguments, uid(call));
    }

    private static ProcessRef parent(Event event, Record call) throws RecordException {
        return ProcessRef.seenAlive(event.host(), call.number("ppid"), event.time(), "", "", OptionalLong.empty());
    }

    private static OptionalLong uid(Record call) throws RecordException {
        return call.raw("uid").isPresent() ? OptionalLong.of(call.number("uid")) : OptionalLong.empty();
    }

    private static long hexNumber(Record call, String field) throws RecordException {
        String value = call.required(field);
        try {
            return Long.parseUnsignedLong(value, 16);
        } catch (NumberFormatException e) {
            throw RecordException.invalid(field, "a hex number", value);
        }
    }

    private static SourceRecord source(Event event) {
        return new SourceRecord(event.file(), event.line());
    }

    private static Optional<byte[]> bytes(String hex) {
        if (!HEX.matcher(hex).matches()) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(hex.length() / 2);
        for (int i = 0; i < hex.length(); i += 2) {
            out.write(Integer.parseInt(hex, i, i + 2, 16));
        }
        return Optional.of(out.toByteArray());
    }

    /** One record: its type, its stamp and its fields with their quotes. */
    record Record(String type, Optional<String> node, Instant time, String serial, Map<String, String> fields) {

        /**
         * Parses a record line.
         *
         * @throws RecordException when the line has no {@code msg=audit(seconds.millis:serial)}
         */
        static Record parse(String line) throws RecordException {
            Matcher header = HEADER.matcher(line);
            if (!header.find()) {
                int type = line.indexOf("type=");
                String shown = type >= 0 ? line.substring(type, Math.min(line.length(), type + 60)) : line;
                throw new RecordException(
                        "auditd: no msg=audit(seconds.millis:serial) stamp in \"" + shown + "\"; it names no event");
            }
            Instant time = Instant.ofEpochSecond(Long.parseLong(header.group(3)), AuomsMapper.nanos(header.group(4)));
            Map<String, String> fields = new HashMap<>();
            Matcher field = FIELD.matcher(line);
            field.region(header.end(), line.length());
            while (field.find()) {
                fields.putIfAbsent(field.group(1), field.group(2));
            }
            String serial =
                    header.group(3) + "." + Optional.ofNullable(header.group(4)).orElse("0") + ":" + header.group(5);
            return new Record(header.group(2), Optional.ofNullable(header.group(1)), time, serial, fields);
        }

        Optional<String> raw(String name) {
            return Optional.ofNullable(fields.get(name)).filter(value -> !value.isEmpty());
        }

        /** A string value: literal when quoted, decoded when hex, else as written ({@code (null)}). */
        Optional<String> text(String name) {
            return raw(name).map(value -> {
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    return value.substring(1, value.length() - 1);
                }
                return bytes(value)
                        .map(decoded -> new String(decoded, StandardCharsets.UTF_8))
                        .orElse(value);
            });
        }

        String required(String name) throws RecordException {
            return raw(name).orElseThrow(() -> RecordException.missing(name));
        }

        long number(String name) throws RecordException {
            String value = required(name);
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw RecordException.invalid(name, "a number", value);
            }
        }

        long numberOrZero(String name) {
            try {
                return raw(name).isPresent() ? number(name) : 0;
            } catch (RecordException e) {
                return 0;
            }
        }
    }

    /** The records of one audit event, in file order. */
    record Event(String file, int line, String serial, List<Record> records) {

        Event {
            records = List.copyOf(records);
        }

        Optional<Record> first(String type) {
            return records.stream().filter(record -> record.type().equals(type)).findFirst();
        }

        String host() {
            return records.getFirst().node().orElse(SensorValues.UNNAMED_HOST);
        }

        Instant time() {
            return records.getFirst().time();
        }
    }

    /**
     * Groups record lines into events. The kernel writes an event's records one after another and
     * ends a multi-record event with {@code EOE}, but user-space records may come in between and
     * single-record events have no {@code EOE}. An event is complete at its {@code EOE}, or once
     * {@link #WINDOW} later events have started, or at the end of the file. Events come out in the
     * order they started. Memory: at most {@link #WINDOW} open events.
     */
    static final class Events {

        private final String file;
        private final Map<String, Open> open = new LinkedHashMap<>();
        private long started;

        Events(String file) {
            this.file = file;
        }

        /** Adds a record and returns the events it completed, oldest first. */
        List<Event> add(int line, Record record) {
            String key = record.node().orElse("") + "/" + record.serial();
            Open event = open.get(key);
            if (event == null) {
                event = new Open(line, record.serial(), started++);
                open.put(key, event);
            }
            event.records.add(record);
            if (record.type().equals("EOE")) {
                event.complete = true;
            }
            return drain(false);
        }

        /** The events still open at the end of the file. */
        List<Event> finish() {
            return drain(true);
        }

        private List<Event> drain(boolean all) {
            List<Event> done = new ArrayList<>();
            Iterator<Open> entries = open.values().iterator();
            while (entries.hasNext()) {
                Open next = entries.next();
                if (!all && !next.complete && started - next.ordinal <= WINDOW) {
                    break;
                }
                entries.remove();
                done.add(new Event(file, next.line, next.serial, next.records));
            }
            return done;
        }

        private static final class Open {
            final int line;
            final String serial;
            final long ordinal;
            final List<Record> records = new ArrayList<>();
            boolean complete;

            Open(int line, String serial, long ordinal) {
                this.line = line;
                this.serial = serial;
                this.ordinal = ordinal;
            }
        }
    }
}
