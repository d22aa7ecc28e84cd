package io.sightline.formats.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.sightline.asset.ContainerId;
import io.sightline.asset.PodKey;
import io.sightline.event.ContainerContext;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.NetworkFlow.Direction;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessExit;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Maps one Tracee JSON event (aquasecurity/tracee, {@code --output json}) to events. Two layouts
 * exist and are not compatible:
 *
 * <ul>
 *   <li>the legacy {@code trace.Event} (v0.10 to v0.23): {@code timestamp} in epoch nanoseconds,
 *       {@code hostProcessId}, {@code hostParentProcessId}, {@code processName}, {@code hostName},
 *       {@code containerId} (v0.10) or {@code container.id} (later), {@code eventName}, {@code
 *       args[{name,type,value}]}, and from about v0.16 {@code processEntityId};
 *   <li>the {@code v1beta1.Event} (v0.24 and later, api/v1beta1/event.proto): {@code timestamp} in
 *       RFC 3339, {@code name}, {@code workload.process} ({@code host_pid}, {@code unique_id},
 *       {@code executable.path}, {@code thread.start_time}, {@code ancestors}), {@code
 *       workload.container}, {@code data[{name,value}]} and {@code threat} for detections. Field
 *       names are read in snake case (Tracee's own marshaller) and lower camel case (protojson).
 * </ul>
 *
 * <p>Mapped: {@code sched_process_exec} and a successful {@code execve}/{@code execveat} to a
 * {@link ProcessExec}; {@code sched_process_exit} of the whole process to a {@link ProcessExit};
 * {@code security_socket_connect}, {@code connect} and an outgoing {@code net_flow_tcp_begin} to an
 * outbound {@link NetworkFlow}, {@code security_socket_accept}, {@code socket_accept} and an
 * incoming {@code net_flow_tcp_begin} to an inbound one; {@code security_file_open} and {@code
 * magic_write} to a {@link FileAccess}; a signature finding (event id 6000 to 6999, an event name
 * starting with {@code TRC-}, a {@code metadata} block or a {@code threat}) to a {@link Detection}.
 * Every other event is a valid record with no event: {@code net_packet_*} report single packets,
 * which name neither the direction of the connection nor which end is this process's.
 *
 * <p>Pids are host pids. A process's start is its main thread's start ({@code threadStartTime}
 * when the thread is the process's main thread); v0.10 to v0.17 print it in nanoseconds since
 * boot, which names no instant, so then an exec is keyed on its own time (as auditd execs are)
 * and any other record names the process by pid only ({@link ProcessRef#seenAlive}).
 */
public final class TraceeMapper {

    /** Tracee's signature event ids (pkg/events: StartSignatureID to MaxSignatureID). */
    private static final int FIRST_SIGNATURE_ID = 6000;

    private static final int LAST_SIGNATURE_ID = 6999;

    /**
     * Below this a {@code threadStartTime} counts from boot, not from the epoch: 10^18 ns since
     * boot is 31 years of uptime, 10^18 ns since the epoch is September 2001.
     */
    private static final long EPOCH_NANOS_FLOOR = 1_000_000_000_000_000_000L;

    /** {@code O_WRONLY} and {@code O_RDWR}: the access mode bits of open flags. */
    private static final long WRITE_ACCESS = 0x1 | 0x2;

    /** {@code -EINPROGRESS}: a non-blocking connect that is under way. */
    private static final long IN_PROGRESS = -115;

    private TraceeMapper() {}

    public static boolean accepts(JsonNode record) {
        return record.isObject() && (isLegacy(record) || isV1beta1(record));
    }

    private static boolean isLegacy(JsonNode record) {
        return record.path("eventName").isTextual()
                && record.has("timestamp")
                && (record.has("hostProcessId") || record.has("processId"));
    }

    private static boolean isV1beta1(JsonNode record) {
        return record.path("name").isTextual()
                && record.has("timestamp")
                && record.path("workload").isObject();
    }

    public static List<RuntimeEvent> map(JsonNode record, SourceRecord source) throws RecordException {
        String name = isLegacy(record)
                ? Fields.text(record, "eventName").orElse("")
                : Fields.text(record, "name").orElse("");
        try {
            TraceeEvent event = isLegacy(record) ? legacy(record, name) : v1beta1(record, name);
            return events(event, source);
        } catch (RecordException e) {
            throw new RecordException("tracee " + name + ": " + e.getMessage());
        }
    }

    private static List<RuntimeEvent> events(TraceeEvent event, SourceRecord source) throws RecordException {
        if (event.signature()) {
            return List.of(detection(event, source));
        }
        return switch (event.name()) {
            case "sched_process_exec" -> List.of(exec(event, source));
            case "execve", "execveat" -> event.returnValue() == 0 ? List.of(exec(event, source)) : List.of();
            case "sched_process_exit" -> processExit(event, source);
            case "security_socket_connect" -> outbound(event, source, "remote_addr");
            case "connect" -> connected(event) ? outbound(event, source, "addr") : List.of();
            case "security_socket_accept" -> inbound(event, source, Optional.empty());
            case "socket_accept" -> inbound(event, source, Optional.of("remote_addr"));
            case "net_flow_tcp_begin" -> List.of(flowBegin(event, source));
            case "security_file_open" -> List.of(fileOpen(event, source));
            case "magic_write" -> List.of(fileAccess(event, source, FileAccess.Mode.WRITE));
            default -> List.of();
        };
    }

    private static ProcessExec exec(TraceeEvent event, SourceRecord source) throws RecordException {
        String executable = event.text("pathname").or(event::executable).orElse("");
        List<String> argv = event.texts("argv");
        ProcessRef process = new ProcessRef(
                event.host(),
                event.pid(),
                event.start().orElse(event.time()),
                executable,
                SyslogRecords.arguments(argv),
                event.execId(),
                event.container(),
                event.uid());
        return new ProcessExec(source, event.time(), process, event.parent());
    }

    /** {@code process_group_exit} false is one thread ending, not the process. */
    private static List<RuntimeEvent> processExit(TraceeEvent event, SourceRecord source) {
        JsonNode groupExit = event.argument("process_group_exit");
        if (groupExit.isBoolean() && !groupExit.asBoolean()) {
            return List.of();
        }
        return List.of(new ProcessExit(source, event.time(), event.process(), event.parent()));
    }

    private static boolean connected(TraceeEvent event) {
        return event.returnValue() == 0 || event.returnValue() == IN_PROGRESS;
    }

    /**
     * A connect names the address dialled, never the local end, which the kernel picks later: the
     * flow's local end is {@link SensorValues#UNKNOWN_END}. Only stream sockets are connections;
     * a connect of another socket type, or to a Unix socket, is no flow.
     */
    private static List<RuntimeEvent> outbound(TraceeEvent event, SourceRecord source, String argument)
            throws RecordException {
        Optional<String> type = event.text("type");
        if (type.isPresent() && !type.get().equals("SOCK_STREAM")) {
            return List.of();
        }
        Optional<Endpoint> remote = sockaddr(event.argument(argument), "args." + argument);
        if (remote.isEmpty()) {
            return List.of();
        }
        return List.of(new NetworkFlow(
                source,
                event.time(),
                event.process(),
                event.parent(),
                Direction.OUTBOUND,
                SensorValues.UNKNOWN_END,
                remote.get()));
    }

    /**
     * {@code security_socket_accept} gives the listening socket's address only; {@code
     * socket_accept} adds the client's.
     */
    private static List<RuntimeEvent> inbound(TraceeEvent event, SourceRecord source, Optional<String> remoteArgument)
            throws RecordException {
        Optional<Endpoint> local = sockaddr(event.argument("local_addr"), "args.local_addr");
        if (local.isEmpty()) {
            return List.of();
        }
        Endpoint remote = SensorValues.UNKNOWN_END;
        if (remoteArgument.isPresent()) {
            remote = sockaddr(event.argument(remoteArgument.get()), "args." + remoteArgument.get())
                    .orElse(SensorValues.UNKNOWN_END);
        }
        return List.of(new NetworkFlow(
                source, event.time(), event.process(), event.parent(), Direction.INBOUND, local.get(), remote));
    }

    /**
     * {@code net_flow_tcp_begin} is built from the packet that began the flow: its source is the
     * client. Argument names changed after v0.21 ({@code connectionDirection}, {@code srcIP} to
     * {@code conn_direction}, {@code src}).
     */
    private static NetworkFlow flowBegin(TraceeEvent event, SourceRecord source) throws RecordException {
        String direction = event.text("conn_direction")
                .or(() -> event.text("connectionDirection"))
                .orElseThrow(() -> RecordException.missing("args.conn_direction"));
        Endpoint client = event.endpoint("src", "srcIP", "src_port", "srcPort");
        Endpoint server = event.endpoint("dst", "dstIP", "dst_port", "dstPort");
        boolean outgoing = switch (direction) {
            case "outgoing" -> true;
            case "incoming" -> false;
            default -> throw RecordException.invalid("args.conn_direction", "incoming or outgoing", direction);
        };
        return new NetworkFlow(
                source,
                event.time(),
                event.process(),
                event.parent(),
                outgoing ? Direction.OUTBOUND : Direction.INBOUND,
                outgoing ? client : server,
                outgoing ? server : client);
    }

    /**
     * {@code flags} is a number in some versions and a parsed string ({@code O_RDONLY|O_CLOEXEC})
     * in others; an open for writing or reading and writing is a write.
     */
    private static FileAccess fileOpen(TraceeEvent event, SourceRecord source) throws RecordException {
        JsonNode flags = event.argument("flags");
        boolean write;
        if (flags.canConvertToLong() && flags.isIntegralNumber()) {
            write = (flags.asLong() & WRITE_ACCESS) != 0;
        } else {
            String text = flags.asText("");
            write = text.contains("O_WRONLY") || text.contains("O_RDWR");
        }
        return fileAccess(event, source, write ? FileAccess.Mode.WRITE : FileAccess.Mode.READ);
    }

    private static FileAccess fileAccess(TraceeEvent event, SourceRecord source, FileAccess.Mode mode)
            throws RecordException {
        String path = event.text("pathname").orElseThrow(() -> RecordException.missing("args.pathname"));
        return new FileAccess(source, event.time(), event.process(), event.parent(), path, mode);
    }

    private static Detection detection(TraceeEvent event, SourceRecord source) {
        Threat threat = event.threat();
        return new Detection(
                source,
                event.time(),
                "tracee",
                threat.rule(),
                threat.severity(),
                threat.techniques(),
                threat.summary(),
                Optional.of(event.host()),
                Optional.of(event.process()),
                event.ppid(),
                event.container(),
                List.of());
    }

    /**
     * A {@code struct sockaddr} as Tracee prints it: {@code sa_family} ({@code AF_INET} or 2,
     * {@code AF_INET6} or 10) with {@code sin_addr}/{@code sin_port} or {@code
     * sin6_addr}/{@code sin6_port}, ports as numbers or strings. Other families (Unix sockets)
     * are no network endpoint.
     */
    private static Optional<Endpoint> sockaddr(JsonNode address, String field) throws RecordException {
        if (!address.isObject()) {
            throw RecordException.missing(field);
        }
        String family = address.path("sa_family").asText("");
        String prefix = switch (family) {
            case "AF_INET", "2" -> "sin";
            case "AF_INET6", "10" -> "sin6";
            default -> "";
        };
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        String ip = Fields.text(address, prefix + "_addr")
                .orElseThrow(() -> RecordException.missing(field + "." + prefix + "_addr"));
        long port = Fields.number(address, prefix + "_port").orElse(0);
        return Optional.of(SensorValues.endpoint(ip, port, field + "." + prefix + "_port"));
    }

    private static TraceeEvent legacy(JsonNode record, String name) throws RecordException {
        Instant time = Fields.fromEpochNanos(Fields.requiredNumber(record, "timestamp"));
        String host = Fields.requiredText(record, "hostName");
        long pid = Fields.number(record, "hostProcessId").orElse(Fields.requiredNumber(record, "processId"));
        OptionalLong tid = Fields.number(record, "hostThreadId");
        Optional<Instant> start = Optional.empty();
        OptionalLong threadStart = Fields.number(record, "threadStartTime");
        if (threadStart.isPresent() && threadStart.getAsLong() >= EPOCH_NANOS_FLOOR && mainThread(pid, tid)) {
            start = Optional.of(Fields.fromEpochNanos(threadStart.getAsLong()));
        }
        Map<String, JsonNode> args = new LinkedHashMap<>();
        for (JsonNode argument : record.path("args")) {
            Fields.text(argument, "name").ifPresent(argName -> args.put(argName, argument.path("value")));
        }
        int eventId = (int) Fields.number(record, "eventId").orElse(0);
        JsonNode metadata = record.path("metadata");
        boolean signature =
                isSignature(eventId, name) || metadata.path("Properties").isObject();
        Optional<String> executable = Fields.text(record, "executable.path");
        ProcessSide process = new ProcessSide(
                host,
                pid,
                start,
                executable.orElse(Fields.text(record, "processName").orElse("")),
                executable,
                Fields.text(record, "processEntityId").map(id -> "tracee:" + host + ":" + id),
                Fields.number(record, "userId"));
        return new TraceeEvent(
                name,
                time,
                process,
                Fields.number(record, "hostParentProcessId"),
                legacyContainer(record),
                args,
                Fields.number(record, "returnValue").orElse(0),
                signature ? Optional.of(legacyThreat(record, name)) : Optional.empty());
    }

    private static boolean mainThread(long pid, OptionalLong tid) {
        return tid.isEmpty() || tid.getAsLong() == pid;
    }

    private static boolean isSignature(int eventId, String name) {
        return (eventId >= FIRST_SIGNATURE_ID && eventId <= LAST_SIGNATURE_ID) || name.startsWith("TRC-");
    }

    /** v0.10 has flat {@code containerId} and {@code podName}; later versions nest them. */
    private static Optional<ContainerContext> legacyContainer(JsonNode record) {
        Optional<ContainerId> id = SensorValues.containerId(
                Fields.text(record, "containerId").or(() -> Fields.text(record, "container.id")));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> namespace =
                Fields.text(record, "podNamespace").or(() -> Fields.text(record, "kubernetes.podNamespace"));
        Optional<String> podName = Fields.text(record, "podName").or(() -> Fields.text(record, "kubernetes.podName"));
        Optional<PodKey> pod = namespace.flatMap(ns -> podName.map(name -> new PodKey(ns, name)));
        Optional<String> image = Fields.text(record, "containerImage").or(() -> Fields.text(record, "container.image"));
        return Optional.of(new ContainerContext(
                id.get(),
                Fields.text(record, "containerName").or(() -> Fields.text(record, "container.name")),
                pod,
                image,
                SensorValues.digest(Fields.text(record, "container.imageDigest"))));
    }

    /**
     * The signature's {@code metadata.Properties} (TRC-102: {@code signatureID}, {@code
     * signatureName}, {@code Severity} 0 to 4, {@code external_id} T1622). A signature event
     * without metadata (v0.10's {@code fileless_execution}) is still a detection, of unknown
     * severity.
     */
    private static Threat legacyThreat(JsonNode record, String name) {
        JsonNode properties = record.path("metadata").path("Properties");
        Optional<String> id = Fields.text(properties, "signatureID");
        String signatureName = Fields.text(properties, "signatureName").orElse(name);
        String rule = id.map(value -> value + " " + signatureName).orElse(signatureName);
        List<String> techniques = new ArrayList<>();
        Fields.text(properties, "external_id")
                .filter(value -> SensorValues.TECHNIQUE.matcher(value).matches())
                .ifPresent(techniques::add);
        JsonNode severity = properties.path("Severity");
        return new Threat(
                rule,
                severity.canConvertToInt() ? severity(severity.asInt()) : Severity.UNKNOWN,
                techniques,
                Fields.text(record, "metadata.Description").orElse(rule));
    }

    private static TraceeEvent v1beta1(JsonNode record, String name) throws RecordException {
        Instant time = Fields.requiredInstant(record, "timestamp");
        JsonNode process = record.path("workload").path("process");
        OptionalLong hostPid = either(process, "host_pid", "hostPid");
        if (hostPid.isEmpty()) {
            throw RecordException.missing("workload.process.host_pid");
        }
        long pid = hostPid.getAsLong();
        JsonNode thread = process.path("thread");
        Optional<Instant> start = Optional.empty();
        OptionalLong tid = either(thread, "host_tid", "hostTid");
        if (mainThread(pid, tid)) {
            start = Fields.instant(thread, "start_time").or(() -> instantOrEmpty(thread, "startTime"));
        }
        // TODO: v1beta1.Event names no host (event.proto has no host name field); until a file can
        // carry its host, these processes are keyed on the placeholder host.
        String host = SensorValues.UNNAMED_HOST;
        Optional<String> executable = Fields.text(process, "executable.path");
        Optional<String> uniqueId = textEither(process, "unique_id", "uniqueId");
        ProcessSide side = new ProcessSide(
                host,
                pid,
                start,
                executable.orElse(Fields.text(thread, "name").orElse("")),
                executable,
                uniqueId.map(id -> "tracee:" + host + ":" + id),
                either(process, "real_user.id", "realUser.id"));
        JsonNode parent = process.path("ancestors").path(0);
        Map<String, JsonNode> args = new LinkedHashMap<>();
        for (JsonNode value : record.path("data")) {
            Fields.text(value, "name").ifPresent(argName -> args.put(argName, value.path("value")));
        }
        int eventId = (int) Fields.number(record, "id").orElse(0);
        boolean signature = record.path("threat").isObject() || isSignature(eventId, name);
        return new TraceeEvent(
                name,
                time,
                side,
                either(parent, "host_pid", "hostPid"),
                v1beta1Container(record.path("workload")),
                args,
                // TODO: v1beta1.Event carries no syscall return value, so a failed execve still
                // reads as an exec; sched_process_exec, which only a successful exec raises, is
                // the event to collect.
                0,
                signature ? Optional.of(v1beta1Threat(record, name)) : Optional.empty());
    }

    private static Optional<ContainerContext> v1beta1Container(JsonNode workload) {
        JsonNode container = workload.path("container");
        Optional<ContainerId> id = SensorValues.containerId(Fields.text(container, "id"));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<PodKey> pod = Fields.text(workload, "k8s.namespace.name")
                .flatMap(ns -> Fields.text(workload, "k8s.pod.name").map(name -> new PodKey(ns, name)));
        List<String> digests = Fields.texts(container, "image.repo_digests");
        if (digests.isEmpty()) {
            digests = Fields.texts(container, "image.repoDigests");
        }
        return Optional.of(new ContainerContext(
                id.get(),
                Fields.text(container, "name"),
                pod,
                Fields.text(container, "image.name"),
                SensorValues.digest(digests.stream().findFirst())));
    }

    /** {@code threat.severity} is the enum's number (Tracee's marshaller) or its name (protojson). */
    private static Threat v1beta1Threat(JsonNode record, String name) {
        JsonNode threat = record.path("threat");
        JsonNode severity = threat.path("severity");
        Severity mapped = severity.canConvertToInt() && severity.isNumber()
                ? severity(severity.asInt())
                : Severity.parse(severity.asText(""));
        List<String> techniques = new ArrayList<>();
        Fields.text(threat, "mitre.technique.id")
                .filter(value -> SensorValues.TECHNIQUE.matcher(value).matches())
                .ifPresent(techniques::add);
        String rule = Fields.text(threat, "name").orElse(name);
        return new Threat(
                rule, mapped, techniques, Fields.text(threat, "description").orElse(rule));
    }

    /** Tracee's severities: 0 info, 1 low, 2 medium, 3 high, 4 critical (api/v1beta1/threat.proto). */
    private static Severity severity(int value) {
        return switch (value) {
            case 0 -> Severity.INFO;
            case 1 -> Severity.LOW;
            case 2 -> Severity.MEDIUM;
            case 3 -> Severity.HIGH;
            case 4 -> Severity.CRITICAL;
            default -> Severity.UNKNOWN;
        };
    }

    private static OptionalLong either(JsonNode node, String snake, String camel) throws RecordException {
        OptionalLong value = Fields.number(node, snake);
        return value.isPresent() ? value : Fields.number(node, camel);
    }

    private static Optional<String> textEither(JsonNode node, String snake, String camel) {
        return Fields.text(node, snake).or(() -> Fields.text(node, camel));
    }

    private static Optional<Instant> instantOrEmpty(JsonNode node, String path) {
        try {
            return Fields.instant(node, path);
        } catch (RecordException unparsable) {
            return Optional.empty();
        }
    }

    private record Threat(String rule, Severity severity, List<String> techniques, String summary) {}

    /** The process an event is about, as either layout describes it. */
    private record ProcessSide(
            String host,
            long pid,
            Optional<Instant> start,
            String executable,
            Optional<String> executablePath,
            Optional<String> execId,
            OptionalLong uid) {}

    /** One Tracee event with the layout's differences read away. */
    private record TraceeEvent(
            String name,
            Instant time,
            ProcessSide side,
            OptionalLong ppid,
            Optional<ContainerContext> container,
            Map<String, JsonNode> args,
            long returnValue,
            Optional<Threat> signatureThreat) {

        boolean signature() {
            return signatureThreat.isPresent();
        }

        Threat threat() {
            return signatureThreat.orElseThrow();
        }

        String host() {
            return side.host();
        }

        long pid() {
            return side.pid();
        }

        Optional<Instant> start() {
            return side.start();
        }

        Optional<String> execId() {
            return side.execId();
        }

        OptionalLong uid() {
            return side.uid();
        }

        Optional<String> executable() {
            return side.executablePath();
        }

        /** The process itself: by its start when known, else by pid as seen alive now. */
        ProcessRef process() {
            if (side.start().isPresent()) {
                return new ProcessRef(
                        side.host(),
                        side.pid(),
                        side.start().get(),
                        side.executable(),
                        "",
                        side.execId(),
                        container,
                        side.uid());
            }
            return ProcessRef.seenAlive(side.host(), side.pid(), time, side.executable(), "", side.uid());
        }

        Optional<ProcessRef> parent() {
            if (ppid.isEmpty() || ppid.getAsLong() <= 0) {
                return Optional.empty();
            }
            return Optional.of(ProcessRef.seenAlive(side.host(), ppid.getAsLong(), time, "", "", OptionalLong.empty()));
        }

        JsonNode argument(String argName) {
            JsonNode value = args.get(argName);
            return value == null ? MissingNode.getInstance() : value;
        }

        Optional<String> text(String argName) {
            JsonNode value = argument(argName);
            if (!value.isValueNode() || value.isNull() || value.asText().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(value.asText());
        }

        List<String> texts(String argName) {
            List<String> values = new ArrayList<>();
            argument(argName).forEach(item -> values.add(item.asText()));
            return values;
        }

        Endpoint endpoint(String address, String oldAddress, String port, String oldPort) throws RecordException {
            String ip = text(address)
                    .or(() -> text(oldAddress))
                    .orElseThrow(() -> RecordException.missing("args." + address));
            String portText =
                    text(port).or(() -> text(oldPort)).orElseThrow(() -> RecordException.missing("args." + port));
            try {
                return SensorValues.endpoint(ip, Long.parseLong(portText), "args." + port);
            } catch (NumberFormatException e) {
                throw RecordException.invalid("args." + port, "a port number", portText);
            }
        }
    }
}
