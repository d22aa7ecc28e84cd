package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.Optional;

/** Metadata access common to every Kubernetes object. */
final class KubeObjects {

    private static final int MAX_PORT = 65_535;

    private KubeObjects() {}

    /** A label by its full key; keys hold dots and slashes, so {@link Fields} paths cannot reach them. */
    static Optional<String> label(JsonNode object, String key) {
        JsonNode value = object.path("metadata").path("labels").path(key);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** {@code namespace/name}, or the bare name of a cluster-scoped object. */
    static Optional<String> displayName(JsonNode object) {
        Optional<String> name = Fields.text(object, "metadata.name");
        Optional<String> namespace = Fields.text(object, "metadata.namespace");
        return name.map(n -> namespace.map(ns -> ns + "/" + n).orElse(n));
    }

    /** A TCP or UDP port number at {@code entry.port}; {@code field} names it in the error. */
    static int port(JsonNode entry, String field) throws RecordException {
        JsonNode value = entry.path("port");
        if (value.isMissingNode() || value.isNull()) {
            throw RecordException.missing(field);
        }
        if (!value.canConvertToInt() || value.asInt() < 0 || value.asInt() > MAX_PORT) {
            throw RecordException.invalid(field, "a port number from 0 to " + MAX_PORT, value);
        }
        return value.asInt();
    }

    static boolean flag(JsonNode object, String path) {
        return Fields.at(object, path).asBoolean(false);
    }
}
