package io.sightline.formats;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Decodes a file's bytes as UTF-8, replacing each invalid byte sequence with U+FFFD instead of
 * failing, and says where the first one was so that the file's reader can note it. A leading byte
 * order mark is dropped, as a JSON parser reading the bytes would.
 */
record Utf8Text(String text, Optional<Invalid> firstInvalid, int invalidCount) {

    Utf8Text {
        requireNonNull(text, "text is null");
        requireNonNull(firstInvalid, "firstInvalid is null");
    }

    /** Where an invalid sequence starts: its byte offset (from 0), line (from 1) and first byte. */
    record Invalid(long offset, int line, int value) {}

    static Utf8Text decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 16);
        Optional<Invalid> first = Optional.empty();
        int count = 0;
        while (true) {
            CoderResult result = in.hasRemaining() ? decoder.decode(in, out, true) : decoder.flush(out);
            if (result.isUnderflow() && !in.hasRemaining()) {
                decoder.flush(out);
                break;
            }
            if (result.isOverflow()) {
                out = grow(out);
                continue;
            }
            if (result.isError()) {
                int at = in.position();
                if (first.isEmpty()) {
                    first = Optional.of(new Invalid(at, lineAt(bytes, at), bytes[at] & 0xff));
                }
                count++;
                if (!out.hasRemaining()) {
                    out = grow(out);
                }
                out.put('\uFFFD');
                in.position(at + result.length());
            }
        }
        out.flip();
        String text = out.toString();
        // a UTF-8 byte order mark (Windows tools write one) is no part of the text
        return new Utf8Text(text.startsWith("\uFEFF") ? text.substring(1) : text, first, count);
    }

    private static CharBuffer grow(CharBuffer out) {
        CharBuffer bigger = CharBuffer.allocate(out.capacity() * 2 + 16);
        out.flip();
        bigger.put(out);
        return bigger;
    }

    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
