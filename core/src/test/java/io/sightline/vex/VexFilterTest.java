package io.sightline.vex;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Scores;
import io.sightline.finding.Severity;
import io.sightline.image.ImageRef;
import io.sightline.vex.VexStatement.Status;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class VexFilterTest {

    private static final String ALPINE_DIGEST =
            "sha256:124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126";

    private final Finding libssl =
            finding("CVE-2023-3446", "libssl3", "3.0.8-r3", "pkg:apk/alpine/libssl3@3.0.8-r3?arch=x86_64");
    private final Finding busybox =
            finding("CVE-2023-3446", "busybox", "1.36.0-r9", "pkg:apk/alpine/busybox@1.36.0-r9");
    private final ScanReport alpine = new ScanReport(
            "alpine.trivy.json",
            "trivy",
            Optional.of(ImageRef.parse("alpine:3.17")),
            List.of(ALPINE_DIGEST),
            Optional.empty(),
            List.of(libssl, busybox),
            List.of());

    @Test
    void notAffectedForAnImageDigestAndSubcomponentDropsOnlyThatPackageWithTheJustification() {
        VexStatement statement = new VexStatement(
                List.of("CVE-2023-3446"),
                List.of("pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126"),
                List.of("pkg:apk/alpine/libssl3@3.0.8-r3"),
                Status.NOT_AFFECTED,
                "vulnerable_code_not_present",
                "demo.openvex.json statements[3]");

        ScanReport filtered =
                new VexFilter(List.of(statement)).apply(List.of(alpine)).getFirst();

        assertThat(filtered.findings()).containsExactly(busybox);
        assertThat(filtered.suppressed()).singleElement().satisfies(s -> {
            assertThat(s.finding()).isEqualTo(libssl);
            assertThat(s.status()).isEqualTo("not_affected");
            assertThat(s.justification()).isEqualTo("vulnerable_code_not_present");
            assertThat(s.source()).isEqualTo("demo.openvex.json statements[3]");
        });
    }

    @Test
    void aStatementForAnotherImageDigestLeavesTheReportAlone() {
        VexStatement other = new VexStatement(
                List.of("CVE-2023-3446"),
                List.of("pkg:oci/alpine@sha256%3Affffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
                List.of(),
                Status.FIXED,
                "",
                "other");

        assertThat(new VexFilter(List.of(other)).apply(List.of(alpine)).getFirst())
                .isEqualTo(alpine);
    }

    @Test
    void affectedAndUnderInvestigationKeepTheFindingAndALaterStatementSupersedesAnEarlierOne() {
        VexStatement fixed = new VexStatement(
                List.of("CVE-2023-3446"), List.of("pkg:apk/alpine/busybox"), List.of(), Status.FIXED, "", "first");
        VexStatement investigating = new VexStatement(
                List.of("CVE-2023-3446"),
                List.of("pkg:apk/alpine/busybox"),
                List.of(),
                Status.UNDER_INVESTIGATION,
                "",
                "second");

        ScanReport filtered = new VexFilter(List.of(fixed, investigating))
                .apply(List.of(alpine))
                .getFirst();

        assertThat(filtered.findings()).containsExactly(libssl, busybox);
        assertThat(filtered.suppressed()).isEmpty();
    }

    @Test
    void anAliasMatchesAndARepositoryUrlNamesTheImageWithoutADigest() {
        Finding withGhsa = new Finding(
                "GHSA-r53h-jv2g-vpx6",
                List.of("CVE-2024-26147"),
                new PackageRef("helm.sh/helm/v3", "3.14.0", "gomod", Optional.empty()),
                Optional.of("3.14.2"),
                Severity.HIGH,
                OptionalDouble.empty(),
                "helm",
                "grype",
                Scores.NONE);
        ScanReport trivyImage = new ScanReport(
                "trivy.grype.json",
                "grype",
                Optional.of(ImageRef.parse("index.docker.io/aquasec/trivy:0.50.0")),
                List.of(),
                Optional.empty(),
                List.of(withGhsa),
                List.of());
        VexStatement statement = new VexStatement(
                List.of("GO-2024-2575", "CVE-2024-26147"),
                List.of("pkg:oci/trivy?repository_url=index.docker.io%2Faquasec%2Ftrivy"),
                List.of("pkg:golang/helm.sh/helm/v3"),
                Status.NOT_AFFECTED,
                "vulnerable_code_not_in_execute_path",
                "oci.openvex.json");

        assertThat(new VexFilter(List.of(statement))
                        .apply(List.of(trivyImage))
                        .getFirst()
                        .suppressed())
                .hasSize(1);
    }

    private static Finding finding(String id, String name, String version, String purl) {
        return new Finding(
                id,
                List.of(),
                new PackageRef(name, version, "alpine", Optional.of(purl)),
                Optional.of("9"),
                Severity.HIGH,
                OptionalDouble.empty(),
                id,
                "trivy",
                Scores.NONE);
    }
}
