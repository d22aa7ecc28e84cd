package io.sightline.formats.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.sightline.event.SkippedRecord;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrivyReportParserTest {

    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void ordersApiIsIdentifiedByItsRepoDigestAndCarriesLog4Shell() throws RecordException {
        ScanReport report = parseScenario("log4shell-lateral/scans/orders-api.trivy.json");

        assertThat(report.scanner()).isEqualTo("trivy");
        assertThat(report.repoDigests())
                .containsExactly("sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540");
        assertThat(report.configDigest())
                .contains("sha256:bd8897cbe85b76dfd8fa13ef59a0beb62b5fa83ffde7a2c1e33fb0bbb74965b4");
        assertThat(report.image())
                .contains(ImageRef.parse("111122223333.dkr.ecr.us-east-1.amazonaws.com/payments/orders-api:1.8.2"));
        assertThat(report.findings()).hasSize(10);

        Finding log4shell = only(report, "CVE-2021-44228");
        assertThat(log4shell.pkg())
                .isEqualTo(new PackageRef(
                        "org.apache.logging.log4j:log4j-core",
                        "2.14.1",
                        "jar",
                        Optional.of("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
                        List.of("app/orders-api.jar")));
        assertThat(log4shell.fixedVersion()).contains("2.15.0, 2.12.2, 2.3.1");
        assertThat(log4shell.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(log4shell.cvssScore()).hasValue(10.0);
        assertThat(skipped).isEmpty();
    }

    @Test
    void ordersApiKeepsOsFindingsWithTheDistroAsEcosystem() throws RecordException {
        Finding zlib = only(parseScenario("log4shell-lateral/scans/orders-api.trivy.json"), "CVE-2022-37434");

        assertThat(zlib.pkg().name()).isEqualTo("zlib1g");
        assertThat(zlib.pkg().version()).isEqualTo("1:1.2.11.dfsg-2ubuntu1.2");
        assertThat(zlib.pkg().ecosystem()).isEqualTo("ubuntu");
        assertThat(zlib.pkg().paths())
                .as("Trivy gives no PkgPath for OS packages")
                .isEmpty();
        assertThat(zlib.fixedVersion()).contains("1:1.2.11.dfsg-2ubuntu1.5");
        // Ubuntu rates it MEDIUM while NVD scores it 9.8: severity and score come from different sources.
        assertThat(zlib.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(zlib.cvssScore()).hasValue(9.8);
    }

    @Test
    void inventorySvcHasSpring4ShellInThreeJars() throws RecordException {
        ScanReport report = parseScenario("log4shell-lateral/scans/inventory-svc.trivy.json");

        assertThat(report.repoDigests())
                .containsExactly("sha256:384da6197a990a1e38495959e82de8886a0e37cef5945c3d6e54265076f298af");
        assertThat(report.findings())
                .filteredOn(finding -> finding.id().equals("CVE-2022-22965"))
                .extracting(
                        finding -> finding.pkg().name(),
                        finding -> finding.fixedVersion().orElseThrow())
                .containsExactly(
                        tuple("org.springframework:spring-beans", "5.2.20.RELEASE, 5.3.18"),
                        tuple("org.springframework:spring-webmvc", "5.2.20.RELEASE, 5.3.18"),
                        tuple("org.springframework.boot:spring-boot-starter-web", "2.5.12, 2.6.6"));
    }

    @Test
    void tarballScanTakesTheRefFromRepoTagsAndHasNoRepoDigest() throws RecordException {
        ScanReport report = TrivyReportParser.parse(
                ScanSamples.corpus("trivy/alpine-310.json.golden"), "alpine-310.json.golden", skipped);

        assertThat(report.image()).contains(ImageRef.parse("ghcr.io/aquasecurity/trivy-test-images:alpine-310"));
        assertThat(report.repoDigests()).isEmpty();
        assertThat(report.configDigest())
                .contains("sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4");
        assertThat(report.findings())
                .extracting(finding -> finding.id() + " " + finding.pkg().name())
                .containsExactly(
                        "CVE-2019-1549 libcrypto1.1",
                        "CVE-2019-1551 libcrypto1.1",
                        "CVE-2019-1549 libssl1.1",
                        "CVE-2019-1551 libssl1.1");
        Finding first = report.findings().getFirst();
        assertThat(first.pkg().version()).isEqualTo("1.1.1c-r0");
        assertThat(first.pkg().ecosystem()).isEqualTo("alpine");
        assertThat(first.fixedVersion()).contains("1.1.1d-r0");
        assertThat(first.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(first.cvssScore()).hasValue(5.3);
        assertThat(first.title()).isEqualTo("openssl: information disclosure in fork()");
    }

    @Test
    void emptyArtifactNameTagAndDigestLeaveOnlyTheConfigDigest() throws RecordException {
        ScanReport report =
                TrivyReportParser.parse(ScanSamples.corpus("trivy/all_statuses.json"), "all_statuses.json", skipped);

        assertThat(report.image()).isEmpty();
        assertThat(report.repoDigests()).isEmpty();
        assertThat(report.configDigest())
                .contains("sha256:22ae3921bdaac434bb4cb92dbbc209e46b1f3f70e9fa0b5fbbb43ce7d452c72d");
        // Eight entries; the not_affected one (CVE-2019-18276) is suppressed, not counted.
        assertThat(report.findings()).hasSize(7);
        assertThat(report.suppressed()).hasSize(1);
        Finding temp = only(report, "TEMP-0841856-B18BAF");
        assertThat(temp.cvssScore()).isEmpty();
        assertThat(temp.fixedVersion()).isEmpty();
        assertThat(temp.severity()).isEqualTo(Severity.LOW);
        assertThat(skipped).isEmpty();
    }

    @Test
    void withoutAnNvdScoreTheFirstVendorV3ScoreIsTaken() throws RecordException {
        ScanReport report = TrivyReportParser.parse(
                ScanSamples.corpus("trivy/cvssv4_severity_source.json"), "cvssv4_severity_source.json", skipped);

        // A filesystem scan: lib/catalina.jar names a file, not an image.
        assertThat(report.image()).isEmpty();
        Finding tomcat = only(report, "CVE-2025-66614");
        assertThat(tomcat.pkg().name()).isEqualTo("org.apache.tomcat:tomcat-catalina");
        assertThat(tomcat.pkg().version()).isEqualTo("9.0.109");
        assertThat(tomcat.fixedVersion()).contains("11.0.14, 10.1.49, 9.0.112");
        assertThat(tomcat.aliases()).containsExactly("GHSA-fpj8-gq4v-p354");
        assertThat(tomcat.cvssScore()).hasValue(5.3);
        assertThat(tomcat.severity()).isEqualTo(Severity.MEDIUM);
    }

    @Test
    void nullVulnerabilitiesOfACleanJarAreNoFindings() throws RecordException {
        ScanReport report = TrivyReportParser.parse(
                ScanSamples.corpus("trivy/scheme_2_many_vulns.json"), "scheme_2_many_vulns.json", skipped);

        assertThat(report.image()).contains(ImageRef.parse("teamdojo:latest"));
        assertThat(report.configDigest()).isEmpty();
        assertThat(report.findings()).hasSize(5);
        Finding krb5 = only(report, "CVE-2020-28196");
        assertThat(krb5.cvssScore()).hasValue(7.5);
        assertThat(krb5.severity()).isEqualTo(Severity.HIGH);
        assertThat(skipped).isEmpty();
    }

    @Test
    void theSameVulnerabilityOfTheSameModuleInThreeGoModFilesIsOneFinding() throws RecordException {
        ScanReport report =
                TrivyReportParser.parse(ScanSamples.corpus("trivy/gomod-vex.json.golden"), "gomod-vex", skipped);

        assertThat(report.findings())
                .extracting(Finding::id)
                .containsExactlyInAnyOrder("GMS-2022-20", "CVE-2021-38561");
    }

    @Test
    void brokenEntriesAreSkippedByIndexAndFieldAndNeighboursKept() throws RecordException {
        String json = """
                {"SchemaVersion": 2, "ArtifactName": "registry.example.com/shop/cart:4.1",
                 "ArtifactType": "container_image",
                 "Metadata": {"RepoDigests": ["registry.example.com/shop/cart@sha256:not-a-digest"]},
                 "Results": [
                   {"Target": "Java", "Type": "jar", "Vulnerabilities": null},
                   {"Target": "cart (alpine 3.19)", "Type": "alpine", "Vulnerabilities": [
                     {"VulnerabilityID": "CVE-2024-0001", "PkgName": "musl", "InstalledVersion": "1.2.4-r2",
                      "Severity": "HIGH"},
                     {"PkgName": "busybox", "InstalledVersion": "1.36.1-r15", "Severity": "LOW"},
                     {"VulnerabilityID": "CVE-2024-0003", "InstalledVersion": "3.1.4-r5"},
                     "CVE-2024-0004",
                     {"VulnerabilityID": "CVE-2024-0005", "PkgName": "zlib", "InstalledVersion": "1.3.1-r0",
                      "FixedVersion": "1.3.1-r1", "Severity": "CRITICAL"}
                   ]}
                 ]}
                """;

        ScanReport report = TrivyReportParser.parse(ScanSamples.inline(json), "inline.trivy.json", skipped);

        assertThat(report.findings()).extracting(Finding::id).containsExactly("CVE-2024-0001", "CVE-2024-0005");
        assertThat(report.image()).contains(ImageRef.parse("registry.example.com/shop/cart:4.1"));
        assertThat(report.repoDigests()).isEmpty();
        assertThat(skipped)
                .extracting(SkippedRecord::reason)
                .containsExactly(
                        "Metadata.RepoDigests: expected repo@sha256:<64 hex digits>, got"
                                + " 'registry.example.com/shop/cart@sha256:not-a-digest'; repo digest ignored",
                        "Results[1].Vulnerabilities[1]: missing field VulnerabilityID; finding skipped",
                        "Results[1].Vulnerabilities[2]: missing field PkgName; finding skipped",
                        "Results[1].Vulnerabilities[3]: expected an object, got STRING; finding skipped");
        assertThat(skipped).extracting(SkippedRecord::file).containsOnly("inline.trivy.json");
    }

    @Test
    void sarifCycloneDxKubernetesAndSchemaLessReportsAreRefusedWithWhatTheyAre() {
        assertRefused("trivy/alpine-310.sarif.golden", "got a SARIF 2.1.0 log");
        assertRefused("trivy/npm-cyclonedx.json.golden", "got a CycloneDX 1.7 BOM");
        assertRefused(
                "trivy/kubernetes.json",
                "got a Trivy Kubernetes cluster report (ClusterName"
                        + " arn:aws:eks:us-east-1:576036489467:cluster/monitoring-test-cluster)");
        assertRefused("trivy/new.json.golden", "got a JSON object with keys [ImageID, RepoTags, RepoDigests, Results]");
    }

    @Test
    void anotherSchemaVersionIsRefusedNamingIt() {
        assertThatThrownBy(() -> TrivyReportParser.parse(
                        ScanSamples.inline("{\"SchemaVersion\": 1, \"ArtifactName\": \"x\", \"Results\": []}"),
                        "v1.json",
                        skipped))
                .isInstanceOf(RecordException.class)
                .hasMessage("expected Trivy JSON (SchemaVersion 2 with ArtifactName and Results), got SchemaVersion 1");
    }

    @Test
    void aSeverityThatIsNoSeverityNameIsNotedAndTheFindingKeptAsUnknown() throws RecordException {
        String json = """
                {"SchemaVersion": 2, "ArtifactName": "registry.example.com/shop/cart:4.1",
                 "ArtifactType": "container_image",
                 "Results": [
                   {"Target": "alpine", "Type": "alpine", "Vulnerabilities": [
                     {"VulnerabilityID": "CVE-2024-0001", "PkgName": "zlib", "InstalledVersion": "1.3.1-r0",
                      "Severity": 9},
                     {"VulnerabilityID": "CVE-2024-0002", "PkgName": "zlib", "InstalledVersion": "1.3.1-r0",
                      "Severity": "UNKNOWN"},
                     {"VulnerabilityID": "CVE-2024-0003", "PkgName": "zlib", "InstalledVersion": "1.3.1-r0",
                      "Severity": "SEVERE"}
                   ]}
                 ]}
                """;

        ScanReport report = TrivyReportParser.parse(ScanSamples.inline(json), "inline.trivy.json", skipped);

        assertThat(report.findings())
                .extracting(Finding::id, Finding::severity)
                .containsExactly(
                        tuple("CVE-2024-0001", Severity.UNKNOWN),
                        tuple("CVE-2024-0002", Severity.UNKNOWN),
                        tuple("CVE-2024-0003", Severity.UNKNOWN));
        assertThat(skipped)
                .extracting(SkippedRecord::reason)
                .containsExactly(
                        "Results[0].Vulnerabilities[0].Severity: expected a severity name (CRITICAL, HIGH, MEDIUM,"
                                + " LOW, UNKNOWN), got 9; severity left unknown, finding kept",
                        "Results[0].Vulnerabilities[2].Severity: expected a severity name (CRITICAL, HIGH, MEDIUM,"
                                + " LOW, UNKNOWN), got \"SEVERE\"; severity left unknown, finding kept");
    }

    @Test
    void aBrokenResultsFieldIsRefusedNamingTheField() {
        assertThat(TrivyReportParser.accepts(
                        ScanSamples.inline("{\"SchemaVersion\": 2, \"ArtifactName\": \"x\", \"Results\": \"x\"}")))
                .isTrue();
        assertThatThrownBy(() -> TrivyReportParser.parse(
                        ScanSamples.inline("{\"SchemaVersion\": 2, \"ArtifactName\": \"x\", \"Results\": \"x\"}"),
                        "x.json",
                        skipped))
                .isInstanceOf(RecordException.class)
                .hasMessage("Results: expected an array, got a string");
    }

    private void assertRefused(String subpath, String got) {
        assertThat(TrivyReportParser.accepts(ScanSamples.corpus(subpath))).isFalse();
        assertThatThrownBy(() -> TrivyReportParser.parse(ScanSamples.corpus(subpath), subpath, skipped))
                .isInstanceOf(RecordException.class)
                .hasMessage("expected Trivy JSON (SchemaVersion 2 with ArtifactName and Results), " + got);
    }

    private ScanReport parseScenario(String relative) throws RecordException {
        return TrivyReportParser.parse(ScanSamples.scenario(relative), relative, skipped);
    }

    private static Finding only(ScanReport report, String id) {
        List<Finding> matching = report.findings().stream()
                .filter(finding -> finding.id().equals(id))
                .toList();
        assertThat(matching).as("findings with id %s", id).hasSize(1);
        return matching.getFirst();
    }
}
