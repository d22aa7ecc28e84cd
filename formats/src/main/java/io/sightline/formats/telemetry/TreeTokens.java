package io.sightline.formats.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@link JsonValues} over a tree Jackson already built, walked by its tokens ({@link
 * JsonNode#traverse()}): the server receives records as trees, and writing one back to bytes for
 * {@link JsonCursor} would cost more than walking it. A tree holds valid JSON, so nothing here
 * is refused; an I/O error from walking memory is unexpected and unchecked.
 */
final class TreeTokens implements JsonValues {

    /** Builds the node of a value that is no string, long integer or null. */
    private static final ObjectMapper VALUES = new ObjectMapper();

    private final JsonParser tokens;
    private JsonToken token;

    TreeTokens(JsonNode tree) {
        this.tokens = tree.traverse();
        this.token = next();
    }

    @Override
    public boolean atObject() {
        return token == JsonToken.START_OBJECT;
    }

    @Override
    public boolean enterObject() {
        return passing(JsonToken.START_OBJECT);
    }

    @Override
    public String firstName() {
        return nextName();
    }

    @Override
    public String nextName() {
        if (token == JsonToken.END_OBJECT) {
            token = next();
            return null;
        }
        String name = name();
        token = next();
        return name;
    }

    @Override
    public boolean enterArray() {
        return passing(JsonToken.START_ARRAY);
    }

    @Override
    public boolean arrayEnds(boolean first) {
        return passing(JsonToken.END_ARRAY);
    }

    /** Whether the cursor stands on {@code expected}, which it then passes. */
    private boolean passing(JsonToken expected) {
        if (token != expected) {
            return false;
        }
        token = next();
        return true;
    }

    @Override
    public void skip() {
        try {
            tokens.skipChildren();
        } catch (IOException e) {
            throw unexpected(e);
        }
        token = next();
    }

    @Override
    public Object scalar() {
        Object value;
        try {
            value = switch (token) {
                case VALUE_STRING -> tokens.getText();
                case VALUE_NULL -> null;
                case VALUE_NUMBER_INT -> {
                    JsonParser.NumberType type = tokens.getNumberType();
                    yield type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG
                            ? Long.valueOf(tokens.getLongValue())
                            : VALUES.readTree(tokens);
                }
                default -> VALUES.readTree(tokens);
            };
        } catch (IOException e) {
            throw unexpected(e);
        }
        token = next();
        return value;
    }

    @Override
    public boolean atEnd() {
        return token == null;
    }

    @Override
    public void close() {
        try {
            tokens.close();
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    private String name() {
        try {
            return tokens.currentName();
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    private JsonToken next() {
        try {
            return tokens.nextToken();
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    private static UncheckedIOException unexpected(IOException e) {
        return new UncheckedIOException("walking a parsed JSON tree failed: " + e.getMessage(), e);
    }
}
