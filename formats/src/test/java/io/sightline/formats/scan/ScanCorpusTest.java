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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample of the trivy, grype and snyk corpus folders and every scenario scan, each run
 * through the parsers by content alone: exactly one parser takes a report, none takes anything
 * else, and a refusal says what the document is.
 */
class ScanCorpusTest {

    /** What each corpus file must come to, read from the files by hand. */
    private static final Map<String, String> OUTCOMES = Map.ofEntries(
            entry("trivy/all_statuses.json", "trivy: 8 findings, 0 skipped"),
            entry("trivy/alpine-310.json.golden", "trivy: 4 findings, 0 skipped"),
            entry("trivy/alpine-310.sarif.golden", "refused, got a SARIF 2.1.0 log"),
            entry("trivy/alpine-39.json.golden", "trivy: 6 findings, 0 skipped"),
            entry("trivy/alpine-distroless.json.golden", "trivy: 1 findings, 0 skipped"),
            entry("trivy/centos-7.json.golden", "trivy: 3 findings, 0 skipped"),
            entry("trivy/cvssv4_severity_source.json", "trivy: 3 findings, 0 skipped"),
            entry("trivy/debian-buster.json.golden", "trivy: 2 findings, 0 skipped"),
            entry("trivy/debian-stretch.json.golden", "trivy: 5 findings, 0 skipped"),
            entry("trivy/distroless-base.json.golden", "trivy: 4 findings, 0 skipped"),
            entry("trivy/distroless-python27.json.golden", "trivy: 4 findings, 0 skipped"),
            entry("trivy/fluentd-gems.json.golden", "trivy: 2 findings, 0 skipped"),
            entry("trivy/fluentd-multiple-lockfiles-short.cdx.json.golden", "refused, got a CycloneDX 1.7 BOM"),
            entry("trivy/gomod-vex.json.golden", "trivy: 2 findings, 0 skipped"),
            entry(
                    "trivy/kubernetes.json",
                    "refused, got a Trivy Kubernetes cluster report"
                            + " (ClusterName arn:aws:eks:us-east-1:576036489467:cluster/monitoring-test-cluster)"),
            entry(
                    "trivy/new.json.golden",
                    "refused, got a JSON object with keys [ImageID, RepoTags, RepoDigests, Results]"),
            entry("trivy/npm-cyclonedx.json.golden", "refused, got a CycloneDX 1.7 BOM"),
            entry("trivy/pom-cyclonedx.json.golden", "refused, got a CycloneDX 1.7 BOM"),
            entry("trivy/scheme_2_many_vulns.json", "trivy: 5 findings, 0 skipped"),
            entry("trivy/ubuntu-1804.json.golden", "trivy: 5 findings, 0 skipped"),
            entry("grype/TestCycloneDxPresenterImage.golden", "refused, got a CycloneDX 1.7 BOM"),
            entry("grype/TestJsonImgsPresenter.golden", "grype: 2 findings, 0 skipped"),
            entry("grype/TestSarifPresenter_image.golden", "refused, got a SARIF 2.1.0 log"),
            entry("grype/chainguard-ruby-test.json", "grype: 3 findings, 0 skipped"),
            entry("grype/ghsa-test.json", "grype: 2 findings, 0 skipped"),
            entry("grype/keycloak-test.json", "grype: 6 findings, 0 skipped"),
            entry("grype/many_vulns_with_epss_values.json", "grype: 15 findings, 0 skipped"),
            // Two matches differing only in location; imageID is the placeholder "sha256:test".
            entry("grype/same_cve_different_paths.json", "grype: 1 findings, 1 skipped"),
            entry(
                    "snyk/snyk_sca_scan_api_many_vuln.json",
                    "refused, got a JSON:API response (data, jsonapi, links), as the Snyk REST API returns"),
            entry(
                    "snyk/snyk_sca_scan_api_single_vuln.json",
                    "refused, got a JSON:API response (data, jsonapi, links), as the Snyk REST API returns"),
            entry("snyk/snykcontainer_issue_epss.json", "snyk: 13 findings, 0 skipped"),
            entry("snyk/test-exploit-maturity.json", "refused, got a JSON object with keys [ok, vulnerabilities]"),
            entry("snyk/test-report-container-with-app-vulns.json", "snyk: 2 findings, 0 skipped"),
            entry(
                    "snyk/test-report-with-reachability.json",
                    "refused, got a JSON object with keys [ok, dependencyCount, vulnerabilities]"),
            entry(
                    "snyk/test-report-with-risk-scores.json",
                    "refused, got a Snyk open-source test report (packageManager npm, no docker section)"));

    static Stream<String> corpusFiles() {
        return Stream.of("trivy", "grype", "snyk").flatMap(folder -> ScanSamples.corpusFolder(folder).stream());
    }

    static List<String> scenarioScans() {
        return ScanSamples.scenarioScans();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusFiles")
    void everyCorpusSampleParsesOrIsRefusedWithWhatItIs(String subpath) {
        assertThat(OUTCOMES).as("expected outcome for %s", subpath).containsKey(subpath);

        assertThat(outcome(subpath, ScanSamples.corpus(subpath), scannerOfFolder(subpath)))
                .isEqualTo(OUTCOMES.get(subpath));
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

    private static String outcome(String subpath, JsonNode root, String folderScanner) {
        List<String> accepting = acceptingScanners(root);
        assertThat(accepting).as("parsers accepting %s", subpath).hasSizeLessThanOrEqualTo(1);
        List<SkippedRecord> skipped = new ArrayList<>();
        try {
            ScanReport report = parse(folderScanner, root, subpath, skipped);
            assertThat(accepting).containsExactly(report.scanner());
            assertThat(report.findings()).as("findings of %s", subpath).isNotEmpty();
            return report.scanner() + ": " + report.findings().size() + " findings, " + skipped.size() + " skipped";
        } catch (RecordException e) {
            assertThat(accepting).isEmpty();
            assertThat(e.getMessage()).startsWith("expected ");
            return "refused, " + e.getMessage().substring(e.getMessage().indexOf("got "));
        }
    }

    private static ScanReport parseByContent(JsonNode root, String file) throws RecordException {
        return parse(acceptingScanners(root).getFirst(), root, file, new ArrayList<>());
    }

    private static List<String> acceptingScanners(JsonNode root) {
        List<String> scanners = new ArrayList<>();
        if (TrivyReportParser.accepts(root)) {
            scanners.add(TrivyReportParser.SCANNER);
        }
        if (GrypeReportParser.accepts(root)) {
            scanners.add(GrypeReportParser.SCANNER);
        }
        if (SnykContainerParser.accepts(root)) {
            scanners.add(SnykContainerParser.SCANNER);
        }
        return scanners;
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

    private static String scannerOfFolder(String subpath) {
        return subpath.substring(0, subpath.indexOf('/'));
    }
}
