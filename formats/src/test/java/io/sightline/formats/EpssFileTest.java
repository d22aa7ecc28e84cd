package io.sightline.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EpssFileTest {

    @Test
    void readsTheFirstSliceWithItsModelAndDate() throws IOException {
        EpssFile file;
        try (InputStream in = EpssFileTest.class.getResourceAsStream("/corpus/shiftleft/epss/example-1.csv")) {
            file = EpssFile.read(
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), "example-1.csv");
        }

        assertThat(file.modelVersion()).isEqualTo("v2023.03.01");
        assertThat(file.scoreDate()).isEqualTo("2025-02-20T00:00:00+0000");
        assertThat(file.scores())
                .hasSize(5)
                .containsEntry("CVE-1999-0001", 0.00383)
                .containsEntry("CVE-1999-0005", 0.91963);
        assertThat(file.skipped()).isEmpty();
    }

    @Test
    void aBadRowIsSkippedWithItsLineAndAFileWithoutHeaderIsRefused() throws IOException {
        EpssFile file = EpssFile.read(
                new BufferedReader(new StringReader("cve,epss,percentile\nCVE-1,0.5,0.9\nCVE-2,1.7,0.9\n")), "x.csv");
        assertThat(file.scores()).containsOnlyKeys("CVE-1");
        assertThat(file.skipped()).singleElement().satisfies(s -> {
            assertThat(s.line()).isEqualTo(3);
            assertThat(s.reason()).isEqualTo("field epss: expected a probability 0..1, got '1.7'; row skipped");
        });

        assertThatThrownBy(() -> EpssFile.read(new BufferedReader(new StringReader("a,b\n")), "y.csv"))
                .hasMessage("y.csv line 1: expected the FIRST EPSS header 'cve,epss,percentile', got 'a,b'");
    }
}
