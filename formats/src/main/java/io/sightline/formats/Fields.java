package io.sightline.formats;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Field access on Jackson trees with errors that name the field. Paths are dotted
 * ({@code process.pod.container.id}); a missing node, JSON null and Falco's {@code <NA>} are all
 * absent.
 */
public final class Fields {

    /** Dotted paths split once: mappers ask for the same few dozen paths millions of times. */
    private static final Map<String, String[]> PATHS = new ConcurrentHashMap<>();

    private Fields() {}

    /**
     * RFC 3339 in UTC as sensors print it ({@code 2024-11-14T09:06:13.611000000Z}), read without
     * the general formatter, which costs more than the rest of a record's mapping; any other shape
     * goes to {@link Instant#parse}.
     */
    static Instant parseInstant(String text) {
        int length = text.length();
        if (length < 20
                || length > 30
                || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (length > 20) {
            if (text.charAt(19) != '.' || length == 21) {
                return Instant.parse(text);
            }
            int fraction = digits(text, 20, length - 1);
            int places = length - 21;
            if (fraction < 0 || places > 9) {
                return Instant.parse(text);
            }
            nanos = fraction * POWERS_OF_TEN[9 - places];
        }
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return Instant.parse(text);
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    private static final int[] POWERS_OF_TEN = {
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
    };

    /** The decimal value of text[from, to), or -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    public static JsonNode at(JsonNode node, String path) {
        JsonNode current = node;
        for (String part : PATHS.computeIfAbsent(path, p -> p.split("\\."))) {
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

    /** What a number field must hold: a fraction is not cut to a whole number, nor a larger one wrapped. */
    public static final String WHOLE_NUMBER = "a whole number of at most 64 bits";

    public static OptionalLong number(JsonNode node, String path) throws RecordException {
        JsonNode value = at(node, path);
        if (value.isMissingNode() || value.isNull()) {
            return OptionalLong.empty();
        }
        if (value.isNumber() && value.canConvertToExactIntegral() && value.canConvertToLong()) {
            return OptionalLong.of(value.asLong());
        }
        if (value.isTextual()) {
            try {
                return OptionalLong.of(Long.parseLong(value.asText().trim()));
            } catch (NumberFormatException e) {
                throw RecordException.invalid(path, WHOLE_NUMBER, value.asText());
            }
        }
        throw RecordException.invalid(path, WHOLE_NUMBER, value);
    }

    public static long requiredNumber(JsonNode node, String path) throws RecordException {
        OptionalLong value = number(node, path);
        if (value.isEmpty()) {
            throw RecordException.missing(path);
        }
        return value.getAsLong();
    }

    public static Optional<Instant> instant(JsonNode node, String path) throws RecordException {
        return instant(text(node, path), path);
    }

    /** The timestamp in {@code value}, a field's text as {@link #text} gives it; {@code path} names the field. */
    public static Optional<Instant> instant(Optional<String> value, String path) throws RecordException {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parseInstant(value.get()));
        } catch (DateTimeException e) {
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
