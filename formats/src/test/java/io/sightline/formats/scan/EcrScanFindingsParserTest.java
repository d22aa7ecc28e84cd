package io.sightline.formats.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Cvss;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.formats.RecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * ECR's DescribeImageScanFindings. The basic scanning response is hand-written from the AWS API
 * reference ({@code corpus/handwritten/SOURCES.md}); the enhanced one wraps the corpus's real
 * Inspector findings in ECR's envelope, with Inspector's {@code inspectorScore} renamed to ECR's
 * {@code score}.
 */
class EcrScanFindingsParserTest {

    static final String DIGEST = "sha256:4b3f1a9c0e2d7a5b6c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";

    private final List<SkippedRecord> skipped = new ArrayList<>();

    private List<ScanReport> parse(JsonNode root) throws RecordException {
        ScanFormat format = ScanFormats.detect(root).orElseThrow();
        assertThat(format.name()).isEqualTo("ecr-scan-findings");
        return format.parse(root, "ecr.json", skipped);
    }

    @Test
    void basicFindingsNameTheCveAndThePackageInTheirAttributes() throws RecordException {
        ScanReport report = parse(ScanSamples.handwritten("ecr/describe-image-scan-findings-basic.json"))
                .getFirst();

        assertThat(report.scanner()).isEqualTo("ecr");
        assertThat(report.repoDigests()).containsExactly(DIGEST);
        assertThat(report.image())
                .as("the response names no region, so no registry reference")
                .isEmpty();
        assertThat(report.findings())
                .extracting(Finding::id)
                .containsExactly("CVE-2023-4911", "CVE-2023-45853", "CVE-2011-3374");
        Finding glibc = report.findings().getFirst();
        assertThat(glibc.pkg()).isEqualTo(new PackageRef("glibc", "2.36-9+deb12u1", "os", Optional.empty()));
        assertThat(glibc.severity()).isEqualTo(Severity.HIGH);
        assertThat(glibc.cvssScore()).hasValue(7.2);
        assertThat(glibc.scores().cvss())
                .containsExactly(new Cvss("ecr", "2.0", OptionalDouble.of(7.2), "AV:L/AC:L/Au:N/C:C/I:C/A:C"));
        assertThat(glibc.fixable()).as("basic scanning gives no fixed version").isFalse();
        assertThat(report.findings().get(2).severity()).isEqualTo(Severity.INFO);
        assertThat(report.findings().get(2).scores().cvss()).isEmpty();
        assertThat(skipped)
                .singleElement()
                .extracting(SkippedRecord::reason)
                .asString()
                .startsWith("imageScanFindings.findings[3]: expected attribute package_name, got attributes")
                .endsWith("; finding skipped");
    }

    @Test
    void enhancedFindingsAreReadAsInspectorFindings() throws RecordException {
        ObjectNode root = (ObjectNode) ScanSamples.handwritten("ecr/describe-image-scan-findings-basic.json");
        ObjectNode scan = (ObjectNode) root.path("imageScanFindings");
        scan.putArray("findings");
        ArrayNode enhanced = scan.putArray("enhancedFindings");
        for (JsonNode finding :
                ScanSamples.corpus("aws/aws_inspector2_many_vul.json").path("findings")) {
            ObjectNode copy = finding.deepCopy();
            copy.set("score", copy.remove("inspectorScore"));
            enhanced.add(copy);
        }

        List<ScanReport> reports = parse(root);

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.scanner()).isEqualTo("inspector");
            assertThat(report.findings()).hasSize(7);
            assertThat(report.findings().get(5).cvssScore()).hasValue(7.8);
        });
    }

    @Test
    void aFailedScanIsNotedAndAResponseWithoutImageIdIsRefused() throws RecordException {
        ScanReport failed = parse(ScanSamples.inline("{\"repositoryName\":\"r\",\"imageId\":{\"imageDigest\":\""
                        + DIGEST + "\"},\"imageScanStatus\":{\"status\":\"FAILED\",\"description\":"
                        + "\"UnsupportedImageError: The operating system and/or package manager are not supported.\"},"
                        + "\"imageScanFindings\":{}}"))
                .getFirst();

        assertThat(failed.findings()).isEmpty();
        assertThat(skipped)
                .extracting(SkippedRecord::reason)
                .containsExactly("imageScanStatus: scan status FAILED (UnsupportedImageError: The operating system"
                        + " and/or package manager are not supported.); its findings may be missing or incomplete");
        assertThatThrownBy(() -> EcrScanFindingsParser.parse(
                        ScanSamples.inline("{\"imageScanFindings\":{}}"), "x.json", skipped))
                .isInstanceOf(RecordException.class)
                .hasMessageStartingWith("expected an ECR DescribeImageScanFindings response");
    }
}
