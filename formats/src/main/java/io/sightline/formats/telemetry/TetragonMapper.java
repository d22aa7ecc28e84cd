package io.sightline.formats.telemetry;

import com.alibaba.fastjson2.JSONException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.ContainerId;
import io.sightline.asset.PodKey;
import io.sightline.event.ContainerContext;
import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.NetworkFlow.Direction;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessExit;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import io.sightline.formats.telemetry.TetragonRecord.Argument;
import io.sightline.formats.telemetry.TetragonRecord.Event;
import io.sightline.formats.telemetry.TetragonRecord.FileArgument;
import io.sightline.formats.telemetry.TetragonRecord.Pod;
import io.sightline.formats.telemetry.TetragonRecord.Process;
import io.sightline.formats.telemetry.TetragonRecord.Sock;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Maps one Tetragon JSON export record ({@code {"process_exec":{…},"node_name":…,"time":…}}) to
 * events: {@code process_exec} and {@code process_exit} to process events, {@code process_kprobe}
 * on {@code tcp_connect} and {@code inet_csk_accept} to network flows, a kprobe with a {@code
 * file_arg} to a file access. Other kprobes and event kinds are valid records with no event.
 *
 * <p>The 2022 layout's {@code process_connect} (removed from Tetragon since; see the O'Reilly
 * report samples) still names a real outbound connection, so it maps to an outbound flow too.
 *
 * <p>A record is decoded into a {@link TetragonRecord} without building a tree: a JSON Lines line
 * straight from its bytes ({@link #readLine}, {@link JsonCursor}), a record already parsed (a JSON
 * array's element, a record the server received) by walking its tree's tokens ({@link
 * TreeTokens}). Both give the same events and the same errors.
 */
public final class TetragonMapper {

    /** {@code MAY_WRITE} and {@code MAY_APPEND} in the mask of {@code security_file_permission}. */
    private static final long WRITE_MASK = 0x2 | 0x8;
    /** Tetragon's pids are unsigned 32-bit numbers. */
    private static final long MAX_PID = 0xFFFF_FFFFL;

    private TetragonMapper() {}

    public static boolean accepts(JsonNode record) {
        if (!record.isObject()) {
            return false;
        }
        for (Iterator<String> names = record.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.startsWith("process_") && record.path(name).isObject()) {
                return true;
            }
        }
        return false;
    }

    public static List<RuntimeEvent> map(JsonNode record, SourceRecord source) throws RecordException {
        if (!record.isObject()) {
            throw new RecordException("tetragon: no process_* event field");
        }
        try (TreeTokens tokens = new TreeTokens(record)) {
            return map(TetragonRecord.read(tokens), source);
        }
    }

    /**
     * The record on one JSON Lines line, read from the line's UTF-8 bytes, when the line is one
     * Tetragon record laid out as Tetragon writes it: an object whose first field is a {@code
     * process_*} event. Empty for anything else, and for a line that is not valid JSON: the caller
     * reads those as a tree, which also words the JSON error.
     */
    static Optional<TetragonRecord> readLine(LineBytes utf8) {
        try (JsonCursor json = JsonCursor.ofLine(utf8)) {
            if (!json.enterObject()) {
                return Optional.empty();
            }
            String first = json.firstName();
            if (first == null || !first.startsWith("process_")) {
                return Optional.empty();
            }
            TetragonRecord record = TetragonRecord.readFields(json, first);
            if (!json.atEnd()) {
                return Optional.empty();
            }
            return record.event().isPresent() ? Optional.of(record) : Optional.empty();
        } catch (JSONException | ArithmeticException | IllegalArgumentException notJson) {
            return Optional.empty();
        }
    }

    static List<RuntimeEvent> map(TetragonRecord record, SourceRecord source) throws RecordException {
        Entry<String, Event> named =
                record.event().orElseThrow(() -> new RecordException("tetragon: no process_* event field"));
        String kind = named.getKey();
        Event event = named.getValue();
        try {
            return switch (kind) {
                case "process_exec" -> List.of(exec(record, event, source));
                case "process_exit" -> List.of(exit(record, event, source));
                case "process_kprobe" -> kprobe(record, event, source);
                case "process_connect" -> List.of(legacyConnect(record, event, source));
                default -> {
                    // A kind not stitched is still taken (and logged by a server) when it is whole.
                    requireProcess(event);
                    yield List.of();
                }
            };
        } catch (RecordException e) {
            String function = TetragonRecord.text(event.functionName)
                    .map(name -> " " + name)
                    .orElse("");
            throw new RecordException("tetragon " + kind + function + ": " + e.getMessage());
        }
    }

    private static ProcessExec exec(TetragonRecord record, Event event, SourceRecord source) throws RecordException {
        ProcessRef process = process(record, event.process, "process");
        // The first record of cilium/tetragon testdata/events.json has no "time"; an exec happens
        // at its process's start time, so that stands in.
        Instant time = TetragonRecord.instant(record.time, "time").orElse(process.startTime());
        return new ProcessExec(source, time, process, parent(record, event));
    }

    private static ProcessExit exit(TetragonRecord record, Event event, SourceRecord source) throws RecordException {
        ProcessRef process = process(record, event.process, "process");
        Optional<Instant> time =
                TetragonRecord.instant(record.time, "time").or(() -> instantOrEmpty(event.time, "time"));
        return new ProcessExit(
                source, time.orElseThrow(() -> RecordException.missing("time")), process, parent(record, event));
    }

    private static List<RuntimeEvent> kprobe(TetragonRecord record, Event event, SourceRecord source)
            throws RecordException {
        requireProcess(event);
        String function = TetragonRecord.text(event.functionName).orElse("");
        return switch (function) {
            case "tcp_connect" -> List.of(flow(record, event, source, Direction.OUTBOUND, sockArgument(event)));
            case "inet_csk_accept" -> List.of(flow(record, event, source, Direction.INBOUND, returnedSock(event)));
            default -> fileAccess(record, event, source, function);
        };
    }

    /** Every Tetragon event names its process; one without is cut short or made up. */
    private static void requireProcess(Event event) throws RecordException {
        if (event.process == null) {
            throw RecordException.missing("process");
        }
    }

    /** {@code tcp_connect(struct sock *)}: the socket is the first argument, local end in saddr/sport. */
    private static Sock sockArgument(Event event) throws RecordException {
        for (Argument argument : event.args) {
            if (argument.sock != null) {
                return argument.sock;
            }
        }
        throw RecordException.missing("args[].sock_arg");
    }

    /** {@code inet_csk_accept} returns the accepted socket; saddr/sport are still the local end. */
    private static Sock returnedSock(Event event) throws RecordException {
        if (event.returnedSock == null) {
            throw RecordException.missing("return.sock_arg");
        }
        return event.returnedSock;
    }

    private static NetworkFlow flow(
            TetragonRecord record, Event event, SourceRecord source, Direction direction, Sock sock)
            throws RecordException {
        Endpoint local = sockEnd(sock.saddr, "saddr", sock.sport, "sport");
        Endpoint remote = sockEnd(sock.daddr, "daddr", sock.dport, "dport");
        return new NetworkFlow(
                source,
                time(record),
                process(record, event.process, "process"),
                parent(record, event),
                direction,
                local,
                remote);
    }

    private static Endpoint sockEnd(Object addressValue, String addressField, Object portValue, String portField)
            throws RecordException {
        String address = TetragonRecord.text(addressValue)
                .orElseThrow(() -> RecordException.missing("sock_arg." + addressField));
        OptionalLong port = TetragonRecord.number(portValue, "sock_arg." + portField);
        if (port.isEmpty()) {
            throw RecordException.missing("sock_arg." + portField);
        }
        return SensorValues.endpoint(SharedValues.shared(address), port.getAsLong(), "sock_arg." + portField);
    }

    private static List<RuntimeEvent> fileAccess(
            TetragonRecord record, Event event, SourceRecord source, String function) throws RecordException {
        Optional<FileArgument> file = fileArgument(event);
        if (file.isEmpty()) {
            if (function.equals("security_file_permission")) {
                throw RecordException.missing("args[].file_arg");
            }
            return List.of();
        }
        String path =
                TetragonRecord.text(file.get().path).orElseThrow(() -> RecordException.missing("args[].file_arg.path"));
        FileAccess access = new FileAccess(
                source,
                time(record),
                process(record, event.process, "process"),
                parent(record, event),
                path,
                mode(function, event));
        return List.of(access);
    }

    private static Optional<FileArgument> fileArgument(Event event) {
        for (Argument argument : event.args) {
            if (argument.file != null) {
                return Optional.of(argument.file);
            }
        }
        return Optional.empty();
    }

    /**
     * The second argument of {@code security_file_permission} is the kernel's access mask
     * ({@code MAY_READ} 4, {@code MAY_WRITE} 2, {@code MAY_APPEND} 8; Tetragon's filename-access
     * docs). Other hooks carry no mask: a write or truncate hook is a write, and an open, an
     * {@code fd_install} or a read is recorded as a read, since the call alone does not say more.
     */
    private static FileAccess.Mode mode(String function, Event event) {
        OptionalLong mask = firstIntArgument(event);
        if (function.equals("security_file_permission") && mask.isPresent()) {
            return (mask.getAsLong() & WRITE_MASK) != 0 ? FileAccess.Mode.WRITE : FileAccess.Mode.READ;
        }
        String lower = function.toLowerCase(Locale.ROOT);
        return lower.contains("write") || lower.contains("truncate") ? FileAccess.Mode.WRITE : FileAccess.Mode.READ;
    }

    private static OptionalLong firstIntArgument(Event event) {
        for (Argument argument : event.args) {
            OptionalLong value = argument.intValue();
            if (value.isPresent()) {
                return value;
            }
        }
        return OptionalLong.empty();
    }

    private static NetworkFlow legacyConnect(TetragonRecord record, Event event, SourceRecord source)
            throws RecordException {
        Endpoint local = SensorValues.endpoint(
                TetragonRecord.requiredText(event.sourceIp, "source_ip"),
                TetragonRecord.requiredNumber(event.sourcePort, "source_port"),
                "source_port");
        Endpoint remote = SensorValues.endpoint(
                TetragonRecord.requiredText(event.destinationIp, "destination_ip"),
                TetragonRecord.requiredNumber(event.destinationPort, "destination_port"),
                "destination_port");
        return new NetworkFlow(
                source,
                time(record),
                process(record, event.process, "process"),
                parent(record, event),
                Direction.OUTBOUND,
                local,
                remote);
    }

    private static Instant time(TetragonRecord record) throws RecordException {
        return TetragonRecord.requiredInstant(record.time, "time");
    }

    private static Optional<Instant> instantOrEmpty(Object value, String path) {
        try {
            return TetragonRecord.instant(value, path);
        } catch (RecordException unparsable) {
            return Optional.empty();
        }
    }

    /** {@code which} is the field the process came from, {@code process} or {@code parent}, as errors name it. */
    private static ProcessRef process(TetragonRecord record, Process described, String which) throws RecordException {
        Process fields = described == null ? new Process() : described;
        if (fields.execId instanceof String id) {
            ProcessRef known = DescribedProcesses.known(id, record.nodeName, fields);
            if (known != null) {
                return known;
            }
        }
        String host = SharedValues.shared(TetragonRecord.requiredText(record.nodeName, "node_name"));
        String execId = TetragonRecord.requiredText(fields.execId, which + ".exec_id");
        long pid = TetragonRecord.requiredNumber(fields.pid, which + ".pid");
        if (pid < 0 || pid > MAX_PID) {
            throw RecordException.invalid(which + ".pid", "a process id from 0 to " + MAX_PID, pid);
        }
        Instant start = TetragonRecord.requiredInstant(fields.startTime, which + ".start_time");
        ProcessRef process = new ProcessRef(
                host,
                pid,
                start,
                SharedValues.shared(TetragonRecord.text(fields.binary).orElse("")),
                SharedValues.shared(TetragonRecord.text(fields.arguments).orElse("")),
                Optional.of(execId),
                container(fields),
                TetragonRecord.number(fields.uid, which + ".uid"));
        ProcessRef shared = SharedValues.shared(ProcessRef.class, process);
        DescribedProcesses.remember(execId, record.nodeName, fields, shared);
        return shared;
    }

    /**
     * The parent as the record describes it. A parent without exec id, pid or start time is left
     * out rather than costing the child's record: the parent is context, the child is the event.
     */
    private static Optional<ProcessRef> parent(TetragonRecord record, Event event) throws RecordException {
        Process parent = event.parent;
        if (parent == null) {
            return Optional.empty();
        }
        // Checked in this order, and the pid named by its own name, as the tree mapper did.
        boolean complete = TetragonRecord.text(parent.execId).isPresent()
                && TetragonRecord.number(parent.pid, "pid").isPresent()
                && TetragonRecord.text(parent.startTime).isPresent();
        return complete ? Optional.of(process(record, parent, "parent")) : Optional.empty();
    }

    /**
     * The container from {@code pod.container} (Kubernetes) or else the {@code docker} field, which
     * holds only the first 31 characters of the id (Docker hosts, or a pod Tetragon has not
     * resolved yet).
     */
    private static Optional<ContainerContext> container(Process process) {
        Pod pod = process.pod == null ? new Pod() : process.pod;
        Optional<ContainerId> id = SensorValues.containerId(TetragonRecord.text(pod.containerId))
                .or(() -> SensorValues.containerId(TetragonRecord.text(process.docker)));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<PodKey> podKey = TetragonRecord.text(pod.namespace)
                .flatMap(namespace -> TetragonRecord.text(pod.name).map(name -> new PodKey(namespace, name)));
        return Optional.of(SharedValues.shared(
                ContainerContext.class,
                new ContainerContext(
                        id.get(),
                        TetragonRecord.text(pod.containerName),
                        podKey,
                        TetragonRecord.text(pod.imageName),
                        SensorValues.digest(TetragonRecord.text(pod.imageId)))));
    }
}
