package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.rank.RankedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TextReportTest {

    static final String DIGEST = "sha256:" + "ab".repeat(32);

    private static String images(RankedImage... images) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TextReport.writeImages(List.of(images), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static RankedImage image(int rank, String reference, List<String> digests, String joinedBy) {
        return new RankedImage(
                rank,
                reference,
                digests,
                Optional.empty(),
                1.0,
                List.of(),
                Map.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of("scan.json"),
                joinedBy);
    }

    @Test
    void everyImageSaysHowItsReportsWereJoinedAndATagJoinSaysItIsWeaker() {
        String text = images(
                image(1, "docker.io/acme/api:1.4", List.of(DIGEST), "digest"),
                image(2, "docker.io/acme/web:2", List.of(), "tag"));

        assertThat(text)
                .contains("    digest:  " + DIGEST + "  (joined by digest)\n")
                .contains("    digest:  none known  (joined by tag only, lower confidence: no digest ties the"
                        + " reports to the running containers)\n");
    }
}
