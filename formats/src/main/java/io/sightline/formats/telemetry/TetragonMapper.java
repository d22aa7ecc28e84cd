package io.sightline.formats.telemetry;

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
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
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
 */
public final class TetragonMapper {

    /** {@code MAY_WRITE} and {@code MAY_APPEND} in the mask of {@code security_file_permission}. */
    private static final long WRITE_MASK = 0x2 | 0x8;

    private TetragonMapper() {}

    public static boolean accepts(JsonNode record) {
        return record.isObject() && eventKind(record).isPresent();
    }

    public static List<RuntimeEvent> map(JsonNode record, SourceRecord source) throws RecordException {
        String kind = eventKind(record).orElseThrow(() -> new RecordException("tetragon: no process_* event field"));
        JsonNode event = record.path(kind);
        try {
            return switch (kind) {
                case "process_exec" -> List.of(exec(record, event, source));
                case "process_exit" -> List.of(exit(record, event, source));
                case "process_kprobe" -> kprobe(record, event, source);
                case "process_connect" -> List.of(legacyConnect(record, event, source));
                default -> List.of();
            };
        } catch (RecordException e) {
            String function =
                    Fields.text(event, "function_name").map(name -> " " + name).orElse("");
            throw new RecordException("tetragon " + kind + function + ": " + e.getMessage());
        }
    }

    private static Optional<String> eventKind(JsonNode record) {
        for (Iterator<String> names = record.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.startsWith("process_") && record.path(name).isObject()) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static ProcessExec exec(JsonNode record, JsonNode event, SourceRecord source) throws RecordException {
        ProcessRef process = process(record, event, "process");
        // The first record of cilium/tetragon testdata/events.json has no "time"; an exec happens
        // at its process's start time, so that stands in.
        Instant time = Fields.instant(record, "time").orElse(process.startTime());
        return new ProcessExec(source, time, process, parent(record, event));
    }

    private static ProcessExit exit(JsonNode record, JsonNode event, SourceRecord source) throws RecordException {
        ProcessRef process = process(record, event, "process");
        Optional<Instant> time = Fields.instant(record, "time").or(() -> instantOrEmpty(event, "time"));
        return new ProcessExit(
                source, time.orElseThrow(() -> RecordException.missing("time")), process, parent(record, event));
    }

    private static List<RuntimeEvent> kprobe(JsonNode record, JsonNode event, SourceRecord source)
            throws RecordException {
        String function = Fields.text(event, "function_name").orElse("");
        return switch (function) {
            case "tcp_connect" -> List.of(flow(record, event, source, Direction.OUTBOUND, sockArgument(event)));
            case "inet_csk_accept" -> List.of(flow(record, event, source, Direction.INBOUND, returnedSock(event)));
            default -> fileAccess(record, event, source, function);
        };
    }

    /** {@code tcp_connect(struct sock *)}: the socket is the first argument, local end in saddr/sport. */
    private static JsonNode sockArgument(JsonNode event) throws RecordException {
        for (JsonNode argument : event.path("args")) {
            if (argument.path("sock_arg").isObject()) {
                return argument.path("sock_arg");
            }
        }
        throw RecordException.missing("args[].sock_arg");
    }

    /** {@code inet_csk_accept} returns the accepted socket; saddr/sport are still the local end. */
    private static JsonNode returnedSock(JsonNode event) throws RecordException {
        JsonNode sock = Fields.at(event, "return.sock_arg");
        if (!sock.isObject()) {
            throw RecordException.missing("return.sock_arg");
        }
        return sock;
    }

    private static NetworkFlow flow(
            JsonNode record, JsonNode event, SourceRecord source, Direction direction, JsonNode sock)
            throws RecordException {
        Endpoint local = sockEnd(sock, "saddr", "sport");
        Endpoint remote = sockEnd(sock, "daddr", "dport");
        return new NetworkFlow(
                source,
                time(record),
                process(record, event, "process"),
                parent(record, event),
                direction,
                local,
                remote);
    }

    private static Endpoint sockEnd(JsonNode sock, String addressField, String portField) throws RecordException {
        String address =
                Fields.text(sock, addressField).orElseThrow(() -> RecordException.missing("sock_arg." + addressField));
        OptionalLong port = Fields.number(sock, portField);
        if (port.isEmpty()) {
            throw RecordException.missing("sock_arg." + portField);
        }
        return SensorValues.endpoint(SharedValues.shared(address), port.getAsLong(), "sock_arg." + portField);
    }

    private static List<RuntimeEvent> fileAccess(JsonNode record, JsonNode event, SourceRecord source, String function)
            throws RecordException {
        Optional<JsonNode> file = fileArgument(event);
        if (file.isEmpty()) {
            if (function.equals("security_file_permission")) {
                throw RecordException.missing("args[].file_arg");
            }
            return List.of();
        }
        String path =
                Fields.text(file.get(), "path").orElseThrow(() -> RecordException.missing("args[].file_arg.path"));
        FileAccess access = new FileAccess(
                source,
                time(record),
                process(record, event, "process"),
                parent(record, event),
                path,
                mode(function, event));
        return List.of(access);
    }

    private static Optional<JsonNode> fileArgument(JsonNode event) {
        for (JsonNode argument : event.path("args")) {
            if (argument.path("file_arg").isObject()) {
                return Optional.of(argument.path("file_arg"));
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
    private static FileAccess.Mode mode(String function, JsonNode event) {
        OptionalLong mask = firstIntArgument(event);
        if (function.equals("security_file_permission") && mask.isPresent()) {
            return (mask.getAsLong() & WRITE_MASK) != 0 ? FileAccess.Mode.WRITE : FileAccess.Mode.READ;
        }
        String lower = function.toLowerCase(Locale.ROOT);
        return lower.contains("write") || lower.contains("truncate") ? FileAccess.Mode.WRITE : FileAccess.Mode.READ;
    }

    private static OptionalLong firstIntArgument(JsonNode event) {
        for (JsonNode argument : event.path("args")) {
            if (argument.path("int_arg").canConvertToLong()) {
                return OptionalLong.of(argument.path("int_arg").asLong());
            }
        }
        return OptionalLong.empty();
    }

    private static NetworkFlow legacyConnect(JsonNode record, JsonNode event, SourceRecord source)
            throws RecordException {
        Endpoint local = SensorValues.endpoint(
                Fields.requiredText(event, "source_ip"), Fields.requiredNumber(event, "source_port"), "source_port");
        Endpoint remote = SensorValues.endpoint(
                Fields.requiredText(event, "destination_ip"),
                Fields.requiredNumber(event, "destination_port"),
                "destination_port");
        return new NetworkFlow(
                source,
                time(record),
                process(record, event, "process"),
                parent(record, event),
                Direction.OUTBOUND,
                local,
                remote);
    }

    private static Instant time(JsonNode record) throws RecordException {
        return Fields.requiredInstant(record, "time");
    }

    private static Optional<Instant> instantOrEmpty(JsonNode node, String path) {
        try {
            return Fields.instant(node, path);
        } catch (RecordException unparsable) {
            return Optional.empty();
        }
    }

    private static ProcessRef process(JsonNode record, JsonNode event, String which) throws RecordException {
        String host = SharedValues.shared(Fields.requiredText(record, "node_name"));
        String execId = Fields.requiredText(event, which + ".exec_id");
        long pid = Fields.requiredNumber(event, which + ".pid");
        Instant start = Fields.requiredInstant(event, which + ".start_time");
        ProcessRef process = new ProcessRef(
                host,
                pid,
                start,
                SharedValues.shared(Fields.text(event, which + ".binary").orElse("")),
                SharedValues.shared(Fields.text(event, which + ".arguments").orElse("")),
                Optional.of(execId),
                container(event.path(which)),
                Fields.number(event, which + ".uid"));
        return SharedValues.shared(ProcessRef.class, process);
    }

    /**
     * The parent as the record describes it. A parent without exec id, pid or start time is left
     * out rather than costing the child's record: the parent is context, the child is the event.
     */
    private static Optional<ProcessRef> parent(JsonNode record, JsonNode event) throws RecordException {
        if (!event.path("parent").isObject()) {
            return Optional.empty();
        }
        JsonNode parent = event.path("parent");
        boolean complete = Fields.text(parent, "exec_id").isPresent()
                && Fields.number(parent, "pid").isPresent()
                && Fields.text(parent, "start_time").isPresent();
        return complete ? Optional.of(process(record, event, "parent")) : Optional.empty();
    }

    /**
     * The container from {@code pod.container} (Kubernetes) or else the {@code docker} field, which
     * holds only the first 31 characters of the id (Docker hosts, or a pod Tetragon has not
     * resolved yet).
     */
    private static Optional<ContainerContext> container(JsonNode process) {
        JsonNode pod = process.path("pod");
        Optional<ContainerId> id = SensorValues.containerId(Fields.text(pod, "container.id"))
                .or(() -> SensorValues.containerId(Fields.text(process, "docker")));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<PodKey> podKey = Fields.text(pod, "namespace")
                .flatMap(namespace -> Fields.text(pod, "name").map(name -> new PodKey(namespace, name)));
        return Optional.of(SharedValues.shared(
                ContainerContext.class,
                new ContainerContext(
                        id.get(),
                        Fields.text(pod, "container.name"),
                        podKey,
                        Fields.text(pod, "container.image.name"),
                        SensorValues.digest(Fields.text(pod, "container.image.id")))));
    }
}
