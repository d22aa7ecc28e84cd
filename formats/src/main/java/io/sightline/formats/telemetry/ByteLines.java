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
    private static final long LINE_FEEDS = EightBytes.repeated('\n');
    private static final long CARRIAGE_RETURNS = EightBytes.repeated('\r');

    private final InputStream in;
    private byte[] buffer = new byte[BLOCK];
    private int start;
    private int end;
    private boolean exhausted;
    private int number;
    /** A carriage return was seen since the last line was taken, so it may hold one to blank. */
    private boolean carriageReturn;

    ByteLines(InputStream in) {
        this.in = in;
    }

    /** The next line's bytes, without its ending, or {@code null} after the last. */
    byte[] next() throws IOException {
        int scanned = start;
        while (true) {
            int feed = lineFeed(scanned);
            if (feed >= 0) {
                int last = feed > start && buffer[feed - 1] == '\r' ? feed - 1 : feed;
                byte[] line = take(last);
                start = feed + 1;
                return line;
            }
            if (exhausted) {
                return start < end ? take(end) : null;
            }
            scanned = end - start;
            fill();
            scanned += start;
        }
    }

    /**
     * The first line feed from {@code from}, or -1, noting whether a carriage return came before
     * it. Eight bytes at a time (see {@link EightBytes}).
     */
    private int lineFeed(int from) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long word = EightBytes.at(buffer, i);
            long feeds = EightBytes.firstZeroByte(word ^ LINE_FEEDS);
            if (EightBytes.firstZeroByte(word ^ CARRIAGE_RETURNS) != 0) {
                carriageReturn = true;
            }
            if (feeds != 0) {
                return EightBytes.firstMarked(i, feeds);
            }
        }
        for (; i < end; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
            if (buffer[i] == '\r') {
                carriageReturn = true;
            }
        }
        return -1;
    }

    /** The number of the line {@link #next} gave last, from 1. */
    int number() {
        return number;
    }

    private byte[] take(int to) {
        byte[] line = Arrays.copyOfRange(buffer, start, to);
        if (carriageReturn) {
            for (int i = 0; i < line.length; i++) {
                if (line[i] == '\r') {
                    line[i] = ' ';
                }
            }
            carriageReturn = false;
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
