package io.sightline.formats.telemetry;

import com.alibaba.fastjson2.JSONException;
import com.alibaba.fastjson2.JSONFactory;
import com.alibaba.fastjson2.JSONReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * fastjson2's reader over one JSON document in UTF-8, held to what Jackson (which reads every
 * other line) accepts where it would change what a record says. fastjson2 is lenient where JSON
 * is not, and the lines it accepts never reach Jackson, so this cursor rejects, with a {@link
 * JSONException}:
 *
 * <ul>
 *   <li>malformed UTF-8 (fastjson2 decodes some of it into other characters);
 *   <li>a missing comma between two fields or elements, or one before a closing brace or bracket
 *       (fastjson2 takes both; its own comma flag is stale after entering an object or an array,
 *       so the byte before the next token is looked at instead);
 *   <li>a name in single quotes, and a string in single quotes where a value is read or skipped.
 * </ul>
 *
 * <p>Left as fastjson2 has them, as they change no value Sightline reads: a number with a leading
 * zero ({@code 01} reads as 1), a control character left unescaped inside a string, and single
 * quotes inside a skipped object or array.
 *
 * <p>One per document, on one thread.
 */
final class JsonCursor implements AutoCloseable {

    /** Builds the node of an object or array where a scalar belongs. */
    private static final ObjectMapper VALUES = new ObjectMapper();

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final JSONReader reader;
    private final byte[] utf8;

    JsonCursor(byte[] utf8) {
        if (!isAscii(utf8)) {
            requireUtf8(utf8);
        }
        this.utf8 = utf8;
        this.reader = JSONReader.of(
                utf8,
                0,
                utf8.length,
                StandardCharsets.UTF_8,
                JSONFactory.createReadContext(JSONReader.Feature.DisableSingleQuote));
    }

    /** Enters the object the cursor stands on; false, and nothing read, when it stands on something else. */
    boolean enterObject() {
        return reader.nextIfObjectStart();
    }

    boolean atObject() {
        return reader.isObject();
    }

    /** The first field's name of the object just entered, or null when it is empty (and then left). */
    String firstName() {
        if (reader.nextIfObjectEnd()) {
            return null;
        }
        return name();
    }

    /** The next field's name, or null at the end of the object (which is then left). */
    String nextName() {
        boolean comma = previousByteIsComma();
        if (reader.nextIfObjectEnd()) {
            if (comma) {
                throw new JSONException("a comma before the end of an object");
            }
            return null;
        }
        if (!comma) {
            throw new JSONException("expected a comma between two fields");
        }
        return name();
    }

    /** Enters the array the cursor stands on; false, and nothing read, when it stands on something else. */
    boolean enterArray() {
        return reader.nextIfArrayStart();
    }

    /** Whether the array ends here (and is then left); {@code first}: no element was read yet. */
    boolean arrayEnds(boolean first) {
        boolean comma = !first && previousByteIsComma();
        if (reader.nextIfArrayEnd()) {
            if (comma) {
                throw new JSONException("a comma before the end of an array");
            }
            return true;
        }
        if (!first && !comma) {
            throw new JSONException("expected a comma between two elements");
        }
        return false;
    }

    void skip() {
        refuseSingleQuote();
        reader.skipValue();
    }

    /**
     * The scalar the cursor stands on: a {@link String}, a {@link Long} for an integer that fits,
     * null for JSON null, or else the {@link com.fasterxml.jackson.databind.JsonNode} Jackson's tree
     * reader builds (a boolean, a fraction as a double, a larger integer, an object or array).
     */
    Object scalar() {
        if (reader.nextIfNull()) {
            return null;
        }
        if (reader.isString()) {
            refuseSingleQuote();
            return reader.readString();
        }
        if (reader.isNumber()) {
            Number number = reader.readNumber();
            return switch (number) {
                case Long value -> value;
                case Integer value -> Long.valueOf(value);
                case Short value -> Long.valueOf(value);
                case Byte value -> Long.valueOf(value);
                case BigInteger value -> BigIntegerNode.valueOf(value);
                default -> DoubleNode.valueOf(number.doubleValue());
            };
        }
        if (reader.isObject() || reader.isArray()) {
            return VALUES.valueToTree(reader.readAny());
        }
        return BooleanNode.valueOf(reader.readBoolValue());
    }

    /** Whether nothing but white space follows. */
    boolean atEnd() {
        return reader.isEnd();
    }

    @Override
    public void close() {
        reader.close();
    }

    private String name() {
        if (reader.current() == '\'') {
            throw new JSONException("a field name in single quotes");
        }
        String name = reader.readFieldName();
        if (name == null) {
            throw new JSONException("expected a field name or the end of an object");
        }
        return name;
    }

    private void refuseSingleQuote() {
        if (reader.current() == '\'') {
            throw new JSONException("a string in single quotes");
        }
    }

    /**
     * Whether a comma comes between the token the reader stands on (at {@code getOffset() - 1})
     * and the value before it, white space aside.
     */
    private boolean previousByteIsComma() {
        for (int i = reader.getOffset() - 2; i >= 0; i--) {
            byte b = utf8[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == ',';
            }
        }
        return false;
    }

    private static boolean isAscii(byte[] bytes) {
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            if (((long) LONGS.get(bytes, i) & 0x8080808080808080L) != 0) {
                return false;
            }
        }
        for (; i < bytes.length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static void requireUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new JSONException("malformed UTF-8", e);
        }
    }
}
