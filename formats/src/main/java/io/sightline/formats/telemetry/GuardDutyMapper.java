package io.sightline.formats.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.sightline.asset.ContainerId;
import io.sightline.asset.PodKey;
import io.sightline.event.ContainerContext;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import io.sightline.formats.RecordException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Maps one GuardDuty finding to a {@link Detection}: a finding as {@code GetFindings} returns it
 * (PascalCase keys) or an EventBridge event ({@code detail-type: "GuardDuty Finding"}) whose
 * {@code detail} is the finding with camelCase keys. Every key is looked up in both spellings.
 *
 * <p>Runtime Monitoring findings name the process by host pid and start time (to the
 * millisecond) in {@code Service.RuntimeDetails.Process}; the host is the instance's private DNS
 * name, which is the node name on EKS.
 */
public final class GuardDutyMapper {

    private static final String EVENTBRIDGE_DETAIL_TYPE = "GuardDuty Finding";

    private GuardDutyMapper() {}

    public static boolean accepts(JsonNode record) {
        if (!record.isObject()) {
            return false;
        }
        return isEventBridge(record)
                || (record.path("Type").isTextual() && record.path("Severity").isNumber())
                || text(record, "Service.ServiceName")
                        .filter("guardduty"::equals)
                        .isPresent();
    }

    public static List<RuntimeEvent> map(JsonNode record, SourceRecord source) throws RecordException {
        JsonNode finding = isEventBridge(record) ? record.path("detail") : record;
        try {
            return List.of(detection(finding, source));
        } catch (RecordException e) {
            throw new RecordException("guardduty finding: " + e.getMessage());
        }
    }

    private static boolean isEventBridge(JsonNode record) {
        return record.path("detail-type").asText().equals(EVENTBRIDGE_DETAIL_TYPE)
                && record.path("detail").isObject();
    }

    private static Detection detection(JsonNode finding, SourceRecord source) throws RecordException {
        String type = text(finding, "Type").orElseThrow(() -> RecordException.missing("Type"));
        Optional<String> host = host(finding);
        Optional<ContainerContext> container = container(finding);
        Optional<ProcessRef> process = host.isPresent() ? process(finding, host.get(), container) : Optional.empty();
        return new Detection(
                source,
                time(finding),
                "guardduty",
                type,
                severity(finding),
                techniques(finding),
                text(finding, "Title").or(() -> text(finding, "Description")).orElse(type),
                host,
                process,
                parentPid(finding),
                container,
                remotes(finding));
    }

    /** When the activity was first seen; the finding itself is created minutes later. */
    private static Instant time(JsonNode finding) throws RecordException {
        for (String path : List.of("Service.EventFirstSeen", "Service.EventLastSeen", "CreatedAt", "UpdatedAt")) {
            Optional<Instant> time = instant(finding, path);
            if (time.isPresent()) {
                return time.get();
            }
        }
        throw new RecordException(
                "missing field Service.EventFirstSeen (also looked for EventLastSeen, CreatedAt and UpdatedAt)");
    }

    /** GuardDuty's bands: 1.0-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0 and up critical. */
    private static Severity severity(JsonNode finding) throws RecordException {
        JsonNode value = node(finding, "Severity");
        if (value.isMissingNode() || value.isNull()) {
            throw RecordException.missing("Severity");
        }
        double level = value.isNumber() ? value.asDouble() : parseLevel(value.asText());
        if (level >= 9) {
            return Severity.CRITICAL;
        }
        if (level >= 7) {
            return Severity.HIGH;
        }
        if (level >= 4) {
            return Severity.MEDIUM;
        }
        return level >= 1 ? Severity.LOW : Severity.INFO;
    }

    private static double parseLevel(String text) throws RecordException {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw RecordException.invalid("Severity", "a number from 1 to 10", text);
        }
    }

    /**
     * Extended Threat Detection (attack sequence) findings list ATT&CK techniques as indicators
     * with key {@code ATTACK_TECHNIQUE}; other findings carry none.
     */
    private static List<String> techniques(JsonNode finding) {
        Set<String> techniques = new LinkedHashSet<>();
        for (JsonNode indicator : node(finding, "Service.Detection.Sequence.SequenceIndicators")) {
            if (text(indicator, "Key").filter("ATTACK_TECHNIQUE"::equals).isEmpty()) {
                continue;
            }
            for (JsonNode value : node(indicator, "Values")) {
                Matcher matcher = SensorValues.TECHNIQUE.matcher(value.asText());
                while (matcher.find()) {
                    techniques.add(matcher.group());
                }
            }
        }
        return List.copyOf(techniques);
    }

    private static Optional<String> host(JsonNode finding) {
        JsonNode instance = node(finding, "Resource.InstanceDetails");
        return text(node(instance, "NetworkInterfaces").path(0), "PrivateDnsName")
                .or(() -> text(instance, "InstanceId"));
    }

    private static Optional<ProcessRef> process(JsonNode finding, String host, Optional<ContainerContext> container)
            throws RecordException {
        JsonNode process = node(finding, "Service.RuntimeDetails.Process");
        OptionalLong pid = number(process, "Pid");
        Optional<Instant> start = instant(process, "StartTime");
        if (pid.isEmpty() || start.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ProcessRef(
                host,
                pid.getAsLong(),
                start.get(),
                text(process, "ExecutablePath").or(() -> text(process, "Name")).orElse(""),
                "",
                text(process, "Uuid"),
                container,
                number(process, "UserId")));
    }

    /** The parent is the {@code Lineage} entry whose {@code Uuid} is the process's {@code ParentUuid}. */
    private static OptionalLong parentPid(JsonNode finding) throws RecordException {
        JsonNode process = node(finding, "Service.RuntimeDetails.Process");
        Optional<String> parentUuid = text(process, "ParentUuid");
        if (parentUuid.isEmpty()) {
            return OptionalLong.empty();
        }
        for (JsonNode ancestor : node(process, "Lineage")) {
            if (text(ancestor, "Uuid").equals(parentUuid)) {
                return number(ancestor, "Pid");
            }
        }
        return OptionalLong.empty();
    }

    private static Optional<ContainerContext> container(JsonNode finding) {
        JsonNode workload = node(finding, "Resource.KubernetesDetails.KubernetesWorkloadDetails");
        for (JsonNode container : node(workload, "Containers")) {
            Optional<ContainerId> id = SensorValues.containerId(text(container, "Id"));
            if (id.isPresent()) {
                return Optional.of(new ContainerContext(
                        id.get(), text(container, "Name"), pod(workload), text(container, "Image"), Optional.empty()));
            }
        }
        JsonNode details = node(finding, "Resource.ContainerDetails");
        return SensorValues.containerId(text(details, "Id"))
                .map(id -> new ContainerContext(
                        id, text(details, "Name"), Optional.empty(), text(details, "Image"), Optional.empty()));
    }

    /** The workload is a pod only when its {@code Type} says so; otherwise it names a controller. */
    private static Optional<PodKey> pod(JsonNode workload) {
        boolean isPod = text(workload, "Type")
                .filter(type -> type.equalsIgnoreCase("pods") || type.equalsIgnoreCase("pod"))
                .isPresent();
        if (!isPod) {
            return Optional.empty();
        }
        return text(workload, "Namespace")
                .flatMap(namespace -> text(workload, "Name").map(name -> new PodKey(namespace, name)));
    }

    private static List<Endpoint> remotes(JsonNode finding) throws RecordException {
        JsonNode connection = node(finding, "Service.Action.NetworkConnectionAction");
        Optional<String> address = text(connection, "RemoteIpDetails.IpAddressV4")
                .or(() -> text(connection, "RemoteIpDetails.IpAddressV6"));
        OptionalLong port = number(connection, "RemotePortDetails.Port");
        List<Endpoint> remotes = new ArrayList<>();
        if (address.isPresent() && port.isPresent()) {
            remotes.add(SensorValues.endpoint(
                    address.get(), port.getAsLong(), "Service.Action.NetworkConnectionAction.RemotePortDetails.Port"));
        }
        return remotes;
    }

    /** Follows a dotted PascalCase path, trying the camelCase spelling of each key as well. */
    private static JsonNode node(JsonNode start, String path) {
        JsonNode current = start;
        for (String key : path.split("\\.")) {
            if (!current.isObject()) {
                return MissingNode.getInstance();
            }
            JsonNode next = current.get(key);
            if (next == null) {
                next = current.get(Character.toLowerCase(key.charAt(0)) + key.substring(1));
            }
            if (next == null) {
                return MissingNode.getInstance();
            }
            current = next;
        }
        return current;
    }

    private static Optional<String> text(JsonNode start, String path) {
        JsonNode value = node(start, path);
        if (!value.isValueNode() || value.isNull() || value.asText().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    private static OptionalLong number(JsonNode start, String path) throws RecordException {
        JsonNode value = node(start, path);
        if (value.isIntegralNumber()) {
            return OptionalLong.of(value.asLong());
        }
        Optional<String> text = text(start, path);
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text.get().trim()));
        } catch (NumberFormatException e) {
            throw RecordException.invalid(path, "a whole number", text.get());
        }
    }

    private static Optional<Instant> instant(JsonNode start, String path) throws RecordException {
        Optional<String> text = text(start, path);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.get()));
        } catch (DateTimeParseException e) {
            throw RecordException.invalid(path, "an ISO-8601 timestamp", text.get());
        }
    }
}
