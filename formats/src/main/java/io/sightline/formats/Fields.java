package io.sightline.formats;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Field access on Jackson trees with errors that name the field. Paths are dotted
 * ({@code process.pod.container.id}); a missing node, JSON null and Falco's {@code <NA>} are all
 * absent.
 */
public final class Fields {

    private Fields() {}

    public static JsonNode at(JsonNode node, String path) {
        JsonNode current = node;
        for (String part : path.split("\\.")) {
            if (current == null || current.isMissingNode() || current.isNull()) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            current = current.path(part);
        }
        return current == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : current;
    }

    public static Optional<String> text(JsonNode node, String path) {
        JsonNode value = at(node, path);
        if (value.isMissingNode() || value.isNull() || value.isContainerNode()) {
            return Optional.empty();
        }
        String text = value.asText();
        if (text.isEmpty() || text.equals("<NA>")) {
            return Optional.empty();
        }
        return Optional.of(text);
    }

    public static String requiredText(JsonNode node, String path) throws RecordException {
        return text(node, path).orElseThrow(() -> RecordException.missing(path));
    }

    public static OptionalLong number(JsonNode node, String path) throws RecordException {
        JsonNode value = at(node, path);
        if (value.isMissingNode() || value.isNull()) {
            return OptionalLong.empty();
        }
        if (value.canConvertToLong()) {
            return OptionalLong.of(value.asLong());
        }
        if (value.isTextual()) {
            try {
                return OptionalLong.of(Long.parseLong(value.asText().trim()));
            } catch (NumberFormatException e) {
                throw RecordException.invalid(path, "a number", value.asText());
            }
        }
        throw RecordException.invalid(path, "a number", value);
    }

    public static long requiredNumber(JsonNode node, String path) throws RecordException {
        OptionalLong value = number(node, path);
        if (value.isEmpty()) {
            throw RecordException.missing(path);
        }
        return value.getAsLong();
    }

    public static Optional<Instant> instant(JsonNode node, String path) throws RecordException {
        Optional<String> value = text(node, path);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value.get()));
        } catch (DateTimeParseException e) {
            throw RecordException.invalid(path, "an RFC 3339 timestamp", value.get());
        }
    }

    public static Instant requiredInstant(JsonNode node, String path) throws RecordException {
        return instant(node, path).orElseThrow(() -> RecordException.missing(path));
    }

    public static List<String> texts(JsonNode node, String path) {
        List<String> values = new ArrayList<>();
        JsonNode array = at(node, path);
        if (array.isArray()) {
            array.forEach(item -> {
                if (item.isValueNode() && !item.asText().isEmpty()) {
                    values.add(item.asText());
                }
            });
        }
        return values;
    }

    /** Instant from epoch nanoseconds, as Falco prints {@code evt.time} and {@code proc.pid.ts}. */
    public static Instant fromEpochNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
