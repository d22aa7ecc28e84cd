package io.sightline.formats.telemetry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A cursor over one JSON value, read in order without building a tree: what {@link TetragonRecord}
 * reads a record with. {@link JsonCursor} reads a line's bytes; {@link TreeTokens} walks a tree
 * Jackson already built (a record of a JSON array, or one the server received). The cursor
 * stands on a value until it is read, skipped or entered.
 *
 * <p>Errors are the implementation's unchecked exceptions: a line that is not JSON is for its
 * caller to read as a tree instead.
 */
interface JsonValues extends AutoCloseable {

    boolean atObject();

    /** Enters the object the cursor stands on; false, and nothing read, when it stands on something else. */
    boolean enterObject();

    /** The first field's name of the object just entered, or null when it is empty (and then left). */
    String firstName();

    /** The next field's name, or null at the end of the object (which is then left). */
    String nextName();

    /** Enters the array the cursor stands on; false, and nothing read, when it stands on something else. */
    boolean enterArray();

    /** Whether the array ends here (and is then left); {@code first}: no element was read yet. */
    boolean arrayEnds(boolean first);

    void skip();

    /**
     * The scalar the cursor stands on: a {@link String}, a {@link Long} for an integer that fits,
     * null for JSON null, or else the {@link JsonNode} Jackson's tree reader builds (a boolean, a
     * fraction as a double, a larger integer, an object or array).
     */
    Object scalar();

    /** Whether nothing but white space follows. */
    boolean atEnd();

    @Override
    void close();
}
