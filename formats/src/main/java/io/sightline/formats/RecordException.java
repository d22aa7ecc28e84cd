package io.sightline.formats;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A record that does not have the shape its format requires. The message names the field and
 * what was expected; the caller adds the file and line and skips the record.
 */
public final class RecordException extends Exception {

    private static final long serialVersionUID = 1L;

    public RecordException(String message) {
        super(message);
    }

    public static RecordException missing(String field) {
        return new RecordException("missing field " + field);
    }

    public static RecordException invalid(String field, String expected, Object got) {
        return new RecordException("field " + field + ": expected " + expected + ", got '" + shown(got) + "'");
    }

    /**
     * A number as its text: Jackson writes a number node that JSON cannot hold ({@code 1e400},
     * read as infinity) as a quoted string, which would read as if the record held a string.
     */
    private static Object shown(Object got) {
        return got instanceof JsonNode node && node.isNumber() ? node.asText() : got;
    }
}
