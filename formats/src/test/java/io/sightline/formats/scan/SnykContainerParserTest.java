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

class SnykContainerParserTest {

    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void imageTestedByDigestGivesThatDigestAsRepoDigest() throws RecordException {
        ScanReport report = parseScenario("log4shell-lateral/scans/storefront.snyk.json");

        assertThat(report.scanner()).isEqualTo("snyk");
        assertThat(report.repoDigests())
                .containsExactly("sha256:fb6c4a7bfb1709409c93f2d34e2c606c131ff5c1ad36389564bd0609544fa9bd");
        assertThat(report.configDigest()).isEmpty();
        assertThat(report.image())
                .contains(ImageRef.parse("111122223333.dkr.ecr.us-east-1.amazonaws.com/web/storefront"
                        + "@sha256:fb6c4a7bfb1709409c93f2d34e2c606c131ff5c1ad36389564bd0609544fa9bd"));
        assertThat(skipped).isEmpty();
    }

    @Test
    void storefrontHoldsOsAndApplicationFindingsMatchingTheScenarioTruth() throws RecordException {
        ScanReport report = parseScenario("log4shell-lateral/scans/storefront.snyk.json");

        // 9 apk findings at the top and 13 npm findings under applications[0];
        // truth.json ranking.severity_counts.storefront: {"CRITICAL": 7, "HIGH": 14, "MEDIUM": 1}
        assertThat(report.findings()).hasSize(22);
        assertThat(report.findings().stream().collect(Collectors.groupingBy(Finding::severity, Collectors.counting())))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(Severity.CRITICAL, 7L, Severity.HIGH, 14L, Severity.MEDIUM, 1L));

        Finding ejs = only(report, "CVE-2022-29078");
        assertThat(ejs.pkg()).isEqualTo(new PackageRef("ejs", "3.1.6", "npm", Optional.empty()));
        assertThat(ejs.aliases()).containsExactly("SNYK-JS-EJS-2259142");
        assertThat(ejs.fixedVersion()).contains("3.1.7");
        assertThat(ejs.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(ejs.cvssScore()).hasValue(9.8);
    }

    @Test
    void osPackagesAreNamedByTheInstalledBinaryNotTheSourcePackage() throws RecordException {
        ScanReport report = parseScenario("log4shell-lateral/scans/storefront.snyk.json");

        // Snyk lists CVE-2021-3711 under packageName "openssl" twice: name "openssl/libcrypto1.1" and
        // "openssl/libssl1.1".
        assertThat(report.findings())
                .filteredOn(finding -> finding.id().equals("CVE-2021-3711"))
                .extracting(Finding::pkg)
                .containsExactly(
                        new PackageRef("libcrypto1.1", "1.1.1k-r0", "apk", Optional.empty()),
                        new PackageRef("libssl1.1", "1.1.1k-r0", "apk", Optional.empty()));
        Finding apkTools = only(report, "CVE-2021-36159");
        assertThat(apkTools.pkg().name()).isEqualTo("apk-tools");
        assertThat(apkTools.aliases()).containsExactly("SNYK-ALPINE313-APKTOOLS-4574922");
        assertThat(apkTools.fixedVersion()).contains("2.12.6-r0");
        assertThat(apkTools.title()).isEqualTo("One-byte buffer over-read in extract_gzip");
    }

    @Test
    void redisAndNginxScenarioScansCarryTheirDigests() throws RecordException {
        ScanReport redis = parseScenario("docker-host-miner/scans/redis.snyk.json");
        ScanReport nginx = parseScenario("benign-ci-noise/scans/web-staging.snyk.json");

        assertThat(redis.repoDigests())
                .containsExactly("sha256:3128ffefd96fa3c04f13c80ca259a2569821810264a4fc6d443a541c752d4210");
        assertThat(redis.findings()).hasSize(4);
        assertThat(only(redis, "CVE-2022-37434").fixedVersion()).contains("1.2.12-r2");
        assertThat(nginx.repoDigests())
                .containsExactly("sha256:246a7b0c9c81cf1c066cf260a315d7d48060cf231179b5603339fa7fbdeab960");
        assertThat(nginx.image().map(ImageRef::name)).contains("docker.io/library/nginx");
        assertThat(nginx.findings()).hasSize(5);
        assertThat(only(nginx, "CVE-2011-3374").fixedVersion()).as("fixedIn []").isEmpty();
    }

    @Test
    void baseImageIsNeverTakenForTheScannedImage() throws RecordException {
        ScanReport report = SnykContainerParser.parse(
                ScanSamples.corpus("snyk/test-report-container-with-app-vulns.json"), "app-vulns.json", skipped);

        // docker.baseImage is python:3.11.0b3-slim-buster; the image tested is path "vulnerable:latest".
        assertThat(report.image()).contains(ImageRef.parse("vulnerable:latest"));
        assertThat(report.repoDigests()).isEmpty();
        Finding zlib = only(report, "CVE-2022-37434");
        assertThat(zlib.pkg()).isEqualTo(new PackageRef("zlib1g", "1:1.2.11.dfsg-1+deb10u1", "deb", Optional.empty()));
        assertThat(zlib.fixedVersion()).as("fixedIn null").isEmpty();
        Finding ssh = only(report, "CVE-2020-9283");
        assertThat(ssh.pkg().name()).isEqualTo("golang.org/x/crypto/ssh");
        assertThat(ssh.pkg().ecosystem()).isEqualTo("gomodules");
        assertThat(ssh.aliases()).containsExactly("GHSA-ffhg-7mh4-33c4", "SNYK-GOLANG-GOLANGORGXCRYPTOSSH-551923");
        assertThat(ssh.fixedVersion()).contains("0.0.0-20200220183623-bac4c82f6975");
    }

    @Test
    void aPathThatIsNoReferenceFallsBackToTheApplicationPath() throws RecordException {
        ScanReport report = SnykContainerParser.parse(
                ScanSamples.corpus("snyk/snykcontainer_issue_epss.json"), "snykcontainer_issue_epss.json", skipped);

        // Top-level path is "sarim04/juiceshop:latest/juiceshop"; the application's is "sarim04/juiceshop:latest".
        assertThat(report.image()).contains(ImageRef.parse("sarim04/juiceshop:latest"));
        assertThat(report.findings()).hasSize(13);
        Finding withoutCve = only(report, "SNYK-JS-SANITIZEHTML-585892");
        assertThat(withoutCve.aliases()).isEmpty();
        assertThat(withoutCve.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(withoutCve.cvssScore()).hasValue(9.4);
        Finding jwt = only(report, "CVE-2020-15084");
        assertThat(jwt.aliases()).containsExactly("GHSA-6g6m-m6h5-w9gf", "SNYK-JS-EXPRESSJWT-575022");
        assertThat(jwt.pkg().name()).isEqualTo("express-jwt");
        assertThat(jwt.fixedVersion()).contains("6.0.0");
        assertThat(only(report, "CVE-2023-4039").pkg().name()).isEqualTo("libgcc-s1");
    }

    @Test
    void oneVulnerabilityListedOncePerDependencyPathIsOneFinding() throws RecordException {
        String json = """
                {"ok": false, "packageManager": "npm", "docker": {}, "projectName": "docker-image|shop/web",
                 "path": "shop/web:2.0",
                 "vulnerabilities": [
                   {"id": "SNYK-JS-MINIMIST-2429795", "identifiers": {"CVE": ["CVE-2021-44906"], "CWE": ["CWE-1321"]},
                    "packageName": "minimist", "name": "minimist", "version": "1.2.5", "fixedIn": ["1.2.6"],
                    "severity": "critical", "cvssScore": 9.8, "from": ["web@2.0.0", "mkdirp@0.5.5", "minimist@1.2.5"]},
                   {"id": "SNYK-JS-MINIMIST-2429795", "identifiers": {"CVE": ["CVE-2021-44906"], "CWE": ["CWE-1321"]},
                    "packageName": "minimist", "name": "minimist", "version": "1.2.5", "fixedIn": ["1.2.6"],
                    "severity": "critical", "cvssScore": 9.8,
                    "from": ["web@2.0.0", "optimist@0.6.1", "minimist@1.2.5"]},
                   {"identifiers": {"CVE": ["CVE-2022-0001"]}, "packageName": "qs", "version": "6.7.0"},
                   {"id": "SNYK-JS-LODASH-567746", "identifiers": {"CVE": ["CVE-2020-8203"]}, "version": "4.17.15"},
                   {"id": "SNYK-JS-LODASH-1040724", "identifiers": {"CVE": ["CVE-2021-23337"]},
                    "packageName": "lodash", "name": "lodash", "version": "4.17.15", "fixedIn": ["4.17.21"],
                    "severity": "high", "cvssScore": 7.2}
                 ]}
                """;

        ScanReport report = SnykContainerParser.parse(ScanSamples.inline(json), "inline.snyk.json", skipped);

        assertThat(report.findings()).extracting(Finding::id).containsExactly("CVE-2021-44906", "CVE-2021-23337");
        assertThat(only(report, "CVE-2021-44906").aliases()).containsExactly("SNYK-JS-MINIMIST-2429795");
        assertThat(skipped)
                .extracting(SkippedRecord::reason)
                .containsExactly(
                        "vulnerabilities[2]: missing field id; finding skipped",
                        "vulnerabilities[3]: missing field packageName; finding skipped");
    }

    @Test
    void restApiAndOpenSourceReportsAreRefused() {
        assertRefused(
                "snyk/snyk_sca_scan_api_many_vuln.json",
                "got a JSON:API response (data, jsonapi, links), as the Snyk REST API returns");
        assertRefused(
                "snyk/test-report-with-risk-scores.json",
                "got a Snyk open-source test report (packageManager npm, no docker section)");
        assertRefused("snyk/test-exploit-maturity.json", "got a JSON object with keys [ok, vulnerabilities]");
    }

    private void assertRefused(String subpath, String got) {
        assertThat(SnykContainerParser.accepts(ScanSamples.corpus(subpath))).isFalse();
        assertThatThrownBy(() -> SnykContainerParser.parse(ScanSamples.corpus(subpath), subpath, skipped))
                .isInstanceOf(RecordException.class)
                .hasMessage("expected Snyk container test JSON (vulnerabilities with a docker section or a"
                        + " docker-image| projectName), " + got);
    }

    private ScanReport parseScenario(String relative) throws RecordException {
        return SnykContainerParser.parse(ScanSamples.scenario(relative), relative, skipped);
    }

    private static Finding only(ScanReport report, String id) {
        List<Finding> matching = report.findings().stream()
                .filter(finding -> finding.id().equals(id))
                .toList();
        assertThat(matching).as("findings with id %s", id).hasSize(1);
        return matching.getFirst();
    }
}
