package io.sightline.formats.telemetry;

import com.alibaba.fastjson2.JSONException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.PodKey;
import io.sightline.event.ApiCall;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Maps one Kubernetes audit {@code Event} ({@code audit.k8s.io/v1} or {@code v1beta1}) to an
 * {@link ApiCall}. Events captured before {@code apiVersion} was written into each line (the 2018
 * Falco test traces) are recognised by {@code kind}, {@code auditID} and {@code stage}.
 */
public final class K8sAuditMapper {

    private static final String POD_NAME_EXTRA = "authentication.kubernetes.io/pod-name";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    /** The top-level fields {@link #accepts} and {@link #map} read, beside {@code user}, {@code objectRef} and {@code responseStatus}. */
    private static final Set<String> TOP_FIELDS = Set.of(
            "kind",
            "apiVersion",
            "auditID",
            "stage",
            "requestURI",
            "verb",
            "sourceIPs",
            "userAgent",
            "stageTimestamp",
            "requestReceivedTimestamp",
            "timestamp");

    private static final Set<String> USER_FIELDS = Set.of("username", "extra");
    private static final Set<String> EXTRA_FIELDS = Set.of(POD_NAME_EXTRA);
    private static final Set<String> OBJECT_REF_FIELDS = Set.of("resource", "subresource", "namespace", "name");
    private static final Set<String> RESPONSE_STATUS_FIELDS = Set.of("code");

    /** Fields by which the formats tried before this one (Falco) know their records. */
    private static final Set<String> OTHER_FORMATS_FIELDS = Set.of("rule", "priority", "output");

    private K8sAuditMapper() {}

    public static boolean accepts(JsonNode record) {
        return record.isObject()
                && record.path("kind").asText().equals("Event")
                && record.path("auditID").isTextual()
                && record.path("stage").isTextual()
                && (!record.has("apiVersion")
                        || record.path("apiVersion").asText().startsWith("audit.k8s.io/"));
    }

    /**
     * The fields this mapper reads of the audit event on one JSON Lines line, as a tree of those
     * fields alone, read with {@link JsonCursor} without building the rest (annotations, groups,
     * request and response objects): the whole tree was a fifth of the decoders' time. Empty,
     * for the caller to read the line as a tree, when the line is not one object that {@link
     * #accepts} takes, or is not valid JSON, or names a field by which a format tried before this
     * one knows its records ({@code process_*}, {@code rule}, {@code priority}, {@code output}):
     * then the tree decides, as for every other line. Each field holds what it held in the tree,
     * so {@link #map} gives the same call or the same error.
     */
    static Optional<JsonNode> readLine(LineBytes utf8) {
        try (JsonCursor json = JsonCursor.ofLine(utf8)) {
            if (!json.enterObject()) {
                return Optional.empty();
            }
            ObjectNode read = JsonNodeFactory.instance.objectNode();
            for (String name = json.firstName(); name != null; name = json.nextName()) {
                if (OTHER_FORMATS_FIELDS.contains(name) || name.startsWith("process_")) {
                    return Optional.empty();
                }
                switch (name) {
                    case "user" -> read.set(name, fields(json, USER_FIELDS));
                    case "objectRef" -> read.set(name, fields(json, OBJECT_REF_FIELDS));
                    case "responseStatus" -> read.set(name, fields(json, RESPONSE_STATUS_FIELDS));
                    default -> {
                        if (TOP_FIELDS.contains(name)) {
                            read.set(name, json.node());
                        } else {
                            json.skip();
                        }
                    }
                }
            }
            return json.atEnd() && accepts(read) ? Optional.of(read) : Optional.empty();
        } catch (JSONException notJson) {
            return Optional.empty();
        }
    }

    /** The named fields of the object the cursor stands on ({@code user.extra} likewise), or the value whole when it is no object. */
    private static JsonNode fields(JsonCursor json, Set<String> wanted) {
        if (!json.atObject()) {
            return json.node();
        }
        json.enterObject();
        ObjectNode read = JsonNodeFactory.instance.objectNode();
        for (String name = json.firstName(); name != null; name = json.nextName()) {
            if (name.equals("extra") && wanted == USER_FIELDS) {
                read.set(name, fields(json, EXTRA_FIELDS));
            } else if (wanted.contains(name)) {
                read.set(name, json.node());
            } else {
                json.skip();
            }
        }
        return read;
    }

    public static List<RuntimeEvent> map(JsonNode record, SourceRecord source) throws RecordException {
        try {
            return List.of(apiCall(record, source));
        } catch (RecordException e) {
            throw new RecordException("k8s-audit event: " + e.getMessage());
        }
    }

    /**
     * The call, its repeated values shared (see {@link SharedValues}): a controller or a kubelet
     * sends the same user, agent, verb and object again and again, and the engine keeps the calls
     * of its retention window.
     */
    private static ApiCall apiCall(JsonNode record, SourceRecord source) throws RecordException {
        String user = SharedValues.shared(Fields.requiredText(record, "user.username"));
        return new ApiCall(
                source,
                time(record),
                Fields.requiredText(record, "auditID"),
                SharedValues.shared(Fields.requiredText(record, "stage")),
                user,
                sharedList(sourceIps(record)),
                SharedValues.shared(Fields.text(record, "userAgent").orElse("")),
                SharedValues.shared(Fields.requiredText(record, "verb")),
                SharedValues.shared(Fields.requiredText(record, "requestURI")),
                sharedText(Fields.text(record, "objectRef.resource")),
                sharedText(Fields.text(record, "objectRef.subresource")),
                sharedText(Fields.text(record, "objectRef.namespace")),
                sharedText(Fields.text(record, "objectRef.name")),
                status(record),
                tokenPod(record, user).map(pod -> SharedValues.shared(PodKey.class, pod)));
    }

    /** {@code sourceIPs}, a list of addresses; a lone string is the sender's slip, not no address. */
    private static List<String> sourceIps(JsonNode record) throws RecordException {
        JsonNode ips = Fields.at(record, "sourceIPs");
        if (!ips.isMissingNode() && !ips.isNull() && !ips.isArray()) {
            throw RecordException.invalid("sourceIPs", "a list of addresses", ips);
        }
        return Fields.texts(record, "sourceIPs");
    }

    /** The HTTP status of the response, 0 when the event has none (a call still in progress). */
    private static int status(JsonNode record) throws RecordException {
        long code = Fields.number(record, "responseStatus.code").orElse(0);
        if (code < 0 || code > 999) {
            throw RecordException.invalid("responseStatus.code", "an HTTP status", code);
        }
        return (int) code;
    }

    private static Optional<String> sharedText(Optional<String> text) {
        return text.isEmpty()
                ? text
                : SharedValues.shared(OptionalText.class, new OptionalText(text))
                        .text();
    }

    private static List<String> sharedList(List<String> texts) {
        return SharedValues.shared(TextList.class, new TextList(List.copyOf(texts)))
                .texts();
    }

    /** Typed holders, so that the shared table hands back the right generic type without a cast warning. */
    private record OptionalText(Optional<String> text) {}

    private record TextList(List<String> texts) {}

    /** When the stage was reached; events of older API servers carry only some of the stamps. */
    private static Instant time(JsonNode record) throws RecordException {
        Optional<Instant> time = Fields.instant(record, "stageTimestamp");
        if (time.isEmpty()) {
            time = Fields.instant(record, "requestReceivedTimestamp");
        }
        if (time.isEmpty()) {
            time = Fields.instant(record, "timestamp");
        }
        return time.orElseThrow(() -> new RecordException(
                "missing field stageTimestamp (also looked for requestReceivedTimestamp and timestamp)"));
    }

    /**
     * The pod a bound service-account token was issued to. The pod's namespace is not in {@code
     * user.extra}; it is the service account's, from {@code system:serviceaccount:<ns>:<name>}.
     */
    private static Optional<PodKey> tokenPod(JsonNode record, String user) {
        // The key holds dots, so it is looked up whole rather than as a dotted path.
        JsonNode podNames = record.path("user").path("extra").path(POD_NAME_EXTRA);
        Optional<String> pod = podNames.isArray()
                        && podNames.path(0).isTextual()
                        && !podNames.path(0).asText().isEmpty()
                ? Optional.of(podNames.path(0).asText())
                : Optional.empty();
        Optional<String> namespace = serviceAccountNamespace(user);
        return pod.flatMap(name -> namespace.map(ns -> new PodKey(ns, name)));
    }

    private static Optional<String> serviceAccountNamespace(String user) {
        if (!user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            return Optional.empty();
        }
        String rest = user.substring(SERVICE_ACCOUNT_PREFIX.length());
        int colon = rest.indexOf(':');
        return colon > 0 ? Optional.of(rest.substring(0, colon)) : Optional.empty();
    }
}
