package io.sightline.formats.scan;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.RecordException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scanner sample of the shiftleft corpus and every scenario scan, each run through the scan
 * formats by content alone: at most one format takes a document, and a refusal says what the
 * document is. The counts were read from the files by hand (reports per image, distinct findings,
 * findings suppressed by the scanner's own status, records skipped with a reason).
 */
class ScanCorpusTest {

    /** What each corpus file must come to, read from the files by hand. */
    private static final Map<String, String> OUTCOMES = Map.ofEntries(
            entry("trivy/all_statuses.json", "trivy: 1 reports, 7 findings, 1 suppressed, 0 skipped"),
            entry("trivy/alpine-310.json.golden", "trivy: 1 reports, 4 findings, 0 suppressed, 0 skipped"),
            entry("trivy/alpine-310.sarif.golden", "sarif: 1 reports, 4 findings, 0 suppressed, 0 skipped"),
            entry("trivy/alpine-39.json.golden", "trivy: 1 reports, 6 findings, 0 suppressed, 0 skipped"),
            entry("trivy/alpine-distroless.json.golden", "trivy: 1 reports, 1 findings, 0 suppressed, 0 skipped"),
            entry("trivy/centos-7.json.golden", "trivy: 1 reports, 3 findings, 0 suppressed, 0 skipped"),
            entry("trivy/cvssv4_severity_source.json", "trivy: 1 reports, 3 findings, 0 suppressed, 0 skipped"),
            entry("trivy/debian-buster.json.golden", "trivy: 1 reports, 2 findings, 0 suppressed, 0 skipped"),
            entry("trivy/debian-stretch.json.golden", "trivy: 1 reports, 5 findings, 0 suppressed, 0 skipped"),
            entry("trivy/distroless-base.json.golden", "trivy: 1 reports, 4 findings, 0 suppressed, 0 skipped"),
            entry("trivy/distroless-python27.json.golden", "trivy: 1 reports, 4 findings, 0 suppressed, 0 skipped"),
            entry("trivy/fluentd-gems.json.golden", "trivy: 1 reports, 2 findings, 0 suppressed, 0 skipped"),
            entry(
                    "trivy/fluentd-multiple-lockfiles-short.cdx.json.golden",
                    "cyclonedx: 1 reports, 3 findings, 0 suppressed, 0 skipped"),
            entry("trivy/gomod-vex.json.golden", "trivy: 1 reports, 2 findings, 0 suppressed, 0 skipped"),
            entry("trivy/kubernetes.json", "trivy-k8s: 2 reports, 10 findings, 0 suppressed, 0 skipped"),
            entry(
                    "trivy/new.json.golden",
                    "refused, got a JSON object with keys [ImageID, RepoTags, RepoDigests, Results]"),
            entry("trivy/npm-cyclonedx.json.golden", "cyclonedx: 1 reports, 1 findings, 0 suppressed, 0 skipped"),
            entry("trivy/pom-cyclonedx.json.golden", "cyclonedx: 1 reports, 2 findings, 0 suppressed, 0 skipped"),
            entry("trivy/scheme_2_many_vulns.json", "trivy: 1 reports, 5 findings, 0 suppressed, 0 skipped"),
            entry("trivy/ubuntu-1804.json.golden", "trivy: 1 reports, 5 findings, 0 suppressed, 0 skipped"),
            entry(
                    "grype/TestCycloneDxPresenterImage.golden",
                    "cyclonedx: 1 reports, 2 findings, 0 suppressed, 0 skipped"),
            entry("grype/TestJsonImgsPresenter.golden", "grype: 1 reports, 2 findings, 0 suppressed, 0 skipped"),
            entry("grype/TestSarifPresenter_image.golden", "sarif: 1 reports, 2 findings, 0 suppressed, 0 skipped"),
            entry("grype/chainguard-ruby-test.json", "grype: 1 reports, 3 findings, 0 suppressed, 0 skipped"),
            entry("grype/ghsa-test.json", "grype: 1 reports, 2 findings, 0 suppressed, 0 skipped"),
            entry("grype/keycloak-test.json", "grype: 1 reports, 6 findings, 0 suppressed, 0 skipped"),
            entry("grype/many_vulns_with_epss_values.json", "grype: 1 reports, 15 findings, 0 suppressed, 0 skipped"),
            entry("grype/same_cve_different_paths.json", "grype: 1 reports, 1 findings, 0 suppressed, 1 skipped"),
            entry(
                    "snyk/snyk_sca_scan_api_many_vuln.json",
                    "snyk-rest-issues: 5 reports, 1 findings, 4 suppressed, 0 skipped"),
            entry(
                    "snyk/snyk_sca_scan_api_single_vuln.json",
                    "snyk-rest-issues: 1 reports, 0 findings, 1 suppressed, 0 skipped"),
            entry("snyk/snykcontainer_issue_epss.json", "snyk: 1 reports, 13 findings, 0 suppressed, 0 skipped"),
            entry(
                    "snyk/test-exploit-maturity.json",
                    "refused, got a Snyk open-source test report (snyk test --json): it tests a manifest, names no image and has no docker section; use snyk container test"),
            entry(
                    "snyk/test-report-container-with-app-vulns.json",
                    "snyk: 1 reports, 2 findings, 0 suppressed, 0 skipped"),
            entry(
                    "snyk/test-report-with-reachability.json",
                    "refused, got a Snyk open-source test report (snyk test --json): it tests a manifest, names no image and has no docker section; use snyk container test"),
            entry(
                    "snyk/test-report-with-risk-scores.json",
                    "refused, got a Snyk open-source test report (snyk test --json, packageManager npm): it tests a manifest, names no image and has no docker section; use snyk container test"),
            entry(
                    "trivy-operator/vulnerabilityreport_extended.json",
                    "trivy-operator: 1 reports, 5 findings, 0 suppressed, 0 skipped"),
            entry(
                    "trivy-operator/vulnerabilityreport_many.json",
                    "trivy-operator: 1 reports, 41 findings, 0 suppressed, 0 skipped"),
            entry(
                    "trivy-operator/vulnerabilityreport_single_vuln.json",
                    "trivy-operator: 1 reports, 1 findings, 0 suppressed, 0 skipped"),
            entry("harbor/harbor-5-vuln.json", "harbor: 1 reports, 5 findings, 0 suppressed, 1 skipped"),
            entry("harbor/harbor-trivy-vuln.json", "harbor: 1 reports, 3 findings, 0 suppressed, 0 skipped"),
            entry("aws/aws_inspector2_many_vul.json", "inspector2: 1 reports, 7 findings, 1 suppressed, 1 skipped"),
            entry("aws/aws_inspector2_one_vul.json", "inspector2: 1 reports, 1 findings, 0 suppressed, 0 skipped"),
            entry("aws/inspector_ecr.json", "securityhub-inspector: 7 reports, 10 findings, 0 suppressed, 0 skipped"),
            entry(
                    "sbom/centos-7-cyclonedx.json",
                    "refused, got a CycloneDX 1.5 SBOM without vulnerabilities (3 components): an inventory of packages, not a scan report; scan it (trivy sbom, grype sbom:) and give the result"),
            entry(
                    "sbom/sbom-ubuntu-20.04--pruned.json",
                    "refused, got a Syft JSON SBOM (4 artifacts, no vulnerabilities): an inventory of packages, not a scan report"),
            entry("sysdig/sysdig-2025.json", "sysdig-workload-report: 3 reports, 5 findings, 0 suppressed, 1 skipped"),
            entry("sysdig/sysdig_reports_many_vul.json", "sysdig-cli: 1 reports, 31 findings, 0 suppressed, 0 skipped"),
            entry("aqua/vulns_with_aqua_severity.json", "aqua: 1 reports, 13 findings, 0 suppressed, 0 skipped"),
            entry("neuvector/many_vulns.json", "neuvector: 1 reports, 2 findings, 0 suppressed, 1 skipped"),
            entry("wiz/wizcli_img_many_vul.json", "wiz: 1 reports, 8 findings, 0 suppressed, 0 skipped"),
            entry(
                    "prisma-twistlock/many_vulns.json",
                    "prisma-twistlock: 1 reports, 5 findings, 0 suppressed, 0 skipped"),
            entry(
                    "gcp/artifact-analysis-occurrences-sample.json",
                    "gcp-artifact-analysis: 1 reports, 13 findings, 0 suppressed, 1 skipped"));

    static Stream<String> corpusFiles() {
        return Stream.of(
                        "trivy",
                        "grype",
                        "snyk",
                        "trivy-operator",
                        "harbor",
                        "aws",
                        "sbom",
                        "sysdig",
                        "aqua",
                        "neuvector",
                        "wiz",
                        "prisma-twistlock",
                        "gcp")
                .flatMap(folder -> ScanSamples.corpusFolder(folder).stream());
    }

    static List<String> scenarioScans() {
        return ScanSamples.scenarioScans();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusFiles")
    void everyCorpusSampleParsesOrIsRefusedWithWhatItIs(String subpath) {
        assertThat(OUTCOMES).as("expected outcome for %s", subpath).containsKey(subpath);

        assertThat(outcome(subpath, ScanSamples.corpus(subpath))).isEqualTo(OUTCOMES.get(subpath));
    }

    @Test
    void everyExpectedOutcomeNamesAFileThatExists() {
        assertThat(corpusFiles().toList()).containsExactlyInAnyOrderElementsOf(OUTCOMES.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarioScans")
    void everyScenarioScanIsReadByTheParserItsSuffixNamesWithOneRepoDigest(String relative) throws RecordException {
        JsonNode root = ScanSamples.scenario(relative);
        String suffixScanner = relative.substring(relative.lastIndexOf('/') + 1).split("\\.")[1];
        List<SkippedRecord> skipped = new ArrayList<>();

        assertThat(acceptingScanners(root)).containsExactly(suffixScanner);
        ScanReport report = parse(suffixScanner, root, relative, skipped);

        assertThat(skipped).isEmpty();
        assertThat(report.findings()).isNotEmpty();
        assertThat(report.image()).isPresent();
        assertThat(report.repoDigests()).hasSize(1);
        // The config digest is a different value from the registry digest; Snyk reports none.
        assertThat(report.configDigest())
                .isNotEqualTo(report.repoDigests().stream().findFirst());
        assertThat(report.configDigest().isPresent()).isEqualTo(!suffixScanner.equals("snyk"));
    }

    @Test
    void everyImageTheScenarioTruthRanksHasAScanWithThatRepoDigest() throws RecordException {
        for (String scenario : List.of("log4shell-lateral", "docker-host-miner", "benign-ci-noise")) {
            Set<String> scanned = new HashSet<>();
            for (String relative : scenarioScans()) {
                if (relative.startsWith(scenario + "/")) {
                    scanned.addAll(parseByContent(ScanSamples.scenario(relative), relative)
                            .repoDigests());
                }
            }
            JsonNode ranking = ScanSamples.scenario(scenario + "/truth.json").path("ranking");
            List<String> ranked = new ArrayList<>();
            ranking.path("top").forEach(digest -> ranked.add(digest.asText()));
            ranking.path("below").forEach(digest -> ranked.add(digest.asText()));

            assertThat(scanned).as("repo digests scanned in %s", scenario).containsAll(ranked);
        }
    }

    /** Where a format gives the files a package was found in, they are kept on the package. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "sysdig/sysdig_reports_many_vul.json, Werkzeug,"
                + " /usr/local/lib/python2.7/dist-packages/Werkzeug-1.0.1.dist-info/METADATA",
        "aqua/vulns_with_aqua_severity.json, /BOOT-INF/lib/guava-20.0.jar, /BOOT-INF/lib/guava-20.0.jar",
        "wiz/wizcli_img_many_vul.json, golang.org/x/net, /app/grpc/proto/go.mod",
        "grype/ghsa-test.json, httpclient, /TwilioNotifier.hpi",
    })
    void packagePathsAreKeptWhereTheFormatGivesThem(String subpath, String packageName, String path)
            throws RecordException {
        ScanReport report = parseByContent(ScanSamples.corpus(subpath), subpath);

        assertThat(report.findings())
                .filteredOn(f -> f.pkg().name().equals(packageName))
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.pkg().paths()).containsExactly(path));
    }

    /** The outcome of reading a document by content, as the input loader does. */
    static String outcome(String subpath, JsonNode root) {
        List<String> accepting = acceptingFormats(root);
        assertThat(accepting).as("formats accepting %s", subpath).hasSizeLessThanOrEqualTo(1);
        if (accepting.isEmpty()) {
            return "refused, got " + ScanFormats.notAScanReport(root).orElse(ReportShapes.describe(root));
        }
        List<SkippedRecord> skipped = new ArrayList<>();
        try {
            List<ScanReport> reports = ScanFormats.detect(root).orElseThrow().parse(root, subpath, skipped);
            int findings = reports.stream().mapToInt(r -> r.findings().size()).sum();
            int suppressed =
                    reports.stream().mapToInt(r -> r.suppressed().size()).sum();
            return accepting.getFirst() + ": " + reports.size() + " reports, " + findings + " findings, " + suppressed
                    + " suppressed, " + skipped.size() + " skipped";
        } catch (RecordException e) {
            return "refused, " + e.getMessage().substring(e.getMessage().indexOf("got "));
        }
    }

    private static ScanReport parseByContent(JsonNode root, String file) throws RecordException {
        return ScanFormats.detect(root)
                .orElseThrow()
                .parse(root, file, new ArrayList<>())
                .getFirst();
    }

    private static List<String> acceptingFormats(JsonNode root) {
        return ScanFormats.ALL.stream()
                .filter(format -> format.accepts().test(root))
                .map(ScanFormat::name)
                .toList();
    }

    private static List<String> acceptingScanners(JsonNode root) {
        return acceptingFormats(root);
    }

    private static ScanReport parse(String scanner, JsonNode root, String file, List<SkippedRecord> skipped)
            throws RecordException {
        return switch (scanner) {
            case TrivyReportParser.SCANNER -> TrivyReportParser.parse(root, file, skipped);
            case GrypeReportParser.SCANNER -> GrypeReportParser.parse(root, file, skipped);
            case SnykContainerParser.SCANNER -> SnykContainerParser.parse(root, file, skipped);
            default -> throw new IllegalArgumentException("no parser for scanner " + scanner);
        };
    }
}
