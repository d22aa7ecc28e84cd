package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.formats.report.ImageAttention;
import io.sightline.formats.report.NoiseFigure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline exports on the log4shell-lateral scenario: the SARIF log checked field by field
 * against what SARIF 2.1.0 (OASIS, 2020) requires of a log, a run, a tool and a result, the fix
 * list, the noise figure, and {@code kev refresh}.
 */
class ExportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static AnalysisResult analysis;

    @BeforeAll
    static void analyse() {
        Path folder = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral");
        analysis = AnalysisPipeline.run(
                folder, AnalysisPipeline.layout(folder), KevCatalogue.bundled(), EngineConfig.DEFAULTS);
    }

    @Test
    void sarifLogHasTheFieldsSarif210Requires() throws IOException {
        JsonNode log = sarif();

        // §3.13: sarifLog has version "2.1.0" and runs; $schema is how consumers recognise it.
        assertThat(log.path("version").asText()).isEqualTo("2.1.0");
        assertThat(log.path("$schema").asText()).isEqualTo("https://json.schemastore.org/sarif-2.1.0.json");
        assertThat(log.path("runs").isArray()).isTrue();
        assertThat(log.path("runs")).hasSize(1);
        JsonNode run = log.path("runs").get(0);
        // §3.14.6, §3.18.2, §3.19.8: run.tool.driver.name is required.
        assertThat(run.path("tool").path("driver").path("name").asText()).isEqualTo("Sightline");
        JsonNode rules = run.path("tool").path("driver").path("rules");
        Set<String> ruleIds = new HashSet<>();
        rules.forEach(rule -> assertThat(ruleIds.add(rule.path("id").asText()))
                .as("rule ids are unique")
                .isTrue());
        assertThat(run.path("results").size()).isGreaterThan(10);
        Set<String> fingerprints = new HashSet<>();
        for (JsonNode result : run.path("results")) {
            // §3.27.10 message (text), §3.27.5 ruleId, §3.27.6 ruleIndex naming that rule, §3.27.10 level enum.
            assertThat(result.path("message").path("text").asText()).isNotBlank();
            String ruleId = result.path("ruleId").asText();
            assertThat(ruleId).isNotBlank();
            assertThat(rules.get(result.path("ruleIndex").asInt()).path("id").asText())
                    .isEqualTo(ruleId);
            assertThat(result.path("level").asText()).isIn("none", "note", "warning", "error");
            // §3.27.12 locations; code scanning needs a physicalLocation.artifactLocation.uri.
            assertThat(result.path("locations")).isNotEmpty();
            assertThat(result.path("locations")
                            .get(0)
                            .path("physicalLocation")
                            .path("artifactLocation")
                            .path("uri")
                            .asText())
                    .isNotBlank();
            String fingerprint = result.path("partialFingerprints")
                    .path("sightlineFinding/v1")
                    .asText();
            assertThat(fingerprint).hasSize(64);
            assertThat(fingerprints.add(fingerprint))
                    .as("one result per image and vulnerability")
                    .isTrue();
        }
    }

    @Test
    void sarifResultForLog4ShellNamesTheImageAndTheUpgradeAndItsFingerprintIsStable() throws IOException {
        JsonNode first = log4shell(sarif());
        JsonNode again = log4shell(sarif());

        assertThat(first.path("level").asText()).isEqualTo("error");
        assertThat(first.path("message").path("text").asText())
                .contains("org.apache.logging.log4j:log4j-core@2.14.1")
                .contains("payments/orders-api:1.8.2")
                .contains("upgrade org.apache.logging.log4j:log4j-core 2.14.1 -> 2.17.1");
        assertThat(first.path("locations")
                        .get(0)
                        .path("physicalLocation")
                        .path("artifactLocation")
                        .path("uri")
                        .asText())
                .isEqualTo("scans/orders-api.trivy.json");
        assertThat(first.path("partialFingerprints")).isEqualTo(again.path("partialFingerprints"));
        assertThat(first.path("properties").path("joined_by").asText())
                .as("the scan names the digest the orders-api pods run")
                .isEqualTo("digest");
    }

    @Test
    void fixListNamesUpgradesClearedFindingsAndWorkloadsToRoll() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FixListExport.write(analysis, out);
        JsonNode list = MAPPER.readTree(out.toString(StandardCharsets.UTF_8));

        assertThat(list.path("format").asText()).isEqualTo("sightline-fixlist/v1");
        JsonNode orders = list.path("images").get(0);
        assertThat(orders.path("image").asText()).endsWith("payments/orders-api:1.8.2");
        assertThat(orders.path("needs_action").asBoolean()).isTrue();
        JsonNode log4j = orders.path("upgrades").get(0);
        assertThat(log4j.path("package").asText()).isEqualTo("org.apache.logging.log4j:log4j-core");
        assertThat(log4j.path("from").asText()).isEqualTo("2.14.1");
        assertThat(log4j.path("to").asText()).isEqualTo("2.17.1");
        List<String> clears = new ArrayList<>();
        log4j.path("clears").forEach(c -> clears.add(c.asText()));
        assertThat(clears).contains("CVE-2021-44228", "CVE-2021-45046", "CVE-2021-44832");
        List<String> roll = new ArrayList<>();
        orders.path("workloads_to_roll").forEach(w -> roll.add(w.asText()));
        assertThat(roll).isNotEmpty().allSatisfy(w -> assertThat(w).startsWith("payments/"));
    }

    @Test
    void noiseFigureCountsFlaggedImagesAndFindingsThatNeedAction() {
        NoiseFigure noise = NoiseFigure.of(analysis.images(), analysis.storyboards());

        assertThat(noise.imagesFlagged())
                .isEqualTo(ImageAttention.flagged(analysis.images()).size());
        assertThat(noise.imagesNeedingAction())
                .isLessThanOrEqualTo(noise.imagesFlagged())
                .isPositive();
        assertThat(noise.findingsNeedingAction()).isLessThan(noise.findings()).isPositive();
        assertThat(noise.text()).matches("\\d+ of \\d+ flagged images need action; \\d+ of \\d+ findings");
    }

    @Test
    void kevRefreshStoresAValidCatalogueAndRefusesABadOne(@TempDir Path temp) throws Exception {
        Path good = temp.resolve("kev.json");
        Files.writeString(good, """
                {"catalogVersion": "2099.01.01", "vulnerabilities": [{"cveID": "CVE-2099-0001"}]}""");
        Path data = temp.resolve("data");

        int code = Sightline.commandLine()
                .execute("kev", "refresh", "--from", good.toString(), "--data-dir", data.toString());

        assertThat(code).isZero();
        assertThat(KevCatalogue.read(KevCommand.storedCatalogue(data))).containsExactly("CVE-2099-0001");

        Path bad = temp.resolve("bad.json");
        Files.writeString(bad, """
                {"catalogVersion": "2099.01.02", "vulnerabilities": [{"cveID": "not-a-cve"}]}""");
        assertThatThrownBy(() -> KevCatalogue.validate(MAPPER.readTree(bad.toFile()), "bad.json"))
                .hasMessage("bad.json: vulnerabilities[0].cveID: expected CVE-YYYY-NNNN, got 'not-a-cve'");
        assertThat(Sightline.commandLine()
                        .execute("kev", "refresh", "--from", bad.toString(), "--data-dir", data.toString()))
                .isNotZero();
        assertThat(KevCatalogue.read(KevCommand.storedCatalogue(data))).containsExactly("CVE-2099-0001");
    }

    private static JsonNode sarif() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SarifExport.write(analysis, out);
        return MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode log4shell(JsonNode log) {
        for (JsonNode result : log.path("runs").get(0).path("results")) {
            if (result.path("ruleId").asText().equals("CVE-2021-44228")
                    && result.path("properties").path("image").asText().contains("orders-api")) {
                return result;
            }
        }
        throw new AssertionError("no Log4Shell result for orders-api");
    }
}
