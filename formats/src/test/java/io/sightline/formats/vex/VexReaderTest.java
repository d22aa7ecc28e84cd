package io.sightline.formats.vex;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.engine.EngineConfig;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Suppression;
import io.sightline.formats.RecordException;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.formats.scan.ScanFormats;
import io.sightline.vex.VexStatement;
import io.sightline.vex.VexStatement.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every VEX document of the corpus, with statement counts and statuses read from the files by hand. */
class VexReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> OUTCOMES = Map.ofEntries(
            entry("affected.openvex.json", "openvex: 1 statements [affected]"),
            entry("csaf-demo1.json", "csaf-vex: 1 statements [fixed]"),
            entry("csaf.json", "csaf-vex: 1 statements [not_affected]"),
            entry("cyclonedx.json", "cyclonedx-vex: 2 statements [not_affected]"),
            entry("oci.openvex.json", "openvex: 7 statements [not_affected]"),
            entry("openvex-debian.json", "openvex: 1 statements [fixed]"),
            entry("openvex-demo2.json", "openvex: 5 statements [fixed, not_affected]"),
            entry("openvex-oci.json", "openvex: 1 statements [not_affected]"),
            entry("openvex.json", "openvex: 1 statements [not_affected]"),
            entry(
                    "openvex_many_vuln.json",
                    "openvex: 6 statements [affected, fixed, not_affected, under_investigation]"),
            entry("trivy.openvex.json", "openvex: 21 statements [not_affected]"),
            entry("under_investigation.openvex.json", "openvex: 1 statements [under_investigation]"),
            entry("vex-affected.json", "cyclonedx-vex: 1 statements [affected]"),
            entry("vex-fixed.json", "cyclonedx-vex: 1 statements [fixed]"),
            entry("vex-not_affected.json", "cyclonedx-vex: 1 statements [not_affected]"),
            entry("vex-under_investigation.json", "cyclonedx-vex: 1 statements [under_investigation]"),
            entry("vex.json", "cyclonedx-vex: 1 statements [not_affected]"),
            entry(
                    "bom.json",
                    "not VEX: a CycloneDX 1.3 SBOM without vulnerabilities (3 components): an inventory of packages,"
                            + " not a scan report; scan it (trivy sbom, grype sbom:) and give the result"));

    static List<String> files() {
        return OUTCOMES.keySet().stream().sorted().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void everyVexDocumentIsReadWithItsStatements(String name) throws RecordException {
        JsonNode root = corpus(name);
        List<SkippedRecord> skipped = new ArrayList<>();
        String outcome;
        if (VexReader.detect(root).isEmpty()) {
            outcome = "not VEX: " + ScanFormats.notAScanReport(root).orElse("(unrecognised)");
        } else {
            List<VexStatement> statements = VexReader.read(root, name, skipped);
            outcome = VexReader.detect(root).get() + ": " + statements.size() + " statements "
                    + statements.stream()
                            .map(s -> s.status().label())
                            .distinct()
                            .sorted()
                            .toList();
        }

        assertThat(outcome).isEqualTo(OUTCOMES.get(name));
        assertThat(skipped).isEmpty();
    }

    @Test
    void openVexKeepsAliasesSubcomponentsAndTheImpactStatement() throws RecordException {
        VexStatement helm = VexReader.read(corpus("trivy.openvex.json"), "trivy.openvex.json", new ArrayList<>())
                .getFirst();
        assertThat(helm.vulnerabilities()).containsExactly("GO-2024-2575", "CVE-2024-26147", "GHSA-r53h-jv2g-vpx6");
        assertThat(helm.products()).contains("pkg:golang/github.com/aquasecurity/trivy");

        VexStatement opa = VexReader.read(corpus("openvex.json"), "openvex.json", new ArrayList<>())
                .getFirst();
        assertThat(opa.status()).isEqualTo(Status.NOT_AFFECTED);
        assertThat(opa.subcomponents()).containsExactly("pkg:golang/github.com/open-policy-agent/opa@v0.35.0");
        assertThat(opa.justification())
                .isEqualTo("vulnerable_code_not_in_execute_path: The vulnerable code isn't called");
    }

    @Test
    void cycloneDxVexStripsTheBomLinkToThePurlAndCsafResolvesProductIds() throws RecordException {
        VexStatement log4j = VexReader.read(corpus("cyclonedx.json"), "cyclonedx.json", new ArrayList<>())
                .getFirst();
        assertThat(log4j.vulnerabilities()).containsExactly("CVE-2021-44228");
        assertThat(log4j.products()).containsExactly("pkg:maven/org.springframework.boot/spring-boot@2.6.0");
        assertThat(log4j.justification()).isEqualTo("code_not_reachable");

        VexStatement csaf = VexReader.read(corpus("csaf.json"), "csaf.json", new ArrayList<>())
                .getFirst();
        assertThat(csaf.products()).containsExactly("pkg:golang/github.com/aquasecurity/go-transitive@v4.0.0");
        assertThat(csaf.justification()).isEqualTo("vulnerable_code_not_in_execute_path");
    }

    @Test
    void aStatementWithAnUnknownStatusIsSkippedAndItsNeighboursKept() throws Exception {
        JsonNode root = JSON.readTree("""
                {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
                  {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a"}], "status": "maybe"},
                  {"vulnerability": {"name": "CVE-2"}, "products": [{"@id": "pkg:npm/a"}], "status": "fixed"}]}
                """);
        List<SkippedRecord> skipped = new ArrayList<>();

        assertThat(VexReader.read(root, "bad.openvex.json", skipped))
                .extracting(s -> s.vulnerabilities().getFirst())
                .containsExactly("CVE-2");
        assertThat(skipped)
                .extracting(SkippedRecord::file, SkippedRecord::reason)
                .containsExactly(tuple(
                        "bad.openvex.json",
                        "statements[0]: field statements[0].status: expected not_affected, affected, fixed or"
                                + " under_investigation (or a CycloneDX analysis state), got 'maybe'; statement"
                                + " skipped"));
    }

    @Test
    void analysisDropsTheVexedPackageOfARealTrivyReportAndKeepsItsTwin(@TempDir Path folder) throws IOException {
        Path scans = Files.createDirectories(folder.resolve("scans"));
        try (InputStream in = resource("trivy/alpine-310.json.golden")) {
            Files.copy(in, scans.resolve("alpine-310.trivy.json"));
        }
        Files.writeString(scans.resolve("alpine.openvex.json"), """
                {"@context": "https://openvex.dev/ns/v0.2.0", "author": "test", "statements": [
                  {"vulnerability": {"name": "CVE-2019-1549"},
                   "products": [{"@id": "pkg:oci/trivy-test-images?repository_url=ghcr.io/aquasecurity/trivy-test-images",
                                 "subcomponents": [{"@id": "pkg:apk/alpine/libssl1.1"}]}],
                   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
                """, StandardCharsets.UTF_8);

        AnalysisResult result =
                AnalysisPipeline.run(folder, AnalysisPipeline.layout(folder), Set.of(), EngineConfig.DEFAULTS);

        List<Suppression> suppressed =
                result.reports().stream().flatMap(r -> r.suppressed().stream()).toList();
        assertThat(suppressed)
                .extracting(s -> s.finding().id(), s -> s.finding().pkg().name(), Suppression::justification)
                .containsExactly(tuple("CVE-2019-1549", "libssl1.1", "vulnerable_code_not_in_execute_path"));
        assertThat(result.reports().getFirst().findings())
                .extracting(f -> f.id() + " " + f.pkg().name())
                .contains("CVE-2019-1549 libcrypto1.1")
                .doesNotContain("CVE-2019-1549 libssl1.1");
        assertThat(result.files()).extracting(f -> f.format()).containsExactly("trivy", "openvex");
    }

    private static JsonNode corpus(String name) {
        try (InputStream in = resource("vex/" + name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String subpath) {
        InputStream in = VexReaderTest.class.getResourceAsStream("/corpus/shiftleft/" + subpath);
        if (in == null) {
            throw new IllegalStateException("no test resource " + subpath);
        }
        return in;
    }
}
