package io.sightline.formats.telemetry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Looking at a byte array eight bytes at a time, as one {@code long} whose lowest byte is the
 * first: a byte equal to {@code b} is a zero byte of the word xor {@link #repeated repeated(b)}.
 * What the line readers scan every byte of a file with.
 */
final class EightBytes {

    /** The high bit of every byte. */
    static final long HIGH_BITS = 0x8080808080808080L;

    private static final long ONES = 0x0101010101010101L;
    private static final long LOW_SEVEN = 0x7F7F7F7F7F7F7F7FL;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private EightBytes() {}

    /** The eight bytes from {@code index}, the first lowest. */
    static long at(byte[] bytes, int index) {
        return (long) LONGS.get(bytes, index);
    }

    /** {@code b} in every byte. */
    static long repeated(int b) {
        return ONES * (b & 0xFF);
    }

    /**
     * A high bit in the lowest zero byte of {@code x}, and perhaps falsely in bytes above it (a
     * borrow): enough to tell whether there is one and where the first is, in three operations.
     */
    static long firstZeroByte(long x) {
        return (x - ONES) & ~x & HIGH_BITS;
    }

    /** A high bit set exactly in each zero byte of {@code x}, for counting them. */
    static long zeroBytes(long x) {
        return ~(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN);
    }

    /**
     * A high bit in (at least) the lowest byte of {@code x} below {@code limit}, at most 0x80, and
     * none when every byte is at or above it; bytes with the high bit set are never below.
     */
    static long byteBelow(long x, int limit) {
        return (x - repeated(limit)) & ~x & HIGH_BITS;
    }

    /** The index of the byte a mark of {@link #firstZeroByte} stands in, the word starting at {@code index}. */
    static int firstMarked(int index, long marks) {
        return index + (Long.numberOfTrailingZeros(marks) >>> 3);
    }
}
