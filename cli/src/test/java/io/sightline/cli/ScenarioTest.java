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
