package io.sightline.formats.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sightline.event.SkippedRecord;
import io.sightline.finding.Cvss;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Identity and values of the scanner formats beyond Trivy, Grype and Snyk container JSON, each
 * value read by hand from the corpus file named in the test.
 */
class ScannerIdentityTest {

    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void trivyKubernetesReportGivesOneReportPerWorkloadImageJoinedByTagOnly() throws RecordException {
        List<ScanReport> reports = parse("trivy/kubernetes.json");

        assertThat(reports)
                .extracting(
                        r -> r.image().orElseThrow().toString(),
                        r -> r.repoDigests().isEmpty())
                .containsExactly(
                        tuple("gcr.io/google_samples/gb-redis-follower:v2", true),
                        tuple("docker.io/library/redis:6.0.5", true));
        Finding apt = find(reports.getFirst(), "CVE-2020-27350");
        assertThat(apt.pkg().name()).isEqualTo("apt");
        assertThat(apt.pkg().version()).isEqualTo("1.8.2.1");
        assertThat(apt.fixedVersion()).contains("1.8.2.2");
        assertThat(apt.pkg().ecosystem()).isEqualTo("debian");
    }

    @Test
    void trivyOperatorReportNormalisesIndexDockerIoAndTakesTheArtifactDigestAsRepoDigest() throws RecordException {
        ScanReport single =
                parse("trivy-operator/vulnerabilityreport_single_vuln.json").getFirst();
        assertThat(single.image()).contains(ImageRef.parse("docker.io/library/nginx:alpine"));
        assertThat(single.repoDigests()).isEmpty();
        Finding curl = find(single, "CVE-2023-23914");
        assertThat(curl.pkg().version()).isEqualTo("7.87.0-r1");
        assertThat(curl.fixedVersion()).contains("7.87.0-r2");
        assertThat(curl.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(curl.cvssScore()).hasValue(4.2);

        ScanReport extended =
                parse("trivy-operator/vulnerabilityreport_extended.json").getFirst();
        assertThat(extended.image()).contains(ImageRef.parse("ubuntu:20.04"));
        assertThat(extended.repoDigests())
                .containsExactly("sha256:f78909c2b360d866b3220655c0b079838258b8891a12ac25fc670f0cbb54229f");
        assertThat(find(extended, "CVE-2024-0553").pkg().ecosystem()).isEqualTo("ubuntu");
    }

    @Test
    void harborReportTakesArtifactDigestsAndKeepsEveryCvssSource() throws RecordException {
        ScanReport report = parse("harbor/harbor-trivy-vuln.json").getFirst();

        assertThat(report.image()).isEmpty();
        assertThat(report.repoDigests())
                .containsExactly("sha256:711103cfce07dc03d61f51e819fad7d6fbbad20fc99caa039cc8da77e7a1c51b");
        Finding e2fs = find(report, "CVE-2022-1304");
        assertThat(e2fs.pkg().name()).isEqualTo("e2fsprogs");
        assertThat(e2fs.fixedVersion()).isEmpty();
        assertThat(e2fs.severity()).isEqualTo(Severity.HIGH);
        assertThat(e2fs.cvssScore()).hasValue(7.8);
        assertThat(e2fs.scores().cvss())
                .extracting(Cvss::source, Cvss::vector)
                .contains(
                        tuple("nvd", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H"),
                        tuple("redhat", "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:L/A:H"));
    }

    @Test
    void harborReportWithoutArtifactDigestsSaysItJoinsNothing() throws RecordException {
        ScanReport report = parse("harbor/harbor-5-vuln.json").getFirst();

        assertThat(report.image()).isEmpty();
        assertThat(report.repoDigests()).isEmpty();
        assertThat(report.findings()).hasSize(5);
        assertThat(skipped)
                .singleElement()
                .extracting(SkippedRecord::reason)
                .asString()
                .contains("names no artifact");
    }

    @Test
    void inspectorFindingIsKeyedByTheEcrImageHashWithItsEpssAndDebianVersion() throws RecordException {
        ScanReport report = parse("aws/aws_inspector2_one_vul.json").getFirst();

        assertThat(report.image())
                .contains(ImageRef.parse("012345678901.dkr.ecr.us-east-1.amazonaws.com/my-awesome-docker-image:2.3.0"));
        assertThat(report.repoDigests())
                .containsExactly("sha256:c667ad018b538adadb5bd1db75836c8561b23bc7d31d9cd8941fa74f5df93802");
        Finding linux = find(report, "CVE-2021-3744");
        assertThat(linux.pkg().version()).isEqualTo("4.19.118-2");
        assertThat(linux.fixedVersion()).contains("4.19.232-1");
        assertThat(linux.pkg().ecosystem()).isEqualTo("debian");
        assertThat(linux.scores().epss()).hasValue(0.00075);
        assertThat(linux.scores().cvss())
                .containsExactly(
                        new Cvss("NVD", "3.1", OptionalDouble.of(5.5), "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"));
    }

    @Test
    void inspectorClosedFindingIsSuppressedAndEc2FindingSkipped() throws RecordException {
        ScanReport report = parse("aws/aws_inspector2_many_vul.json").getFirst();

        assertThat(report.suppressed()).singleElement().satisfies(s -> {
            assertThat(s.finding().id()).isEqualTo("CVE-2021-3744");
            assertThat(s.status()).isEqualTo("closed");
        });
        assertThat(skipped)
                .singleElement()
                .extracting(SkippedRecord::reason)
                .asString()
                .contains("AWS_EC2_INSTANCE is not an ECR image");
        // CVE-2022-29824 sits in two libxml2 builds (release 7+b3 and 7): both are kept for the fix list.
        assertThat(report.findings())
                .filteredOn(f -> f.id().equals("CVE-2022-29824"))
                .extracting(f -> f.pkg().version())
                .containsExactlyInAnyOrder("2.9.4+dfsg1-7+b3", "2.9.4+dfsg1-7");
    }

    @Test
    void securityHubInspectorFindingsGiveOneReportPerImageAndNameAnUntaggedImageByDigest() throws RecordException {
        List<ScanReport> reports = parse("aws/inspector_ecr.json");

        assertThat(reports).hasSize(7);
        ScanReport os = reports.getFirst();
        assertThat(os.image())
                .contains(ImageRef.parse("123456789012.dkr.ecr.eu-central-1.amazonaws.com/repo-os:2023-08-23"));
        Finding openssl = find(os, "CVE-2023-2650");
        assertThat(openssl.pkg().version()).isEqualTo("1.1.1n-0+deb11u4");
        assertThat(openssl.fixedVersion()).contains("1.1.1n-0+deb11u5");
        assertThat(openssl.scores().epss()).hasValue(0.0014);
        ScanReport bundler = reports.stream()
                .filter(r -> r.image().orElseThrow().repository().equals("repo-bundler"))
                .findFirst()
                .orElseThrow();
        assertThat(bundler.image().orElseThrow().tag()).isEmpty();
        assertThat(bundler.image().orElseThrow().digest())
                .isEqualTo(bundler.repoDigests().stream().findFirst());
    }

    @Test
    void trivySarifKeepsTheImageIdAsConfigDigestAndReadsPackagesFromTheMessage() throws RecordException {
        ScanReport report = parse("trivy/alpine-310.sarif.golden").getFirst();

        assertThat(report.scanner()).isEqualTo("trivy");
        assertThat(report.image()).contains(ImageRef.parse("ghcr.io/aquasecurity/trivy-test-images:alpine-310"));
        assertThat(report.repoDigests()).isEmpty();
        assertThat(report.configDigest())
                .contains("sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4");
        assertThat(report.findings())
                .extracting(
                        f -> f.id(), f -> f.pkg().name(), f -> f.fixedVersion().orElseThrow())
                .containsExactly(
                        tuple("CVE-2019-1549", "libcrypto1.1", "1.1.1d-r0"),
                        tuple("CVE-2019-1551", "libcrypto1.1", "1.1.1d-r2"),
                        tuple("CVE-2019-1549", "libssl1.1", "1.1.1d-r0"),
                        tuple("CVE-2019-1551", "libssl1.1", "1.1.1d-r2"));
        assertThat(report.findings().getFirst().severity()).isEqualTo(Severity.MEDIUM);
    }

    @Test
    void grypeSarifReadsPackagesFromTheRuleHelp() throws RecordException {
        ScanReport report = parse("grype/TestSarifPresenter_image.golden").getFirst();

        assertThat(report.findings())
                .extracting(f -> f.id(), f -> f.pkg().name(), f -> f.pkg().version(), Finding::severity)
                .containsExactly(
                        tuple("CVE-1999-0001", "package-1", "1.1.1", Severity.LOW),
                        tuple("CVE-1999-0002", "package-2", "2.2.2", Severity.CRITICAL));
        assertThat(report.findings().getFirst().fixedVersion()).contains("1.2.1,2.1.3,3.4.0");
    }

    @Test
    void trivyCycloneDxTakesTheImageIdPropertyAndTheFixFromTheRecommendation() throws RecordException {
        ScanReport report =
                parse("trivy/fluentd-multiple-lockfiles-short.cdx.json.golden").getFirst();

        assertThat(report.scanner()).isEqualTo("trivy");
        // The container is named by its archive path, which is no image reference.
        assertThat(report.image()).isEmpty();
        assertThat(report.configDigest())
                .contains("sha256:5a992077baba51b97f27591a10d54d2f2723dc9c81a3fe419e261023f2554933");
        Finding idn = find(report, "CVE-2019-18224");
        assertThat(idn.pkg().name()).isEqualTo("libidn2-0");
        assertThat(idn.pkg().ecosystem()).isEqualTo("deb");
        assertThat(idn.fixedVersion()).contains("2.0.5-1+deb10u1");
        assertThat(idn.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(idn.cvssScore()).hasValue(9.8);
        assertThat(find(report, "CVE-2020-8165").fixedVersion()).contains("6.0.3.1, 5.2.4.3");
    }

    @Test
    void grypeCycloneDxKeepsEpssOutOfCvssAndDoesNotTakeTheManifestDigest() throws RecordException {
        ScanReport report = parse("grype/TestCycloneDxPresenterImage.golden").getFirst();

        assertThat(report.repoDigests()).isEmpty();
        Finding second = find(report, "CVE-1999-0002");
        assertThat(second.pkg().name()).isEqualTo("package-2");
        assertThat(second.scores().epss()).hasValue(0.08);
        assertThat(second.scores().cvss()).extracting(Cvss::score).containsExactly(OptionalDouble.of(8.5));
        assertThat(second.severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void snykRestIssuesSuppressIgnoredAndResolvedIssuesWithTheirStatus() throws RecordException {
        List<ScanReport> reports = parse("snyk/snyk_sca_scan_api_many_vuln.json");

        assertThat(reports).allSatisfy(r -> assertThat(r.image()).isEmpty());
        List<Finding> open =
                reports.stream().flatMap(r -> r.findings().stream()).toList();
        assertThat(open).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("SNYK-PYTHON-PILLOW-6219984");
            assertThat(f.pkg().name()).isEqualTo("pillow");
            assertThat(f.pkg().version()).isEqualTo("9.5.0");
            assertThat(f.pkg().ecosystem()).isEqualTo("pip");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
        });
        assertThat(reports.stream().flatMap(r -> r.suppressed().stream()))
                .extracting(s -> s.finding().id(), s -> s.status())
                .containsExactlyInAnyOrder(
                        tuple("CVE-2023-4863", "ignored"),
                        tuple("CVE-2023-50447", "ignored"),
                        tuple("CVE-2024-6345", "ignored"),
                        tuple("CVE-2025-43859", "resolved"));
    }

    @Test
    void sysdigCliReportHasPullStringDigestAndImageIdAndDropsTheVPrefixOfFixes() throws RecordException {
        ScanReport report = parse("sysdig/sysdig_reports_many_vul.json").getFirst();

        assertThat(report.image()).contains(ImageRef.parse("sysdiglabs/dummy-vuln-app:latest"));
        assertThat(report.repoDigests())
                .containsExactly("sha256:bc86e8ba5741ab71ce50f13fbf89a1f27dc4e1d3b0c3345cee8e3238bc30022b");
        assertThat(report.configDigest())
                .contains("sha256:b670c067178c876d17363baec279d483ae07384351d1a0be7646230442471ac6");
        Finding crypto = find(report, "CVE-2023-50782");
        assertThat(crypto.pkg().name()).isEqualTo("cryptography");
        assertThat(crypto.fixedVersion()).contains("42.0.0");
        assertThat(crypto.severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void sysdigWorkloadReportGroupsRowsByImageAndRefusesAMalformedImageId() throws RecordException {
        List<ScanReport> reports = parse("sysdig/sysdig-2025.json");

        assertThat(reports)
                .extracting(
                        r -> r.image().orElseThrow().toString(),
                        r -> r.configDigest().isPresent())
                .containsExactly(
                        tuple("docker.io/defectdojo/defectdojo-django:latest", true),
                        tuple("docker.io/defectdojo/defectdojo-django:latest", false),
                        tuple("docker.io/bitnami/redis:7.2.5-debian-12-r4", true));
        assertThat(skipped)
                .singleElement()
                .extracting(SkippedRecord::reason)
                .asString()
                .contains("container_image_id: expected sha256:<64 hex digits>");
    }

    @Test
    void aquaUsesItsOwnSeverityAndTheRegistryDigest() throws RecordException {
        ScanReport report = parse("aqua/vulns_with_aqua_severity.json").getFirst();

        assertThat(report.image()).contains(ImageRef.parse("myexamplerepoeuwinfra.azurecr.io/mycontainer:1.0.15"));
        assertThat(report.repoDigests())
                .containsExactly("sha256:f6b3fa0fada0e5929ff453f24dd4cca9f8e50c85009468aef29e24c8198d1511");
        Finding apt = find(report, "CVE-2011-3374");
        assertThat(apt.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(apt.cvssScore()).hasValue(3.7);
        assertThat(find(report, "CVE-2020-8908").fixedVersion()).contains("30.0");
    }

    @Test
    void prismaTwistlockIdIsTheConfigDigestAndPackageNamesLoseTheirBinaries() throws RecordException {
        ScanReport report = parse("prisma-twistlock/many_vulns.json").getFirst();

        assertThat(report.configDigest())
                .contains("sha256:f4c0503d26c8da0a04e6190c9d4f2a30f38958852b9fb80bcd2b819a7571e7f7");
        assertThat(report.repoDigests()).isEmpty();
        assertThat(find(report, "CVE-2018-6485").pkg().name()).isEqualTo("glibc");
        assertThat(find(report, "CVE-2013-7459").severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void wizAndNeuVectorAndGcpReports() throws RecordException {
        Finding http2 = find(parse("wiz/wizcli_img_many_vul.json").getFirst(), "CVE-2023-44487");
        assertThat(http2.pkg().name()).isEqualTo("golang.org/x/net");
        assertThat(http2.fixedVersion()).contains("0.17.0");
        assertThat(http2.severity()).isEqualTo(Severity.MEDIUM);

        ScanReport neuvector = parse("neuvector/many_vulns.json").getFirst();
        assertThat(neuvector.image()).isEmpty();
        assertThat(find(neuvector, "CVE-2015-8356").fixedVersion()).contains("1:7.2p2-3");

        skipped.clear();
        ScanReport gcp = parse("gcp/artifact-analysis-occurrences-sample.json").getFirst();
        assertThat(gcp.image().orElseThrow().name())
                .isEqualTo("region-east2-docker.pkg.dev/my-project/my-image/staging");
        // The sample's digests are sanitized (sha256:33ceexxx...tolstoy): refused, not taken as identity.
        assertThat(gcp.repoDigests()).isEmpty();
        assertThat(skipped)
                .singleElement()
                .extracting(SkippedRecord::reason)
                .asString()
                .contains("image_summary.digest");
        Finding ua = find(gcp, "CVE-2023-36665");
        assertThat(ua.fixedVersion()).contains("7.2.5");
        assertThat(ua.severity()).isEqualTo(Severity.CRITICAL);
        // A fixed version of kind MAXIMUM means no fix is known.
        assertThat(find(gcp, "CVE-2023-45853").fixedVersion()).isEmpty();
    }

    @Test
    void trivyNotAffectedStatusIsSuppressedWhileWillNotFixAndFixedStillCount() throws RecordException {
        ScanReport report = parse("trivy/all_statuses.json").getFirst();

        assertThat(report.suppressed()).singleElement().satisfies(s -> {
            assertThat(s.finding().id()).isEqualTo("CVE-2019-18276");
            assertThat(s.status()).isEqualTo("not_affected");
            assertThat(s.source()).isEqualTo("Trivy Status");
        });
        assertThat(report.findings())
                .extracting(Finding::id)
                .contains("CVE-2018-12698", "CVE-2018-1000876", "CVE-2018-12934")
                .doesNotContain("CVE-2019-18276");
    }

    private List<ScanReport> parse(String subpath) throws RecordException {
        var root = ScanSamples.corpus(subpath);
        return ScanFormats.detect(root).orElseThrow().parse(root, subpath, skipped);
    }

    private static Finding find(ScanReport report, String id) {
        return report.findings().stream()
                .filter(f -> f.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError(id + " not in " + report.file()));
    }
}
