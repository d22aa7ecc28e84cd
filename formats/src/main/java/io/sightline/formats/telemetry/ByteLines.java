package io.sightline.formats.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A file's lines as their UTF-8 bytes, cut as {@link LineFeedReader} and {@code readLine} cut the
 * characters: a line ends at a line feed (a carriage return before it is part of the ending), a
 * lone carriage return reads as a space, and the last line needs no ending. The decoders parse
 * JSON from the bytes, which spares decoding every line into characters and encoding it back.
 *
 * <p>One per file, on one thread.
 */
final class ByteLines {

    private static final int BLOCK = 1 << 16;

    private final InputStream in;
    private byte[] buffer = new byte[BLOCK];
    private int start;
    private int end;
    private boolean exhausted;
    private int number;

    ByteLines(InputStream in) {
        this.in = in;
    }

    /** The next line's bytes, without its ending, or {@code null} after the last. */
    byte[] next() throws IOException {
        int scanned = start;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    int last = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    byte[] line = take(last);
                    start = i + 1;
                    return line;
                }
            }
            if (exhausted) {
                return start < end ? take(end) : null;
            }
            scanned = end - start;
            fill();
            scanned += start;
        }
    }

    /** The number of the line {@link #next} gave last, from 1. */
    int number() {
        return number;
    }

    private byte[] take(int to) {
        byte[] line = Arrays.copyOfRange(buffer, start, to);
        for (int i = 0; i < line.length; i++) {
            if (line[i] == '\r') {
                line[i] = ' ';
            }
        }
        start = to;
        number++;
        return line;
    }

    /** Moves the unread bytes to the front, grows the buffer if a line fills it, and reads more. */
    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int read = in.read(buffer, end, buffer.length - end);
        if (read < 0) {
            exhausted = true;
        } else {
            end += read;
        }
    }
}
