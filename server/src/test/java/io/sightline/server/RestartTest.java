package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server stopped halfway through an attack and started again on the same store ends with the
 * storyboards an uninterrupted server has: the trail that began before the restart continues.
 */
class RestartTest {

    private static final Path LOG4SHELL = Scenario.examples().resolve("log4shell-lateral");

    @TempDir
    Path interruptedDir;

    @TempDir
    Path uninterruptedDir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void restartMidAttackEndsWithTheStoryboardsOfAnUninterruptedRun(String kind) throws Exception {
        String interruptedStore = TestServer.storeUrl(kind, interruptedDir);
        String uninterruptedStore = TestServer.storeUrl(kind, uninterruptedDir);
        Scenario scenario = new Scenario(LOG4SHELL);
        List<Scenario.Delivered> telemetry = scenario.inDeliveryOrder();
        int half = telemetry.size() / 2;

        JsonNode before;
        try (TestServer first = TestServer.start(interruptedStore)) {
            scenario.uploadDocuments(first);
            scenario.postDelivered(first, telemetry.subList(0, half), 300);
            // Stopped without waiting for the engine: whatever it had not applied is in the log.
            before = first.getJson("/api/v1/status");
        }
        List<JsonNode> resumed;
        try (TestServer second = TestServer.start(interruptedStore)) {
            second.awaitIngested();
            assertThat(second.getJson("/api/v1/status").path("applied_seq").asLong())
                    .as("every acknowledged entry replayed")
                    .isEqualTo(before.path("log_seq").asLong());
            assertThat(second.getJson("/api/v1/storyboards").path("storyboards"))
                    .as("the attack's first half is visible right after the restart")
                    .isNotEmpty();
            assertThat(second.getJson("/api/v1/assets").path("pods").asInt()).isPositive();
            scenario.postDelivered(second, telemetry.subList(half, telemetry.size()), 300);
            second.awaitIngested();
            resumed = storyboards(second);
        }
        List<JsonNode> uninterrupted;
        try (TestServer whole = TestServer.start(uninterruptedStore)) {
            Scenario again = new Scenario(LOG4SHELL);
            again.uploadDocuments(whole);
            again.postDelivered(whole, again.inDeliveryOrder(), 300);
            whole.awaitIngested();
            uninterrupted = storyboards(whole);
        }

        assertThat(resumed).isNotEmpty();
        assertThat(resumed).isEqualTo(uninterrupted);
    }

    private static List<JsonNode> storyboards(TestServer server) throws Exception {
        List<JsonNode> full = new ArrayList<>();
        for (JsonNode summary : server.getJson("/api/v1/storyboards").path("storyboards")) {
            full.add(server.getJson("/api/v1/storyboards/" + summary.path("id").asText()));
        }
        return full;
    }
}
