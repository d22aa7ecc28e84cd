package io.sightline.formats.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sightline.event.SkippedRecord;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GrypeReportParserTest {

    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void webPortalIsIdentifiedByRepoDigestAndCarriesTheHttpdPathTraversal() throws RecordException {
        ScanReport report = parseScenario("docker-host-miner/scans/web-portal.grype.json");

        assertThat(report.scanner()).isEqualTo("grype");
        assertThat(report.repoDigests())
                .containsExactly("sha256:f4ceb77e45e78f66967e838830400d90a7b7f09128e1c0fcf146d6f6f5ac606f");
        assertThat(report.configDigest())
                .contains("sha256:838abd022aca746285f84006825b04ecf7d598215a16308027bad352cfe105bf");
        assertThat(report.image())
                .contains(ImageRef.parse("111122223333.dkr.ecr.us-east-1.amazonaws.com/legacy/web-portal:2021.09"));

        Finding traversal = only(report, "CVE-2021-41773");
        assertThat(traversal.pkg())
                .isEqualTo(new PackageRef(
                        "httpd",
                        "2.4.49",
                        "binary",
                        Optional.of("pkg:generic/httpd@2.4.49"),
                        List.of("/usr/local/apache2/bin/httpd")));
        assertThat(traversal.fixedVersion()).contains("2.4.50");
        assertThat(traversal.severity()).isEqualTo(Severity.HIGH);
        assertThat(traversal.cvssScore()).hasValue(7.5);
        assertThat(traversal.title())
                .isEqualTo("Path traversal and file disclosure in Apache HTTP Server 2.4.49."
                        + " Upgrade to a fixed version listed by the vendor.");
        assertThat(only(report, "CVE-2021-42013").fixedVersion()).contains("2.4.51");
        assertThat(skipped).isEmpty();
    }

    @Test
    void webPortalSeverityCountsMatchTheScenarioTruth() throws RecordException {
        ScanReport report = parseScenario("docker-host-miner/scans/web-portal.grype.json");

        // truth.json ranking.severity_counts.web-portal: {"HIGH": 3, "CRITICAL": 7}
        assertThat(severityCounts(report))
                .containsExactlyInAnyOrderEntriesOf(Map.of(Severity.HIGH, 3L, Severity.CRITICAL, 7L));
    }

    @Test
    void legacyReportsDebianMatchesBorrowNothingButTheirOwnFields() throws RecordException {
        ScanReport report = parseScenario("log4shell-lateral/scans/legacy-reports.grype.json");

        assertThat(report.repoDigests())
                .containsExactly("sha256:d0f321974c101da18ba615f4332759ac1112a3575625085bff69a994e63a0b1f");
        assertThat(report.findings()).hasSize(23);
        // truth.json ranking.severity_counts.legacy-reports
        assertThat(severityCounts(report))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(Severity.CRITICAL, 19L, Severity.HIGH, 3L, Severity.MEDIUM, 1L));
        Finding openssl = only(report, "CVE-2022-1292");
        assertThat(openssl.pkg().name()).isEqualTo("libssl1.1");
        assertThat(openssl.pkg().version()).isEqualTo("1.1.1d-0+deb10u3");
        assertThat(openssl.pkg().ecosystem()).isEqualTo("deb");
        assertThat(openssl.fixedVersion()).contains("1.1.1n-0+deb10u2");
        // A related record with the same id is not an alias of itself.
        assertThat(openssl.aliases()).isEmpty();
    }

    @Test
    void manifestDigestIsNotTakenForTheRepoDigest() throws RecordException {
        ScanReport report =
                GrypeReportParser.parse(ScanSamples.corpus("grype/keycloak-test.json"), "keycloak-test.json", skipped);

        assertThat(report.repoDigests())
                .containsExactly("sha256:347a0d748d05a050dc64b92de2246d2240db6eb38afbc17c3c08d0acb0db1b50")
                .doesNotContain("sha256:d1630d3eb8285a978301bcefc5b223e564ae300750af2fc9ea3f413c5376a47e");
        assertThat(report.configDigest())
                .contains("sha256:8cf8fd2be2ded92962d52adff75ad06a4c30f69c66facbdf223364c6c9e33b8c");
        assertThat(report.image())
                .contains(ImageRef.parse("docker.io/keycloak/keycloak:21.0.2"
                        + "@sha256:347a0d748d05a050dc64b92de2246d2240db6eb38afbc17c3c08d0acb0db1b50"));
        assertThat(report.findings()).hasSize(6).allSatisfy(finding -> {
            assertThat(finding.id()).isEqualTo("CVE-2020-12413");
            assertThat(finding.fixedVersion()).as("fix.state wont-fix").isEmpty();
            assertThat(finding.severity()).isEqualTo(Severity.LOW);
            assertThat(finding.cvssScore()).hasValue(5.9);
        });
        assertThat(report.findings().getFirst().pkg())
                .isEqualTo(new PackageRef(
                        "nspr",
                        "4.34.0-17.el9_1",
                        "rpm",
                        Optional.of("pkg:rpm/rhel/nspr@4.34.0-17.el9_1"
                                + "?arch=x86_64&upstream=nss-3.79.0-17.el9_1.src.rpm&distro=rhel-9.1"),
                        List.of("/var/lib/rpm/rpmdb.sqlite")));
    }

    @Test
    void tagIsPreferredForTheReferenceAndGhsaKeepsItsCveAsAlias() throws RecordException {
        ScanReport report = GrypeReportParser.parse(
                ScanSamples.corpus("grype/chainguard-ruby-test.json"), "chainguard-ruby-test.json", skipped);

        assertThat(report.image()).contains(ImageRef.parse("cgr.dev/chainguard/ruby:latest-3.0"));
        assertThat(report.repoDigests())
                .containsExactly("sha256:3c9afb4f188827ea1062ec3b8acea32893236a0d7df31e0498df93486cff0978");
        assertThat(report.configDigest())
                .contains("sha256:2f88265cfbc43ca35cd327347a9f59375b9f29ef998b8a54a882e31111266640");
        Finding ghsa = only(report, "GHSA-hv5j-3h9f-99c2");
        assertThat(ghsa.aliases()).containsExactly("CVE-2023-28755");
        assertThat(ghsa.vulnerabilityKey()).isEqualTo("CVE-2023-28755");
        assertThat(ghsa.pkg().name()).isEqualTo("uri");
        assertThat(ghsa.pkg().ecosystem()).isEqualTo("gem");
        assertThat(ghsa.fixedVersion()).contains("0.10.2");
        assertThat(ghsa.title()).isEqualTo("Ruby URI component ReDoS issue");
    }

    @Test
    void severalFixVersionsAreJoinedAndAnEmptyStateHasNone() throws RecordException {
        ScanReport report = GrypeReportParser.parse(
                ScanSamples.corpus("grype/TestJsonImgsPresenter.golden"), "TestJsonImgsPresenter.golden", skipped);

        assertThat(only(report, "CVE-1999-0001").fixedVersion()).contains("1.2.1, 2.1.3, 3.4.0");
        assertThat(only(report, "CVE-1999-0002").fixedVersion()).isEmpty();
        assertThat(only(report, "CVE-1999-0002").cvssScore()).hasValue(8.5);
        assertThat(report.repoDigests()).isEmpty();
    }

    @Test
    void sameMatchAtTwoPathsIsOneFindingAndAPlaceholderImageIdIsReported() throws RecordException {
        ScanReport report = GrypeReportParser.parse(
                ScanSamples.corpus("grype/same_cve_different_paths.json"), "same_cve_different_paths.json", skipped);

        assertThat(report.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.id()).isEqualTo("CVE-2021-33574");
            assertThat(finding.pkg().name()).isEqualTo("libc6");
            assertThat(finding.pkg().version()).isEqualTo("2.28-10");
            assertThat(finding.pkg().paths())
                    .as("the second match's location joins the first's")
                    .containsExactly("/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6");
            assertThat(finding.fixedVersion()).as("fix.state not-fixed").isEmpty();
            assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
        });
        assertThat(report.configDigest()).isEmpty();
        assertThat(skipped)
                .containsExactly(new SkippedRecord(
                        "same_cve_different_paths.json",
                        0,
                        "source.target.imageID: expected sha256:<64 hex digits>, got 'sha256:test';"
                                + " config digest left empty"));
    }

    @Test
    void brokenMatchesAreSkippedByIndexAndFieldAndNeighboursKept() throws RecordException {
        String json = """
                {"descriptor": {"name": "grype", "version": "0.80.0"},
                 "source": {"type": "image", "target": {"userInput": "nginx:1.25", "imageID": "sha256:%s",
                   "repoDigests": ["nginx@sha256:%s"], "tags": []}},
                 "matches": [
                   {"vulnerability": {"id": "CVE-2024-1111", "severity": "High", "fix": {"versions": [], "state": ""}},
                    "artifact": {"name": "libxml2", "version": "2.9.14", "type": "deb"}},
                   {"vulnerability": {"severity": "Low"},
                    "artifact": {"name": "curl", "version": "7.88.1", "type": "deb"}},
                   {"vulnerability": {"id": "CVE-2024-3333"}, "artifact": {"version": "1.0"}},
                   {"vulnerability": {"id": "CVE-2024-4444", "severity": "Critical"},
                    "artifact": {"name": "openssl", "version": "3.0.11", "type": "deb"}}
                 ]}
                """.formatted("a".repeat(64), "b".repeat(64));

        ScanReport report = GrypeReportParser.parse(ScanSamples.inline(json), "inline.grype.json", skipped);

        assertThat(report.findings()).extracting(Finding::id).containsExactly("CVE-2024-1111", "CVE-2024-4444");
        assertThat(report.image()).contains(ImageRef.parse("docker.io/library/nginx:1.25"));
        assertThat(report.repoDigests()).containsExactly("sha256:" + "b".repeat(64));
        assertThat(skipped)
                .extracting(SkippedRecord::reason)
                .containsExactly(
                        "matches[1]: missing field vulnerability.id; finding skipped",
                        "matches[2]: missing field artifact.name; finding skipped");
    }

    @Test
    void grypeSarifAndCycloneDxAreRefused() {
        assertRefused("grype/TestSarifPresenter_image.golden", "got a SARIF 2.1.0 log");
        assertRefused("grype/TestCycloneDxPresenterImage.golden", "got a CycloneDX 1.7 BOM");
    }

    private void assertRefused(String subpath, String got) {
        assertThat(GrypeReportParser.accepts(ScanSamples.corpus(subpath))).isFalse();
        assertThatThrownBy(() -> GrypeReportParser.parse(ScanSamples.corpus(subpath), subpath, skipped))
                .isInstanceOf(RecordException.class)
                .hasMessage("expected Grype JSON (matches, source and descriptor.name \"grype\"), " + got);
    }

    private ScanReport parseScenario(String relative) throws RecordException {
        return GrypeReportParser.parse(ScanSamples.scenario(relative), relative, skipped);
    }

    private static Map<Severity, Long> severityCounts(ScanReport report) {
        return report.findings().stream().collect(Collectors.groupingBy(Finding::severity, Collectors.counting()));
    }

    private static Finding only(ScanReport report, String id) {
        List<Finding> matching = report.findings().stream()
                .filter(finding -> finding.id().equals(id))
                .toList();
        assertThat(matching).as("findings with id %s", id).hasSize(1);
        return matching.getFirst();
    }
}
