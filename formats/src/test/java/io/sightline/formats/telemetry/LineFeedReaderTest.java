package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFeedReaderTest {

    private static final String TEXT = "a\rb\nc\r\nd\r\re\r";

    @Test
    void linesEndAtLineFeedsAndCrLfPairsOnly() throws IOException {
        assertThat(lines(new StringReader(TEXT))).containsExactly("a b", "c", "d  e ");
    }

    @Test
    void aCarriageReturnAtTheEndOfOneReadIsJudgedByTheFirstCharacterOfTheNext() throws IOException {
        assertThat(lines(new OneCharacterAtATime(TEXT))).containsExactly("a b", "c", "d  e ");
    }

    private static List<String> lines(Reader source) throws IOException {
        try (BufferedReader reader = new BufferedReader(new LineFeedReader(source))) {
            return reader.lines().toList();
        }
    }

    /** A source that hands out one character per read, so that every CR ends a read. */
    private static final class OneCharacterAtATime extends Reader {

        private final String text;
        private int next;

        OneCharacterAtATime(String text) {
            this.text = text;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (next == text.length()) {
                return -1;
            }
            buffer[offset] = text.charAt(next++);
            return 1;
        }

        @Override
        public void close() {}
    }
}
