package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs {@code analyze --format json} on each shipped scenario and checks the output against the
 * scenario's {@code truth.json}, by the scoring rules in examples/SCENARIOS.md: every attack
 * record in one storyboard, precision at least 0.95, no hard negative inside, severity at least
 * the minimum, benign storyboards under their bound, the attacked images ranked first and every
 * malformed line reported.
 */
class ScenarioTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ORDERS_API_DIGEST =
            "sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540";
    private static final List<String> SEVERITIES = List.of("info", "low", "medium", "high", "critical");

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"log4shell-lateral", "docker-host-miner", "benign-ci-noise"})
    void analysisMatchesTheScenarioTruth(String scenario) throws IOException {
        Path folder = Path.of(System.getProperty("sightline.scenarios"), scenario);
        JsonNode truth = MAPPER.readTree(folder.resolve("truth.json").toFile());
        JsonNode result = analyze(folder);

        Map<String, String> original = duplicates(truth);
        List<Set<String>> storyboards = new ArrayList<>();
        result.path("storyboards").forEach(s -> storyboards.add(records(s.path("records"), original)));

        Set<String> attack = new HashSet<>();
        Set<String> maybe = new HashSet<>();
        truth.path("storyboards").forEach(sb -> {
            attack.addAll(records(sb.path("must_include"), Map.of()));
            maybe.addAll(records(sb.path("may_include"), Map.of()));
        });

        for (JsonNode expected : truth.path("storyboards")) {
            Set<String> must = records(expected.path("must_include"), Map.of());
            int best = bestMatch(storyboards, must);
            Set<String> found = storyboards.get(best);
            JsonNode product = result.path("storyboards").get(best);

            assertThat(found)
                    .as("attack records of %s", expected.path("id").asText())
                    .containsAll(must);
            Set<String> counted = new HashSet<>(found);
            counted.removeAll(maybe);
            long inAttack = counted.stream().filter(attack::contains).count();
            assertThat((double) inAttack / counted.size()).as("precision").isGreaterThanOrEqualTo(0.95);
            assertThat(found).doesNotContainAnyElementsOf(records(expected.path("must_not_include"), Map.of()));
            assertThat(rank(product.path("severity").asText()))
                    .as("severity of %s", product.path("id").asText())
                    .isGreaterThanOrEqualTo(rank(expected.path("min_severity").asText()));
        }

        int benignCap = rank(truth.path("benign_max_severity").asText());
        for (int i = 0; i < storyboards.size(); i++) {
            Set<String> records = storyboards.get(i);
            if (records.stream().noneMatch(r -> attack.contains(r) || maybe.contains(r))) {
                int cap = benignCap;
                for (JsonNode highlight : truth.path("benign_highlights")) {
                    if (records.stream().anyMatch(records(highlight.path("refs"), Map.of())::contains)) {
                        cap = Math.max(cap, rank(highlight.path("max_severity").asText()));
                    }
                }
                assertThat(rank(result.path("storyboards")
                                .get(i)
                                .path("severity")
                                .asText()))
                        .as(
                                "benign storyboard %s",
                                result.path("storyboards").get(i).path("id").asText())
                        .isLessThanOrEqualTo(cap);
            }
        }

        List<String> ranked = new ArrayList<>();
        result.path("images").forEach(image -> ranked.add(image.toString()));
        List<String> top = new ArrayList<>();
        truth.path("ranking").path("top").forEach(d -> top.add(d.asText()));
        for (int i = 0; i < top.size(); i++) {
            assertThat(ranked.get(i)).as("image at rank %d", i + 1).contains(top.get(i));
        }
        for (JsonNode below : truth.path("ranking").path("below")) {
            int position = indexOf(ranked, below.asText());
            assertThat(position).as("distractor %s", below.asText()).isGreaterThanOrEqualTo(top.size());
        }

        Set<String> skipped = records(result.path("skipped"), Map.of());
        assertThat(skipped).containsAll(records(truth.path("malformed"), Map.of()));
    }

    /**
     * orders-api.trivy.json puts log4j-core (CVE-2021-44228, CVE-2021-45046: critical) and
     * jackson-databind (CVE-2020-36518, CVE-2022-42003, CVE-2022-42004: high) in {@code
     * app/orders-api.jar}; its two mediums do not count and its OS packages have no path. The JVM
     * of both orders-api pods runs {@code java ... -jar /app/orders-api.jar}; tetragon.jsonl line 1
     * is the first record of it (an accept in container 73efc56d301c). 2 x 3 + 3 x 2 = 12 points.
     * No other image of the scenario names a vulnerable package's file: inventory-svc's Tomcat is
     * started by main class, not by the paths Trivy gives.
     */
    @Test
    void log4jInsideTheOrdersApiFatJarIsLoadedByTheRunningJvm() throws IOException {
        JsonNode result = analyze(Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral"));

        List<String> loadedImages = new ArrayList<>();
        JsonNode ordersApi = null;
        for (JsonNode image : result.path("images")) {
            if (!image.path("loaded_packages").isEmpty()) {
                loadedImages.add(image.path("image").asText());
            }
            if (image.path("digest").asText().equals(ORDERS_API_DIGEST)) {
                ordersApi = image;
            }
        }
        assertThat(loadedImages)
                .containsExactly("111122223333.dkr.ecr.us-east-1.amazonaws.com/payments/orders-api:1.8.2");
        assertThat(ordersApi.path("rank").asInt()).isEqualTo(1);
        JsonNode factor = factor(ordersApi, "vulnerable package loaded at runtime");
        assertThat(factor.path("points").asDouble()).isEqualTo(12.0);
        assertThat(factor.path("detail").asText())
                .startsWith("2 critical, 3 high fixable vulnerabilities")
                .contains(
                        "org.apache.logging.log4j:log4j-core 2.14.1 (CVE-2021-44228, CVE-2021-45046): /app/orders-api.jar run by"
                                + " `/opt/java/openjdk/bin/java -XX:MaxRAMPercentage=75.0"
                                + " -Dlog4j.configurationFile=/app/log4j2.xml -jar /app/orders-api.jar`"
                                + " in container 73efc56d301c (telemetry/tetragon.jsonl:1)");

        JsonNode log4j = ordersApi.path("loaded_packages").get(0);
        assertThat(log4j.path("package").asText()).isEqualTo("org.apache.logging.log4j:log4j-core");
        assertThat(log4j.path("evidence").path("package_path").asText()).isEqualTo("app/orders-api.jar");
        assertThat(log4j.path("evidence").path("observed_path").asText()).isEqualTo("/app/orders-api.jar");
        assertThat(log4j.path("evidence").path("kind").asText()).isEqualTo("run_by_argument");
        assertThat(log4j.path("evidence").path("line").asInt()).isEqualTo(1);

        List<String> fixOrder = new ArrayList<>();
        ordersApi
                .path("fixes")
                .forEach(f -> fixOrder.add(f.path("package").asText()
                        + (f.path("loaded_at_runtime").asBoolean() ? " (loaded)" : "")));
        assertThat(fixOrder)
                .startsWith(
                        "org.apache.logging.log4j:log4j-core (loaded)",
                        "com.fasterxml.jackson.core:jackson-databind (loaded)",
                        "gzip");
    }

    /**
     * web-portal.grype.json locates httpd 2.4.49 at /usr/local/apache2/bin/httpd: 5 critical and 2
     * high fixable CVEs, 5 x 3 + 2 x 2 = 19, capped at 15. tetragon.jsonl line 3 is the first record
     * whose process is that binary (httpd -DFOREGROUND in container bab004ba16ee).
     */
    @Test
    void theHttpdBinaryOfWebPortalIsExecuted() throws IOException {
        JsonNode result = analyze(Path.of(System.getProperty("sightline.scenarios"), "docker-host-miner"));

        JsonNode webPortal = result.path("images").get(0);
        assertThat(webPortal.path("image").asText()).endsWith("/legacy/web-portal:2021.09");
        assertThat(factor(webPortal, "vulnerable package loaded at runtime")
                        .path("points")
                        .asDouble())
                .isEqualTo(15.0);
        JsonNode evidence = webPortal.path("loaded_packages").get(0).path("evidence");
        assertThat(evidence.path("kind").asText()).isEqualTo("executed");
        assertThat(evidence.path("observed_path").asText()).isEqualTo("/usr/local/apache2/bin/httpd");
        assertThat(evidence.path("container_id").asText()).isEqualTo("bab004ba16ee");
        assertThat(evidence.path("line").asInt()).isEqualTo(3);
        assertThat(webPortal.path("fixes").get(0).path("package").asText()).isEqualTo("httpd");
    }

    private static JsonNode factor(JsonNode image, String name) {
        for (JsonNode factor : image.path("factors")) {
            if (factor.path("name").asText().equals(name)) {
                return factor;
            }
        }
        throw new AssertionError(
                "no factor '" + name + "' on " + image.path("image").asText());
    }

    private JsonNode analyze(Path folder) throws IOException {
        Path output = temp.resolve("analysis.json");
        int status = Sightline.commandLine()
                .execute("analyze", folder.toString(), "--format", "json", "--output", output.toString());
        assertThat(status).isZero();
        return MAPPER.readTree(Files.readString(output));
    }

    private static int bestMatch(List<Set<String>> storyboards, Set<String> must) {
        int best = -1;
        long bestHits = 0;
        for (int i = 0; i < storyboards.size(); i++) {
            long hits = storyboards.get(i).stream().filter(must::contains).count();
            if (hits > bestHits) {
                best = i;
                bestHits = hits;
            }
        }
        assertThat(best).as("a storyboard holding attack records").isGreaterThanOrEqualTo(0);
        return best;
    }

    private static Map<String, String> duplicates(JsonNode truth) {
        Map<String, String> original = new HashMap<>();
        truth.path("duplicates").forEach(d -> original.put(key(d.path("duplicate")), key(d.path("original"))));
        return original;
    }

    private static Set<String> records(JsonNode refs, Map<String, String> original) {
        Set<String> keys = new HashSet<>();
        refs.forEach(ref -> {
            String key = key(ref);
            keys.add(original.getOrDefault(key, key));
        });
        return keys;
    }

    private static String key(JsonNode ref) {
        return Path.of(ref.path("file").asText()).normalize() + ":"
                + ref.path("line").asInt();
    }

    private static int rank(String severity) {
        return SEVERITIES.indexOf(severity);
    }

    private static int indexOf(List<String> ranked, String digest) {
        for (int i = 0; i < ranked.size(); i++) {
            if (ranked.get(i).contains(digest)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }
}
