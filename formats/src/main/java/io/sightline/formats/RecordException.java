package io.sightline.formats;

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
        return new RecordException("field " + field + ": expected " + expected + ", got '" + got + "'");
    }
}
