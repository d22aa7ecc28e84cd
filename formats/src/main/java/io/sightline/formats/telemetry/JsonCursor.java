package io.sightline.formats.telemetry;

import com.alibaba.fastjson2.JSONException;
import com.alibaba.fastjson2.JSONFactory;
import com.alibaba.fastjson2.JSONReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * fastjson2's reader over one JSON document in UTF-8, held to what Jackson (which reads every
 * other line) accepts. fastjson2 is lenient where JSON is not, and a line it accepts never reaches
 * Jackson, so this cursor refuses, with a {@link JSONException} (the caller then reads the line
 * as a tree, which words the error), in values read and skipped alike:
 *
 * <ul>
 *   <li>malformed UTF-8, a control character, a backslash that starts no JSON escape, a line
 *       over 16 MB (see {@link #ofLine});
 *   <li>objects and arrays nested more than 1,000 deep, where Jackson stops: fastjson2 skips a
 *       value by recursion with no bound on its depth, so a line nested a few thousand deep
 *       would overflow the stack. Objects and arrays are entered here, never by fastjson2, and
 *       counted;
 *   <li>a missing comma between two fields or elements, or one before a closing brace or
 *       bracket, and a comment anywhere: fastjson2 passes commas and comments without saying
 *       which (its comma flag is stale after entering an object or an array), so the byte before
 *       each token is looked at instead;
 *   <li>a name or a string in single quotes, a name longer than Jackson reads;
 *   <li>a number JSON does not write ({@code +4}, {@code 04}, {@code 4.}) or longer than Jackson
 *       reads.
 * </ul>
 *
 * <p>Fractions are parsed from their text, as Jackson does, so {@code -0.0} keeps its sign. What
 * differs from a tree read is the wording of an error, which the tree read gives.
 *
 * <p>One per document, on one thread.
 */
final class JsonCursor implements JsonValues {

    /** Jackson's limit on how deep objects and arrays nest. */
    static final int MAX_DEPTH = 1000;

    /** Longer lines go to the tree, which holds one string to 20 M characters. */
    static final int MAX_LINE = 16 << 20;

    /** Jackson reads a field name of at most 50,000 characters. */
    private static final int MAX_NAME = 50_000;

    /** Jackson reads a number of at most 1,000 characters. */
    private static final int MAX_NUMBER = 1000;

    private static final long HIGH_BITS = EightBytes.HIGH_BITS;
    private static final long BACKSLASHES = EightBytes.repeated('\\');

    private final JSONReader reader;
    private final byte[] utf8;
    private final int start;
    private final int end;
    /** Where the object closed last ended, for {@link #atEnd}; -1 before any. */
    private int lastClosed = -1;
    /** The objects and arrays entered and not yet left. */
    private int depth;

    private JsonCursor(LineBytes line) {
        this.utf8 = line.bytes();
        this.start = line.from();
        this.end = line.to();
        this.reader = JSONReader.of(
                utf8,
                start,
                end - start,
                StandardCharsets.UTF_8,
                JSONFactory.createReadContext(JSONReader.Feature.DisableSingleQuote));
    }

    /**
     * A cursor over a line as a file gave it. Refused (a {@link JSONException}), for the tree read
     * to word: malformed UTF-8; a byte below 0x20 (a control character, which JSON allows only
     * escaped inside a string; tabs between tokens are legal but rare enough to leave to the
     * tree); a backslash that starts no JSON escape ({@code \x41}, {@code \'}, which fastjson2
     * reads as characters); a line over {@link #MAX_LINE} bytes (Jackson's limit on one string is
     * 20 M characters). One pass of eight bytes at a time; the escapes are looked at only on a
     * line that has a backslash.
     */
    static JsonCursor ofLine(LineBytes line) {
        if (line.length() > MAX_LINE) {
            throw new JSONException("a line of more than " + MAX_LINE + " bytes");
        }
        byte[] utf8 = line.bytes();
        int end = line.to();
        int i = line.from();
        long highBits = 0;
        long controls = 0;
        long backslashes = 0;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long word = EightBytes.at(utf8, i);
            highBits |= word;
            controls |= EightBytes.byteBelow(word, ' ');
            backslashes |= EightBytes.firstZeroByte(word ^ BACKSLASHES);
        }
        for (; i < end; i++) {
            byte b = utf8[i];
            highBits |= b;
            controls |= b >= 0 && b < ' ' ? HIGH_BITS : 0;
            backslashes |= b == '\\' ? HIGH_BITS : 0;
        }
        if ((controls & HIGH_BITS) != 0) {
            throw new JSONException("a control character on the line");
        }
        if ((backslashes & HIGH_BITS) != 0) {
            requireEscapes(line);
        }
        if ((highBits & HIGH_BITS) != 0) {
            requireUtf8(line);
        }
        return new JsonCursor(line);
    }

    /** Enters the object the cursor stands on; false, and nothing read, when it stands on something else. */
    @Override
    public boolean enterObject() {
        refuseCommentBefore();
        return entered(reader.nextIfObjectStart());
    }

    @Override
    public boolean atObject() {
        return reader.isObject();
    }

    /** The first field's name of the object just entered, or null when it is empty (and then left). */
    @Override
    public String firstName() {
        if (previousByte() != '{') {
            throw new JSONException("a comment after an opening brace");
        }
        return closesObject() ? null : name();
    }

    /** The next field's name, or null at the end of the object (which is then left). */
    @Override
    public String nextName() {
        int previous = previousByte();
        if (previous == '/') {
            throw new JSONException("a comment between two fields");
        }
        if (closesObject()) {
            if (previous == ',') {
                throw new JSONException("a comma before the end of an object");
            }
            return null;
        }
        if (previous != ',') {
            throw new JSONException("expected a comma between two fields");
        }
        return name();
    }

    /** Enters the array the cursor stands on; false, and nothing read, when it stands on something else. */
    @Override
    public boolean enterArray() {
        refuseCommentBefore();
        return entered(reader.nextIfArrayStart());
    }

    /** Whether the array ends here (and is then left); {@code first}: no element was read yet. */
    @Override
    public boolean arrayEnds(boolean first) {
        int previous = previousByte();
        if (previous != (first ? '[' : ',') && (first || previous == '/')) {
            throw new JSONException("a comment inside an array");
        }
        if (reader.nextIfArrayEnd()) {
            depth--;
            if (previous == ',') {
                throw new JSONException("a comma before the end of an array");
            }
            return true;
        }
        if (!first && previous != ',') {
            throw new JSONException("expected a comma between two elements");
        }
        return false;
    }

    /**
     * Skips the value the cursor stands on, held to the same rules as a value read: fastjson2's
     * own skip takes numbers, quotes and comments JSON does not, and would take them in a record
     * Jackson refuses whole. Recursion stops at {@link #MAX_DEPTH}.
     */
    @Override
    public void skip() {
        refuseCommentBefore();
        if (reader.isObject()) {
            entered(reader.nextIfObjectStart());
            for (String name = firstName(); name != null; name = nextName()) {
                skip();
            }
        } else if (reader.isArray()) {
            entered(reader.nextIfArrayStart());
            for (boolean first = true; !arrayEnds(first); first = false) {
                skip();
            }
        } else {
            if (reader.isNumber()) {
                numberEnd();
            }
            refuseSingleQuote();
            reader.skipValue();
        }
    }

    /**
     * The scalar the cursor stands on: a {@link String}, a {@link Long} for an integer that fits,
     * null for JSON null, or else the {@link com.fasterxml.jackson.databind.JsonNode} Jackson's tree
     * reader builds (a boolean, a fraction as a double, a larger integer, an object or array).
     */
    @Override
    public Object scalar() {
        refuseCommentBefore();
        if (reader.nextIfNull()) {
            return null;
        }
        if (reader.isString()) {
            refuseSingleQuote();
            return reader.readString();
        }
        if (reader.isNumber()) {
            return switch (number()) {
                case IntNode node -> Long.valueOf(node.intValue());
                case LongNode node -> node.longValue();
                case JsonNode node -> node;
            };
        }
        return node();
    }

    /** The value the cursor stands on as Jackson's tree reader would build it. */
    JsonNode node() {
        refuseCommentBefore();
        if (reader.nextIfNull()) {
            return NullNode.getInstance();
        }
        if (reader.isString()) {
            refuseSingleQuote();
            return TextNode.valueOf(reader.readString());
        }
        if (reader.isNumber()) {
            return number();
        }
        if (reader.isObject()) {
            entered(reader.nextIfObjectStart());
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (String name = firstName(); name != null; name = nextName()) {
                object.set(name, node());
            }
            return object;
        }
        if (reader.isArray()) {
            entered(reader.nextIfArrayStart());
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (boolean first = true; !arrayEnds(first); first = false) {
                array.add(node());
            }
            return array;
        }
        return BooleanNode.valueOf(reader.readBoolValue());
    }

    /**
     * The number the cursor stands on, as Jackson's tree holds it: an int or long node when it is
     * an integer that fits, a big integer node when it does not, else a double parsed from the
     * text as written (fastjson2 reads {@code -0.0} as 0).
     */
    private JsonNode number() {
        int from = reader.getOffset() - 1;
        int to = numberEnd();
        for (int i = from; i < to; i++) {
            if (utf8[i] == '.' || utf8[i] == 'e' || utf8[i] == 'E') {
                reader.skipValue();
                return DoubleNode.valueOf(
                        Double.parseDouble(new String(utf8, from, to - from, StandardCharsets.ISO_8859_1)));
            }
        }
        return switch (reader.readNumber()) {
            case Integer value -> IntNode.valueOf(value);
            case Short value -> IntNode.valueOf(value);
            case Byte value -> IntNode.valueOf(value);
            case Long value -> value == value.intValue() ? IntNode.valueOf(value.intValue()) : LongNode.valueOf(value);
            case BigInteger value -> BigIntegerNode.valueOf(value);
            case Number value -> DoubleNode.valueOf(value.doubleValue());
        };
    }

    /** Whether nothing but white space follows the last object closed (fastjson2 would also pass comments). */
    @Override
    public boolean atEnd() {
        int last = end - 1;
        while (last >= start && utf8[last] == ' ') {
            last--;
        }
        return reader.isEnd() && last == lastClosed;
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
        if (name.length() > MAX_NAME) {
            throw new JSONException("a field name of more than " + MAX_NAME + " characters");
        }
        return name;
    }

    /** Whether the object ends here, which is then left; notes where, for {@link #atEnd}. */
    private boolean closesObject() {
        int at = reader.getOffset() - 1;
        if (!reader.nextIfObjectEnd()) {
            return false;
        }
        lastClosed = at;
        depth--;
        return true;
    }

    /** Counts an object or array entered, when it was; refuses one nested deeper than Jackson reads. */
    private boolean entered(boolean entered) {
        if (entered && ++depth > MAX_DEPTH) {
            throw new JSONException("objects and arrays nested more than " + MAX_DEPTH + " deep");
        }
        return entered;
    }

    private void refuseCommentBefore() {
        if (previousByte() == '/') {
            throw new JSONException("a comment before a value");
        }
    }

    private void refuseSingleQuote() {
        if (reader.current() == '\'') {
            throw new JSONException("a string in single quotes");
        }
    }

    /**
     * The byte before the token the reader stands on (at {@code getOffset() - 1}), spaces aside,
     * or -1 at the start: fastjson2 passes commas and comments without saying which it passed, so
     * the bytes tell. A block comment ends in '/'; a line comment runs to the end of the line.
     */
    private int previousByte() {
        for (int i = reader.getOffset() - 2; i >= start; i--) {
            if (utf8[i] != ' ') {
                return utf8[i];
            }
        }
        return -1;
    }

    /** Every backslash starts an escape JSON has: {@code \" \\ \/ \b \f \n \r \t} or {@code \\u} and four hex digits. */
    private static void requireEscapes(LineBytes line) {
        byte[] bytes = line.bytes();
        int end = line.to();
        for (int i = nextBackslash(bytes, line.from(), end); i >= 0; i = nextBackslash(bytes, i, end)) {
            byte escaped = i + 1 < end ? bytes[i + 1] : 0;
            switch (escaped) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
                case 'u' -> {
                    for (int digit = i + 2; digit < i + 6; digit++) {
                        if (digit >= end || Character.digit(bytes[digit], 16) < 0) {
                            throw new JSONException("a \\u escape without four hex digits");
                        }
                    }
                    i += 6;
                }
                default -> throw new JSONException("a backslash that starts no JSON escape");
            }
        }
    }

    /** The first backslash from {@code from} before {@code end}, or -1; eight bytes at a time. */
    private static int nextBackslash(byte[] bytes, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long found = EightBytes.firstZeroByte(EightBytes.at(bytes, i) ^ BACKSLASHES);
            if (found != 0) {
                return EightBytes.firstMarked(i, found);
            }
        }
        for (; i < end; i++) {
            if (bytes[i] == '\\') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The number the reader stands on is written as JSON writes numbers: {@code -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?},
     * at most {@link #MAX_NUMBER} characters. fastjson2 also reads {@code +4}, {@code 04} and {@code 4.}.
     */
    private int numberEnd() {
        int i = reader.getOffset() - 1;
        int first = i;
        if (i < end && utf8[i] == '-') {
            i++;
        }
        int digits = digits(i);
        if (digits == 0 || (utf8[i] == '0' && digits > 1)) {
            throw new JSONException("a number JSON does not write");
        }
        i += digits;
        if (i < end && utf8[i] == '.') {
            int fraction = digits(i + 1);
            if (fraction == 0) {
                throw new JSONException("a number JSON does not write");
            }
            i += 1 + fraction;
        }
        if (i < end && (utf8[i] == 'e' || utf8[i] == 'E')) {
            i++;
            if (i < end && (utf8[i] == '+' || utf8[i] == '-')) {
                i++;
            }
            int exponent = digits(i);
            if (exponent == 0) {
                throw new JSONException("a number JSON does not write");
            }
            i += exponent;
        }
        if (i - first > MAX_NUMBER) {
            throw new JSONException("a number of more than " + MAX_NUMBER + " characters");
        }
        return i;
    }

    private int digits(int from) {
        int i = from;
        while (i < end && utf8[i] >= '0' && utf8[i] <= '9') {
            i++;
        }
        return i - from;
    }

    private static void requireUtf8(LineBytes line) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line.bytes(), line.from(), line.length()));
        } catch (CharacterCodingException e) {
            throw new JSONException("malformed UTF-8", e);
        }
    }
}
