package io.sightline.formats.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The fields of one Tetragon export record that {@link TetragonMapper} reads, taken from a token
 * stream without building a tree: every other field is skipped token by token.
 *
 * <p>The fields mean what they would in the record's {@code JsonNode}: a field given twice keeps its
 * last value (an object given twice keeps the last object whole), a field that holds the wrong
 * kind of value (an object where a path goes on, a scalar where an object is expected) is absent
 * below it, and JSON {@code null} is absent. A scalar is held as the parser gave it: {@code null}
 * when absent, a {@link String}, a {@link Long} for an integer that fits, or else the {@link
 * JsonNode} the tree reader would have built, so that a boolean, a fraction or an object where a
 * number belongs reads, and is rejected, exactly as it was in a tree.
 *
 * <p>Mutable while it is read, then only read; one per record, on one thread.
 */
final class TetragonRecord {

    /** Builds the node of an unusual scalar as the line's tree reader would. */
    private static final ObjectMapper VALUES = new ObjectMapper();

    Object nodeName;
    Object time;

    /** The {@code process_*} fields in the order they first appear; {@code null} where not an object. */
    final Map<String, Event> events = new LinkedHashMap<>(4);

    private TetragonRecord() {}

    /** Reads the object the parser stands on ({@code START_OBJECT}) up to its {@code END_OBJECT}. */
    static TetragonRecord read(JsonParser parser) throws IOException {
        parser.nextToken();
        return readFields(parser);
    }

    /** Reads the rest of an object from the field name the parser stands on. */
    static TetragonRecord readFields(JsonParser parser) throws IOException {
        TetragonRecord record = new TetragonRecord();
        for (JsonToken token = parser.currentToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "node_name" -> record.nodeName = scalar(parser, value);
                case "time" -> record.time = scalar(parser, value);
                default -> {
                    if (name.startsWith("process_")) {
                        record.events.put(name, value == JsonToken.START_OBJECT ? Event.read(parser) : skip(parser));
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        }
        return record;
    }

    /** The event field Tetragon names its record by: the first {@code process_*} field that is an object. */
    Optional<Entry<String, Event>> event() {
        for (Entry<String, Event> event : events.entrySet()) {
            if (event.getValue() != null) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }

    /** The body of a {@code process_exec}, {@code process_exit}, {@code process_kprobe} or other event. */
    static final class Event {
        Process process;
        Process parent;
        Object functionName;
        Object time;
        Object sourceIp;
        Object sourcePort;
        Object destinationIp;
        Object destinationPort;
        List<Argument> args = List.of();
        Sock returnedSock;

        static Event read(JsonParser parser) throws IOException {
            Event event = new Event();
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "process" ->
                        event.process = value == JsonToken.START_OBJECT ? Process.read(parser) : skip(parser);
                    case "parent" ->
                        event.parent = value == JsonToken.START_OBJECT ? Process.read(parser) : skip(parser);
                    case "function_name" -> event.functionName = scalar(parser, value);
                    case "time" -> event.time = scalar(parser, value);
                    case "source_ip" -> event.sourceIp = scalar(parser, value);
                    case "source_port" -> event.sourcePort = scalar(parser, value);
                    case "destination_ip" -> event.destinationIp = scalar(parser, value);
                    case "destination_port" -> event.destinationPort = scalar(parser, value);
                    case "args" -> event.args = Argument.readAll(parser, value);
                    case "return" ->
                        event.returnedSock = value == JsonToken.START_OBJECT ? returned(parser) : skip(parser);
                    default -> parser.skipChildren();
                }
            }
            return event;
        }

        /** {@code return.sock_arg}, when {@code return} is an object that holds one. */
        private static Sock returned(JsonParser parser) throws IOException {
            Sock sock = null;
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("sock_arg")) {
                    sock = value == JsonToken.START_OBJECT ? Sock.read(parser) : skip(parser);
                } else {
                    parser.skipChildren();
                }
            }
            return sock;
        }
    }

    /** A {@code process} or {@code parent}. */
    static final class Process {
        Object execId;
        Object pid;
        Object startTime;
        Object binary;
        Object arguments;
        Object uid;
        Object docker;
        Pod pod;

        static Process read(JsonParser parser) throws IOException {
            Process process = new Process();
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "exec_id" -> process.execId = scalar(parser, value);
                    case "pid" -> process.pid = scalar(parser, value);
                    case "start_time" -> process.startTime = scalar(parser, value);
                    case "binary" -> process.binary = scalar(parser, value);
                    case "arguments" -> process.arguments = scalar(parser, value);
                    case "uid" -> process.uid = scalar(parser, value);
                    case "docker" -> process.docker = scalar(parser, value);
                    case "pod" -> process.pod = value == JsonToken.START_OBJECT ? Pod.read(parser) : skip(parser);
                    default -> parser.skipChildren();
                }
            }
            return process;
        }
    }

    /** {@code process.pod}, with its {@code container} and the container's {@code image} flattened in. */
    static final class Pod {
        Object namespace;
        Object name;
        Object containerId;
        Object containerName;
        Object imageId;
        Object imageName;

        static Pod read(JsonParser parser) throws IOException {
            Pod pod = new Pod();
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "namespace" -> pod.namespace = scalar(parser, value);
                    case "name" -> pod.name = scalar(parser, value);
                    case "container" -> pod.readContainer(parser, value);
                    default -> parser.skipChildren();
                }
            }
            return pod;
        }

        private void readContainer(JsonParser parser, JsonToken value) throws IOException {
            containerId = null;
            containerName = null;
            imageId = null;
            imageName = null;
            if (value != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                switch (field) {
                    case "id" -> containerId = scalar(parser, fieldValue);
                    case "name" -> containerName = scalar(parser, fieldValue);
                    case "image" -> readImage(parser, fieldValue);
                    default -> parser.skipChildren();
                }
            }
        }

        private void readImage(JsonParser parser, JsonToken value) throws IOException {
            imageId = null;
            imageName = null;
            if (value != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                switch (field) {
                    case "id" -> imageId = scalar(parser, fieldValue);
                    case "name" -> imageName = scalar(parser, fieldValue);
                    default -> parser.skipChildren();
                }
            }
        }
    }

    /**
     * One element of a kprobe's {@code args}. As a tree walks them, {@code args} as an object
     * gives its field values and any other scalar gives none; an element that is no object
     * matches nothing and is left out.
     */
    static final class Argument {
        Sock sock;
        FileArgument file;
        Object intArg;

        static List<Argument> readAll(JsonParser parser, JsonToken value) throws IOException {
            if (value == JsonToken.START_ARRAY) {
                List<Argument> arguments = new ArrayList<>(4);
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    addElement(parser, token, arguments);
                }
                return arguments;
            }
            if (value == JsonToken.START_OBJECT) {
                List<Argument> arguments = new ArrayList<>(4);
                for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                    addElement(parser, parser.nextToken(), arguments);
                }
                return arguments;
            }
            parser.skipChildren();
            return List.of();
        }

        private static void addElement(JsonParser parser, JsonToken token, List<Argument> into) throws IOException {
            if (token == JsonToken.START_OBJECT) {
                into.add(read(parser));
            } else {
                parser.skipChildren();
            }
        }

        private static Argument read(JsonParser parser) throws IOException {
            Argument argument = new Argument();
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "sock_arg" ->
                        argument.sock = value == JsonToken.START_OBJECT ? Sock.read(parser) : skip(parser);
                    case "file_arg" ->
                        argument.file = value == JsonToken.START_OBJECT ? FileArgument.read(parser) : skip(parser);
                    case "int_arg" -> argument.intArg = scalar(parser, value);
                    default -> parser.skipChildren();
                }
            }
            return argument;
        }

        /** The tree's {@code canConvertToLong}: an integer in range or a fraction; never a string. */
        OptionalLong intValue() {
            if (intArg instanceof Long value) {
                return OptionalLong.of(value);
            }
            if (intArg instanceof JsonNode node && node.canConvertToLong()) {
                return OptionalLong.of(node.asLong());
            }
            return OptionalLong.empty();
        }
    }

    /** A {@code sock_arg}: the local end in saddr/sport, the remote in daddr/dport. */
    static final class Sock {
        Object saddr;
        Object sport;
        Object daddr;
        Object dport;

        static Sock read(JsonParser parser) throws IOException {
            Sock sock = new Sock();
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "saddr" -> sock.saddr = scalar(parser, value);
                    case "sport" -> sock.sport = scalar(parser, value);
                    case "daddr" -> sock.daddr = scalar(parser, value);
                    case "dport" -> sock.dport = scalar(parser, value);
                    default -> parser.skipChildren();
                }
            }
            return sock;
        }
    }

    /** A {@code file_arg}. */
    static final class FileArgument {
        Object path;

        static FileArgument read(JsonParser parser) throws IOException {
            FileArgument file = new FileArgument();
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("path")) {
                    file.path = scalar(parser, value);
                } else {
                    parser.skipChildren();
                }
            }
            return file;
        }
    }

    /** {@link Fields#text}: absent, null, an object or an array, empty and {@code <NA>} are no text. */
    static Optional<String> text(Object value) {
        String text;
        if (value == null) {
            return Optional.empty();
        } else if (value instanceof String string) {
            text = string;
        } else if (value instanceof JsonNode node) {
            if (node.isMissingNode() || node.isNull() || node.isContainerNode()) {
                return Optional.empty();
            }
            text = node.asText();
        } else {
            text = value.toString();
        }
        return text.isEmpty() || text.equals("<NA>") ? Optional.empty() : Optional.of(text);
    }

    static String requiredText(Object value, String path) throws RecordException {
        return text(value).orElseThrow(() -> RecordException.missing(path));
    }

    /** {@link Fields#number}: an integer, a fraction in range, or a string that holds an integer. */
    static OptionalLong number(Object value, String path) throws RecordException {
        if (value == null) {
            return OptionalLong.empty();
        }
        if (value instanceof Long number) {
            return OptionalLong.of(number);
        }
        if (value instanceof String string) {
            try {
                return OptionalLong.of(Long.parseLong(string.trim()));
            } catch (NumberFormatException e) {
                throw RecordException.invalid(path, "a number", string);
            }
        }
        JsonNode node = (JsonNode) value;
        if (node.isNull() || node.isMissingNode()) {
            return OptionalLong.empty();
        }
        if (node.canConvertToLong()) {
            return OptionalLong.of(node.asLong());
        }
        throw RecordException.invalid(path, "a number", node);
    }

    static long requiredNumber(Object value, String path) throws RecordException {
        OptionalLong number = number(value, path);
        if (number.isEmpty()) {
            throw RecordException.missing(path);
        }
        return number.getAsLong();
    }

    static Optional<Instant> instant(Object value, String path) throws RecordException {
        return Fields.instant(text(value), path);
    }

    static Instant requiredInstant(Object value, String path) throws RecordException {
        return instant(value, path).orElseThrow(() -> RecordException.missing(path));
    }

    /**
     * The scalar the parser stands on. Strings and integers that fit a long are the common case;
     * anything else is built as the tree reader builds it, and JSON null is absent.
     */
    private static Object scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType type = parser.getNumberType();
                yield type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG
                        ? Long.valueOf(parser.getLongValue())
                        : VALUES.readTree(parser);
            }
            default -> VALUES.readTree(parser);
        };
    }

    /** Skips a value that is not the object a field should hold; the field is then absent. */
    private static <T> T skip(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
    }
}
