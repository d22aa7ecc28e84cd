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
 * <p>The lines come in blocks: one array holds many whole lines, read into it straight from the
 * file, and each line is a range of it, so no line is copied on its way to a decoder thread. A
 * line longer than a block gets a block of its own, as large as it needs.
 *
 * <p>One per file, on one thread.
 */
final class ByteLines {

    /** What a block holds at least, unless the file ends first. */
    static final int BLOCK = 1 << 16;

    private static final long LINE_FEEDS = EightBytes.repeated('\n');
    private static final long CARRIAGE_RETURNS = EightBytes.repeated('\r');

    private final InputStream in;
    /** The start of a line the last block could not hold whole. */
    private byte[] tail = new byte[0];

    private int tailLength;
    private boolean exhausted;
    /** Lines handed out so far. */
    private int number;
    /** Set by {@link #lineFeed}: a carriage return may stand on the line it found. */
    private boolean carriageReturn;

    ByteLines(InputStream in) {
        this.in = in;
    }

    /**
     * Whole lines of the file, line {@code i} being the bytes from {@code starts[i]} to {@code
     * ends[i]} (its ending left out, lone carriage returns already spaces), numbered from {@code
     * firstNumber}.
     */
    record Block(byte[] bytes, int[] starts, int[] ends, int count, int firstNumber) {}

    /**
     * The next block, read into {@code spare} when it is given and large enough (a block handed
     * out before and done with), else into a new array; {@code null} after the last line.
     */
    Block next(byte[] spare) throws IOException {
        if (exhausted && tailLength == 0) {
            return null;
        }
        int size = Math.max(BLOCK, tailLength * 2);
        byte[] buffer = spare != null && spare.length >= size ? spare : new byte[size];
        System.arraycopy(tail, 0, buffer, 0, tailLength);
        int end = tailLength;
        tailLength = 0;

        int lastFeed;
        while (true) {
            end = fill(buffer, end);
            lastFeed = lastLineFeed(buffer, end);
            if (lastFeed >= 0 || exhausted) {
                break;
            }
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }

        int cut = exhausted ? end : lastFeed + 1;
        if (cut == 0) {
            return null;
        }
        Block block = cut(buffer, cut);
        keepTail(buffer, cut, end);
        return block;
    }

    /** Reads until the buffer is full or the file ends; the new end. */
    private int fill(byte[] buffer, int from) throws IOException {
        int end = from;
        while (!exhausted && end < buffer.length) {
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                exhausted = true;
            } else {
                end += read;
            }
        }
        return end;
    }

    private static int lastLineFeed(byte[] buffer, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The lines in {@code buffer} up to {@code cut}, the last of which may have no line feed. */
    private Block cut(byte[] buffer, int cut) {
        int capacity = 64;
        int[] starts = new int[capacity];
        int[] ends = new int[capacity];
        int count = 0;
        int firstNumber = number + 1;
        int start = 0;
        while (start < cut) {
            int found = lineFeed(buffer, start, cut);
            int feed = found < 0 ? cut : found;
            int last = found >= 0 && feed > start && buffer[feed - 1] == '\r' ? feed - 1 : feed;
            if (carriageReturn) {
                blankCarriageReturns(buffer, start, last);
            }
            if (count == capacity) {
                capacity *= 2;
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
            }
            starts[count] = start;
            ends[count] = last;
            count++;
            start = feed + 1;
        }
        number += count;
        return new Block(buffer, starts, ends, count, firstNumber);
    }

    private void keepTail(byte[] buffer, int from, int end) {
        tailLength = end - from;
        if (tail.length < tailLength) {
            tail = new byte[Math.max(tailLength, tail.length * 2)];
        }
        System.arraycopy(buffer, from, tail, 0, tailLength);
    }

    /**
     * The first line feed from {@code from} before {@code to}, or -1, noting in {@link
     * #carriageReturn} whether a carriage return may stand before it. Eight bytes at a time (see
     * {@link EightBytes}).
     */
    private int lineFeed(byte[] bytes, int from, int to) {
        carriageReturn = false;
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = EightBytes.at(bytes, i);
            long feeds = EightBytes.firstZeroByte(word ^ LINE_FEEDS);
            carriageReturn |= EightBytes.firstZeroByte(word ^ CARRIAGE_RETURNS) != 0;
            if (feeds != 0) {
                return EightBytes.firstMarked(i, feeds);
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
            carriageReturn |= bytes[i] == '\r';
        }
        return -1;
    }

    private static void blankCarriageReturns(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\r') {
                bytes[i] = ' ';
            }
        }
    }
}
