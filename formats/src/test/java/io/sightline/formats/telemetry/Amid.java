package io.sightline.formats.telemetry;

import java.nio.charset.StandardCharsets;

/**
 * A line as the decoders get it from a file: a range of a block that holds other lines before
 * and after it, which a reader that strays out of the range would read as part of the line.
 */
final class Amid {

    private static final byte[] BEFORE = "{\"before\":[1,\"\\\\\",\"é\"]}\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AFTER = "\n{\"after\":\"\\x\" 01".getBytes(StandardCharsets.UTF_8);

    private Amid() {}

    static LineBytes line(String text) {
        return line(text.getBytes(StandardCharsets.UTF_8));
    }

    static LineBytes line(byte[] utf8) {
        byte[] block = new byte[BEFORE.length + utf8.length + AFTER.length];
        System.arraycopy(BEFORE, 0, block, 0, BEFORE.length);
        System.arraycopy(utf8, 0, block, BEFORE.length, utf8.length);
        System.arraycopy(AFTER, 0, block, BEFORE.length + utf8.length, AFTER.length);
        return new LineBytes(block, BEFORE.length, BEFORE.length + utf8.length);
    }
}
