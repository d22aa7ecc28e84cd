package io.sightline.formats.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.ContainerId;
import io.sightline.asset.PodKey;
import io.sightline.event.ContainerContext;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Maps one Falco JSON alert ({@code json_output: true}) to a {@link Detection}.
 *
 * <p>{@code output_fields} keys contain dots ({@code proc.pid.ts}) and are read as whole keys.
 * {@code proc.pid} and {@code proc.pid.ts} are the host pid and start time in epoch nanoseconds,
 * the same process key Tetragon gives; alerts from before those fields were added (falco-website
 * samples, 2021-2023) are still detections, without a process.
 */
public final class FalcoMapper {

    private FalcoMapper() {}

    public static boolean accepts(JsonNode record) {
        return record.isObject()
                && record.path("rule").isTextual()
                && record.path("priority").isTextual()
                && record.has("output");
    }

    public static List<RuntimeEvent> map(JsonNode record, SourceRecord source) throws RecordException {
        try {
            return List.of(detection(record, source));
        } catch (RecordException e) {
            throw new RecordException("falco alert: " + e.getMessage());
        }
    }

    private static Detection detection(JsonNode record, SourceRecord source) throws RecordException {
        JsonNode fields = record.path("output_fields");
        String rule = Fields.requiredText(record, "rule");
        Optional<String> host = host(record);
        Optional<ContainerContext> container = container(fields);
        Optional<ProcessRef> process = host.isPresent() ? process(fields, host.get(), container) : Optional.empty();
        return new Detection(
                source,
                time(record, fields),
                "falco",
                rule,
                severity(Fields.text(record, "priority").orElse("")),
                techniques(record),
                Fields.text(record, "output").orElse(rule),
                host,
                process,
                number(fields, "proc.ppid"),
                container,
                remotes(fields));
    }

    /**
     * The node the event happened on. An alert of the k8saudit plugin ({@code source: k8s_audit})
     * carries the host name of the Falco pod that received the audit webhook, which is no place the
     * event happened, so it has none.
     */
    private static Optional<String> host(JsonNode record) {
        if (Fields.text(record, "source").filter("k8s_audit"::equals).isPresent()) {
            return Optional.empty();
        }
        return Fields.text(record, "hostname");
    }

    private static Instant time(JsonNode record, JsonNode fields) throws RecordException {
        Optional<Instant> time = Fields.instant(record, "time");
        if (time.isPresent()) {
            return time.get();
        }
        OptionalLong eventNanos = number(fields, "evt.time");
        if (eventNanos.isPresent()) {
            return Fields.fromEpochNanos(eventNanos.getAsLong());
        }
        throw new RecordException("missing field time (and output_fields[\"evt.time\"])");
    }

    static Severity severity(String priority) {
        return switch (priority.trim().toLowerCase(Locale.ROOT)) {
            case "emergency", "alert", "critical" -> Severity.CRITICAL;
            case "error" -> Severity.HIGH;
            case "warning" -> Severity.MEDIUM;
            case "notice" -> Severity.LOW;
            case "informational", "info", "debug" -> Severity.INFO;
            default -> Severity.UNKNOWN;
        };
    }

    /** ATT&CK technique ids among the rule's tags; {@code TA0003} and {@code mitre_*} are not. */
    private static List<String> techniques(JsonNode record) {
        return Fields.texts(record, "tags").stream()
                .filter(tag -> SensorValues.TECHNIQUE.matcher(tag).matches())
                .toList();
    }

    private static Optional<ProcessRef> process(JsonNode fields, String host, Optional<ContainerContext> container)
            throws RecordException {
        OptionalLong pid = number(fields, "proc.pid");
        OptionalLong startNanos = number(fields, "proc.pid.ts");
        if (pid.isEmpty() || startNanos.isEmpty()) {
            return Optional.empty();
        }
        String executable = text(fields, "proc.exepath")
                .or(() -> text(fields, "proc.exe"))
                .or(() -> text(fields, "proc.name"))
                .orElse("");
        return Optional.of(new ProcessRef(
                host,
                pid.getAsLong(),
                Fields.fromEpochNanos(startNanos.getAsLong()),
                executable,
                arguments(fields),
                Optional.empty(),
                container,
                number(fields, "user.uid")));
    }

    /** {@code proc.cmdline} is the process name followed by its arguments. */
    private static String arguments(JsonNode fields) {
        String commandLine = text(fields, "proc.cmdline").orElse("");
        Optional<String> name = text(fields, "proc.name");
        if (name.isPresent() && commandLine.startsWith(name.get())) {
            return commandLine.substring(name.get().length()).strip();
        }
        int space = commandLine.indexOf(' ');
        return space >= 0 ? commandLine.substring(space + 1).strip() : "";
    }

    private static Optional<ContainerContext> container(JsonNode fields) {
        Optional<ContainerId> id =
                SensorValues.containerId(text(fields, "container.full_id").or(() -> text(fields, "container.id")));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<PodKey> pod = text(fields, "k8s.ns.name")
                .flatMap(namespace -> text(fields, "k8s.pod.name").map(name -> new PodKey(namespace, name)));
        Optional<String> image = text(fields, "container.image.repository")
                .map(repository -> repository
                        + text(fields, "container.image.tag")
                                .map(tag -> ":" + tag)
                                .orElse(""));
        return Optional.of(new ContainerContext(
                id.get(),
                text(fields, "container.name"),
                pod,
                image,
                SensorValues.digest(text(fields, "container.image.digest"))));
    }

    /**
     * The other end of the connection: the server ({@code fd.sip}) for a connect or a redirected
     * socket, the client ({@code fd.cip}) for an accept. Older alerts have only {@code fd.name}
     * ({@code 172.17.0.9:43812->10.96.0.1:443}).
     */
    private static List<Endpoint> remotes(JsonNode fields) throws RecordException {
        List<Endpoint> remotes = new ArrayList<>();
        boolean accepted = text(fields, "evt.type")
                .filter(type -> type.startsWith("accept"))
                .isPresent();
        String address = accepted ? "fd.cip" : "fd.sip";
        String port = accepted ? "fd.cport" : "fd.sport";
        Optional<String> ip = text(fields, address);
        OptionalLong portNumber = number(fields, port);
        if (ip.isPresent() && portNumber.isPresent()) {
            remotes.add(SensorValues.endpoint(ip.get(), portNumber.getAsLong(), "output_fields[\"" + port + "\"]"));
        } else {
            text(fields, "fd.name").flatMap(FalcoMapper::serverEnd).ifPresent(remotes::add);
        }
        return remotes;
    }

    private static Optional<Endpoint> serverEnd(String connection) {
        int arrow = connection.indexOf("->");
        if (arrow < 0) {
            return Optional.empty();
        }
        String server = connection.substring(arrow + 2);
        int colon = server.lastIndexOf(':');
        try {
            int port = Integer.parseInt(server.substring(colon + 1));
            return colon > 0 && port <= 65_535 && port >= 0
                    ? Optional.of(new Endpoint(server.substring(0, colon), port))
                    : Optional.empty();
        } catch (NumberFormatException notAPort) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode fields, String key) {
        JsonNode value = fields.path(key);
        if (!value.isValueNode() || value.isNull()) {
            return Optional.empty();
        }
        String text = value.asText();
        return text.isEmpty() || text.equals("<NA>") ? Optional.empty() : Optional.of(text);
    }

    private static OptionalLong number(JsonNode fields, String key) throws RecordException {
        JsonNode value = fields.path(key);
        if (value.canConvertToLong() && value.isIntegralNumber()) {
            return OptionalLong.of(value.asLong());
        }
        Optional<String> text = text(fields, key);
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text.get().trim()));
        } catch (NumberFormatException e) {
            throw RecordException.invalid("output_fields[\"" + key + "\"]", "a number", text.get());
        }
    }
}
