package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte lines must be cut exactly as {@link LineFeedReader} and {@code readLine} cut the characters. */
class ByteLinesTest {

    private static final String TEXT = "a\rb\nc\r\nd\r\re\r";

    @Test
    void linesEndAtLineFeedsAndCrLfPairsOnlyAsTheCharacterReaderCutsThem() throws IOException {
        assertThat(lines(stream(TEXT))).containsExactly("1:a b", "2:c", "3:d  e ");
    }

    @Test
    void aCarriageReturnAtTheEndOfOneReadIsJudgedByTheByteThatComesNext() throws IOException {
        assertThat(lines(new OneByteAtATime(TEXT.getBytes(StandardCharsets.UTF_8))))
                .containsExactly("1:a b", "2:c", "3:d  e ");
    }

    @Test
    void aCarriageReturnIsFoundWhereverItFallsInTheEightBytesReadAtATime() throws IOException {
        assertThat(lines(stream("ab\ncd\ref\n0123456789\n0123456\r9\r\nxyz\r")))
                .containsExactly("1:ab", "2:cd ef", "3:0123456789", "4:0123456 9", "5:xyz ");
    }

    @Test
    void emptyLinesAreCountedAndAFinalLineFeedEndsTheLastLine() throws IOException {
        assertThat(lines(stream("x\n\n\r\ny\n"))).containsExactly("1:x", "2:", "3:", "4:y");
        assertThat(lines(stream(""))).isEmpty();
    }

    @Test
    void aLineLongerThanTheBufferComesWholeAndItsCrLfSpansTwoReads() throws IOException {
        String longLine = "{\"v\":\"" + "é".repeat(50_000) + "\"}";
        List<String> lines = lines(stream(longLine + "\r\nnext"));

        assertThat(lines).containsExactly("1:" + longLine, "2:next");
    }

    @Test
    void blocksHoldWholeLinesAndASpareBlockIsReadInto() throws IOException {
        String line = "x".repeat(999) + "\n";
        ByteLines lines = new ByteLines(stream(line.repeat(150)));

        ByteLines.Block first = lines.next(null);
        byte[] spare = first.bytes();
        ByteLines.Block second = lines.next(spare);
        ByteLines.Block third = lines.next(null);

        // 65,536 bytes hold 65 lines of 1,000 bytes; the 66th is carried into the next block.
        assertThat(first.count()).isEqualTo(65);
        assertThat(first.firstNumber()).isEqualTo(1);
        assertThat(second.bytes()).isSameAs(spare);
        assertThat(second.firstNumber()).isEqualTo(66);
        assertThat(second.count()).isEqualTo(65);
        assertThat(third.firstNumber()).isEqualTo(131);
        assertThat(third.count()).isEqualTo(20);
        assertThat(third.ends()[19] - third.starts()[19]).isEqualTo(999);
        assertThat(lines.next(null)).isNull();
    }

    private static List<String> lines(InputStream in) throws IOException {
        ByteLines lines = new ByteLines(in);
        List<String> read = new ArrayList<>();
        for (ByteLines.Block block = lines.next(null); block != null; block = lines.next(null)) {
            for (int i = 0; i < block.count(); i++) {
                String text = new String(
                        block.bytes(), block.starts()[i], block.ends()[i] - block.starts()[i], StandardCharsets.UTF_8);
                read.add(block.firstNumber() + i + ":" + text);
            }
        }
        return read;
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A source that hands out one byte per read, so that every CR ends a read. */
    private static final class OneByteAtATime extends InputStream {

        private final byte[] bytes;
        private int next;

        OneByteAtATime(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return next == bytes.length ? -1 : bytes[next++] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (next == bytes.length) {
                return -1;
            }
            buffer[offset] = bytes[next++];
            return 1;
        }
    }
}
