package io.sightline.formats.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.ContainerContext;
import io.sightline.event.FileAccess;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps one record of AUOMS, the auditd plugin of the Azure Monitor agent
 * (microsoft/OMS-Auditd-Plugin), to events. A record is the text {@code type=AUOMS_EXECVE
 * audit(1652292621.990:84143): ppid=1340 pid=17790 … cmdline="…"}, either as a syslog line or
 * inside the JSON a log workspace exports ({@code SyslogMessage}).
 *
 * <p>{@code AUOMS_EXECVE} with {@code success=yes} is a {@link ProcessExec}. auditd reports no
 * process start time, so a process is identified by host, pid and the time of its exec (the
 * record's {@code audit(…)} time): a reused pid execs at another time and never joins the older
 * process. The parent is given by {@code ppid} only, so it is a {@link ProcessRef#seenAlive} that
 * the engine resolves to the newest process of that pid started by the time of the exec. {@code
 * cmdline} writes each argument as bash would read it (AUOMS's {@code bash_escape_string}).
 *
 * <p>{@code success=no} is a failed execve: the PATH search of a shell tries {@code
 * /usr/local/sbin/bash} and others before {@code /bin/bash}. It maps to a read of the path tried,
 * by the caller, which still runs the image it had ({@code exe}, {@code proctitle}). When the
 * caller's {@code comm} is not its executable's name, the caller is a thread renamed by a
 * multi-threaded program (Tomcat's {@code http-nio-8080-e}) that forked and has not exec'd yet:
 * its image is its parent's, and the parent is described with it. That is how the java process
 * behind a spawned shell gets its name and arguments, since its own exec is older than the log.
 *
 * <p>Other AUOMS record types are valid records with no event (the OTRF Log4Shell log holds only
 * {@code AUOMS_EXECVE}).
 */
public final class AuomsMapper {

    private static final Pattern HEADER = Pattern.compile("type=(\\w+) audit\\((\\d+)(?:\\.(\\d{1,9}))?:\\d+\\):\\s*");
    /** A field name where a value may end: {@code " name="}. */
    private static final Pattern NEXT_FIELD = Pattern.compile(" [A-Za-z_][A-Za-z0-9_]*=");

    private AuomsMapper() {}

    public static boolean accepts(JsonNode record) {
        return SyslogRecords.message(record).filter(AuomsMapper::acceptsLine).isPresent();
    }

    /** A syslog line that carries an AUOMS record. */
    public static boolean acceptsLine(String line) {
        int type = line.indexOf("type=AUOMS_");
        return type >= 0 && line.indexOf(" audit(", type) > 0;
    }

    public static List<RuntimeEvent> map(JsonNode record, SourceRecord source) throws RecordException {
        String message = SyslogRecords.message(record).orElseThrow(() -> RecordException.missing("SyslogMessage"));
        return mapText(message, SyslogRecords.host(record), source);
    }

    public static List<RuntimeEvent> mapLine(String line, SourceRecord source) throws RecordException {
        return mapText(line, Optional.empty(), source);
    }

    private static List<RuntimeEvent> mapText(String text, Optional<String> recordHost, SourceRecord source)
            throws RecordException {
        Matcher header = HEADER.matcher(text);
        if (!header.find()) {
            throw new RecordException("auoms: no \"type=… audit(seconds.millis:serial):\" header");
        }
        String type = header.group(1);
        try {
            if (!type.equals("AUOMS_EXECVE")) {
                return List.of();
            }
            Instant time = Instant.ofEpochSecond(Long.parseLong(header.group(2)), nanos(header.group(3)));
            Map<String, String> fields = fields(text.substring(header.end()));
            String host = Optional.ofNullable(fields.get("node"))
                    .filter(node -> !node.isEmpty())
                    .or(() -> recordHost)
                    .orElseThrow(() -> RecordException.missing("node"));
            return List.of(
                    "yes".equals(fields.get("success"))
                            ? exec(fields, host, time, source)
                            : failedExec(fields, host, time, source));
        } catch (RecordException e) {
            throw new RecordException("auoms " + type + ": " + e.getMessage());
        }
    }

    private static ProcessExec exec(Map<String, String> fields, String host, Instant time, SourceRecord source)
            throws RecordException {
        List<String> words = SyslogRecords.words(required(fields, "cmdline"));
        ProcessRef process = new ProcessRef(
                host,
                number(fields, "pid"),
                time,
                required(fields, "exe"),
                SyslogRecords.arguments(words),
                Optional.empty(),
                container(fields),
                uid(fields));
        ProcessRef parent = ProcessRef.seenAlive(host, number(fields, "ppid"), time, "", "", OptionalLong.empty());
        return new ProcessExec(source, time, process, Optional.of(parent));
    }

    private static FileAccess failedExec(Map<String, String> fields, String host, Instant time, SourceRecord source)
            throws RecordException {
        String executable = required(fields, "exe");
        String arguments = SyslogRecords.rawArguments(fields.getOrDefault("proctitle", ""));
        OptionalLong uid = uid(fields);
        ProcessRef caller = ProcessRef.seenAlive(host, number(fields, "pid"), time, executable, arguments, uid);
        long ppid = number(fields, "ppid");
        ProcessRef parent = forkedThread(fields, caller)
                ? ProcessRef.seenAlive(host, ppid, time, executable, arguments, OptionalLong.empty())
                : ProcessRef.seenAlive(host, ppid, time, "", "", OptionalLong.empty());
        String tried = Optional.ofNullable(fields.get("name")).orElse(caller.executable());
        return new FileAccess(source, time, caller, Optional.of(parent), tried, FileAccess.Mode.READ);
    }

    /** execve resets {@code comm} to the program's file name (cut to 15 characters). */
    private static boolean forkedThread(Map<String, String> fields, ProcessRef caller) {
        String comm = fields.getOrDefault("comm", "");
        return !comm.isEmpty() && !caller.name().startsWith(comm);
    }

    private static Optional<ContainerContext> container(Map<String, String> fields) {
        return SensorValues.containerId(Optional.ofNullable(fields.get("containerid")))
                .map(id -> new ContainerContext(
                        id, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private static OptionalLong uid(Map<String, String> fields) throws RecordException {
        return fields.containsKey("uid") ? OptionalLong.of(number(fields, "uid")) : OptionalLong.empty();
    }

    /**
     * The {@code name=value} fields after the header. A value is {@code "quoted"}, a {@code
     * [list]} or bare; it ends where the next {@code " name="} starts. AUOMS does not escape the
     * quotes inside a quoted value ({@code cmdline="bash -c "{echo,…}""}) and leaves {@code
     * proctitle} unquoted with its blanks, so only a following field name ends a value.
     */
    static Map<String, String> fields(String text) {
        Map<String, String> fields = new HashMap<>();
        int at = 0;
        while (at < text.length()) {
            int equals = text.indexOf('=', at);
            if (equals < 0) {
                break;
            }
            String name = text.substring(at, equals).strip();
            int valueStart = equals + 1;
            Matcher next = NEXT_FIELD.matcher(text);
            int end = next.find(valueStart) ? next.start() : text.length();
            if (valueStart < text.length() && text.charAt(valueStart) == '"') {
                end = quotedEnd(text, valueStart, next);
            }
            fields.putIfAbsent(name, unquote(text.substring(valueStart, end)));
            at = end + 1;
        }
        return fields;
    }

    /** The closing quote is one followed by {@code " name="} or by the end of the text. */
    private static int quotedEnd(String text, int open, Matcher next) {
        for (int close = text.indexOf('"', open + 1); close > 0; close = text.indexOf('"', close + 1)) {
            if (close + 1 == text.length() || (next.find(close + 1) && next.start() == close + 1)) {
                return close + 1;
            }
        }
        return text.length();
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }

    /** The fraction of a second in an {@code audit(seconds.fraction:serial)} stamp, as nanoseconds. */
    static int nanos(String fraction) {
        if (fraction == null) {
            return 0;
        }
        return Integer.parseInt((fraction + "000000000").substring(0, 9));
    }

    private static String required(Map<String, String> fields, String name) throws RecordException {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            throw RecordException.missing(name);
        }
        return value;
    }

    private static long number(Map<String, String> fields, String name) throws RecordException {
        String value = required(fields, name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw RecordException.invalid(name, "a number", value);
        }
    }
}
