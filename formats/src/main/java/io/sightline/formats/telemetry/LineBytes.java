package io.sightline.formats.telemetry;

import java.nio.charset.StandardCharsets;

/**
 * One line's UTF-8 bytes, {@code from} up to {@code to} of an array that may hold more (a block
 * of lines read from a file, see {@link ByteLines}): the decoders read the line where it lies.
 */
record LineBytes(byte[] bytes, int from, int to) {

    LineBytes {
        if (from < 0 || to < from || to > bytes.length) {
            throw new IndexOutOfBoundsException("a line from " + from + " to " + to + " of " + bytes.length + " bytes");
        }
    }

    static LineBytes of(byte[] line) {
        return new LineBytes(line, 0, line.length);
    }

    int length() {
        return to - from;
    }

    /** The line as characters, malformed UTF-8 read as U+FFFD. */
    String text() {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }
}
