package io.sightline.formats.telemetry;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;

/**
 * A reader whose lines end at a line feed only, as JSON Lines and the log formats count them and
 * as {@code grep -n} does: a carriage return not followed by a line feed becomes a space, so that
 * {@link java.io.BufferedReader#readLine()}, which also ends a line at a lone carriage return,
 * numbers each line as the file does. A CR LF pair is left as it is (a line ending).
 *
 * <p>A space for a lone CR changes nothing a reader here keeps: outside a JSON string it is
 * whitespace either way, and inside one a raw control character is not valid JSON.
 */
final class LineFeedReader extends Reader {

    private final PushbackReader in;

    LineFeedReader(Reader in) {
        this.in = new PushbackReader(in, 1);
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int read = in.read(buffer, offset, length);
        for (int i = offset; i < offset + Math.max(read, 0); i++) {
            if (buffer[i] != '\r') {
                continue;
            }
            if (i + 1 < offset + read) {
                if (buffer[i + 1] != '\n') {
                    buffer[i] = ' ';
                }
                continue;
            }
            int next = in.read();
            if (next != '\n') {
                buffer[i] = ' ';
            }
            if (next != -1) {
                in.unread(next);
            }
        }
        return read;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
