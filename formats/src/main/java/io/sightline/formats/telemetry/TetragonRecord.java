package io.sightline.formats.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The fields of one Tetragon export record that {@link TetragonMapper} reads, taken from the
 * record's JSON ({@link JsonValues}: a line's bytes with fastjson2, or a tree already built) without building a tree: every other field is skipped
 * value by value. fastjson2 because this is the one record format read millions of times a run,
 * and its reader tokenises these lines about twice as fast as Jackson's streaming parser here
 * (the benchmark's tokenise-only figures).
 *
 * <p>The fields mean what they would in the record's {@code JsonNode}: a field given twice keeps its
 * last value (an object given twice keeps the last object whole), a field that holds the wrong
 * kind of value (an object where a path goes on, a scalar where an object is expected) is absent
 * below it, and JSON {@code null} is absent. A scalar is held as {@code null} when absent, a
 * {@link String}, a {@link Long} for an integer that fits, or else the {@link JsonNode} Jackson's
 * tree reader would have built (a boolean, a fraction as a double, a larger integer, an object
 * where a scalar belongs), so that it reads, and is rejected, exactly as it was in a tree.
 *
 * <p>Mutable while it is read, then only read; one per record, on one thread.
 */
final class TetragonRecord {

    Object nodeName;
    Object time;

    /** The {@code process_*} fields in the order they first appear; {@code null} where not an object. */
    final Map<String, Event> events = new LinkedHashMap<>(4);

    private TetragonRecord() {}

    /** Reads the object the cursor stands on, up to its end. */
    static TetragonRecord read(JsonValues json) {
        if (!json.enterObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        String first = json.firstName();
        return first == null ? new TetragonRecord() : readFields(json, first);
    }

    /** Reads the rest of an object whose field {@code first} was just read. */
    static TetragonRecord readFields(JsonValues json, String first) {
        TetragonRecord record = new TetragonRecord();
        for (String name = first; name != null; name = json.nextName()) {
            switch (name) {
                case "node_name" -> record.nodeName = json.scalar();
                case "time" -> record.time = json.scalar();
                default -> {
                    if (name.startsWith("process_")) {
                        record.events.put(name, json.atObject() ? Event.read(json) : skip(json));
                    } else {
                        json.skip();
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

        static Event read(JsonValues json) {
            Event event = new Event();
            for (String name = firstName(json); name != null; name = json.nextName()) {
                switch (name) {
                    case "process" -> event.process = json.atObject() ? Process.read(json) : skip(json);
                    case "parent" -> event.parent = json.atObject() ? Process.read(json) : skip(json);
                    case "function_name" -> event.functionName = json.scalar();
                    case "time" -> event.time = json.scalar();
                    case "source_ip" -> event.sourceIp = json.scalar();
                    case "source_port" -> event.sourcePort = json.scalar();
                    case "destination_ip" -> event.destinationIp = json.scalar();
                    case "destination_port" -> event.destinationPort = json.scalar();
                    case "args" -> event.args = Argument.readAll(json);
                    case "return" -> event.returnedSock = json.atObject() ? returned(json) : skip(json);
                    default -> json.skip();
                }
            }
            return event;
        }

        /** {@code return.sock_arg}, when {@code return} is an object that holds one. */
        private static Sock returned(JsonValues json) {
            Sock sock = null;
            for (String name = firstName(json); name != null; name = json.nextName()) {
                if (name.equals("sock_arg")) {
                    sock = json.atObject() ? Sock.read(json) : skip(json);
                } else {
                    json.skip();
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

        static Process read(JsonValues json) {
            Process process = new Process();
            for (String name = firstName(json); name != null; name = json.nextName()) {
                switch (name) {
                    case "exec_id" -> process.execId = json.scalar();
                    case "pid" -> process.pid = json.scalar();
                    case "start_time" -> process.startTime = json.scalar();
                    case "binary" -> process.binary = json.scalar();
                    case "arguments" -> process.arguments = json.scalar();
                    case "uid" -> process.uid = json.scalar();
                    case "docker" -> process.docker = json.scalar();
                    case "pod" -> process.pod = json.atObject() ? Pod.read(json) : skip(json);
                    default -> json.skip();
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

        static Pod read(JsonValues json) {
            Pod pod = new Pod();
            for (String field = firstName(json); field != null; field = json.nextName()) {
                switch (field) {
                    case "namespace" -> pod.namespace = json.scalar();
                    case "name" -> pod.name = json.scalar();
                    case "container" -> pod.readContainer(json);
                    default -> json.skip();
                }
            }
            return pod;
        }

        private void readContainer(JsonValues json) {
            containerId = null;
            containerName = null;
            imageId = null;
            imageName = null;
            if (!json.atObject()) {
                json.skip();
                return;
            }
            for (String field = firstName(json); field != null; field = json.nextName()) {
                switch (field) {
                    case "id" -> containerId = json.scalar();
                    case "name" -> containerName = json.scalar();
                    case "image" -> readImage(json);
                    default -> json.skip();
                }
            }
        }

        private void readImage(JsonValues json) {
            imageId = null;
            imageName = null;
            if (!json.atObject()) {
                json.skip();
                return;
            }
            for (String field = firstName(json); field != null; field = json.nextName()) {
                switch (field) {
                    case "id" -> imageId = json.scalar();
                    case "name" -> imageName = json.scalar();
                    default -> json.skip();
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

        static List<Argument> readAll(JsonValues json) {
            if (json.enterArray()) {
                List<Argument> arguments = new ArrayList<>(4);
                for (boolean first = true; !json.arrayEnds(first); first = false) {
                    addElement(json, arguments);
                }
                return arguments;
            }
            if (json.atObject()) {
                List<Argument> arguments = new ArrayList<>(4);
                for (String name = firstName(json); name != null; name = json.nextName()) {
                    addElement(json, arguments);
                }
                return arguments;
            }
            json.skip();
            return List.of();
        }

        private static void addElement(JsonValues json, List<Argument> into) {
            if (json.atObject()) {
                into.add(read(json));
            } else {
                json.skip();
            }
        }

        private static Argument read(JsonValues json) {
            Argument argument = new Argument();
            for (String name = firstName(json); name != null; name = json.nextName()) {
                switch (name) {
                    case "sock_arg" -> argument.sock = json.atObject() ? Sock.read(json) : skip(json);
                    case "file_arg" -> argument.file = json.atObject() ? FileArgument.read(json) : skip(json);
                    case "int_arg" -> argument.intArg = json.scalar();
                    default -> json.skip();
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

        static Sock read(JsonValues json) {
            Sock sock = new Sock();
            for (String name = firstName(json); name != null; name = json.nextName()) {
                switch (name) {
                    case "saddr" -> sock.saddr = json.scalar();
                    case "sport" -> sock.sport = json.scalar();
                    case "daddr" -> sock.daddr = json.scalar();
                    case "dport" -> sock.dport = json.scalar();
                    default -> json.skip();
                }
            }
            return sock;
        }
    }

    /** A {@code file_arg}. */
    static final class FileArgument {
        Object path;

        static FileArgument read(JsonValues json) {
            FileArgument file = new FileArgument();
            for (String name = firstName(json); name != null; name = json.nextName()) {
                if (name.equals("path")) {
                    file.path = json.scalar();
                } else {
                    json.skip();
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
                throw RecordException.invalid(path, Fields.WHOLE_NUMBER, string);
            }
        }
        JsonNode node = (JsonNode) value;
        if (node.isNull() || node.isMissingNode()) {
            return OptionalLong.empty();
        }
        if (node.isNumber() && node.canConvertToExactIntegral() && node.canConvertToLong()) {
            return OptionalLong.of(node.asLong());
        }
        throw RecordException.invalid(path, Fields.WHOLE_NUMBER, node);
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

    /** Enters the object the cursor stands on; its first field's name, or null when it is empty. */
    private static String firstName(JsonValues json) {
        json.enterObject();
        return json.firstName();
    }

    /** Skips a value that is not the object a field should hold; the field is then absent. */
    private static <T> T skip(JsonValues json) {
        json.skip();
        return null;
    }
}
