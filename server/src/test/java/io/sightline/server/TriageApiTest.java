package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triage through a running server with log4shell-lateral replayed into it: only operators set a
 * storyboard's status, each change is audited, and the gate stops counting a storyboard once it
 * is no longer open.
 */
class TriageApiTest {

    private static final Path LOG4SHELL = Scenario.examples().resolve("log4shell-lateral");
    private static final String ORDERS_DIGEST =
            "sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540";
    private static final String INVENTORY_DIGEST =
            "sha256:384da6197a990a1e38495959e82de8886a0e37cef5945c3d6e54265076f298af";

    @TempDir
    Path dir;

    @Test
    void anOperatorAcknowledgesTheAttackAndTheGateStopsCountingIt() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config(
                TestServer.storeUrl("sqlite", dir.resolve("store")), ServerConfig.DEFAULT_QUEUE_CAPACITY))) {
            replay(server);
            String storyboard = attackStoryboard(server);
            String path = "/api/v1/storyboards/" + storyboard + "/status";
            assertThat(server.getJson("/api/v1/storyboards/" + storyboard)
                            .path("status")
                            .asText())
                    .isEqualTo("open");
            JsonNode failing = server.getJson("/api/v1/gate?image=" + ORDERS_DIGEST);
            assertThat(failing.path("exit_code").asInt()).as(failing.toString()).isEqualTo(1);

            for (String refused : List.of(server.viewer, server.ingest)) {
                HttpResponse<String> answer = server.post(path, refused, "{\"status\": \"acknowledged\"}");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
            }
            HttpResponse<String> invalid = server.post(path, server.operator, "{\"status\": \"closed\"}");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.body()).contains("invalid_status", "expected one of open, acknowledged, resolved");
            assertThat(server.post("/api/v1/storyboards/sb-none/status", server.operator, "{\"status\": \"resolved\"}")
                            .statusCode())
                    .isEqualTo(404);

            JsonNode acknowledged = json(server.post(path, server.operator, "{\"status\": \"acknowledged\"}"));
            assertThat(acknowledged.path("from").asText()).isEqualTo("open");
            assertThat(acknowledged.path("status").asText()).isEqualTo("acknowledged");
            assertThat(acknowledged.path("changed").asBoolean()).isTrue();
            assertThat(acknowledged.path("by").asText()).isEqualTo(TestServer.tokenId(server.operator));
            JsonNode again = json(server.post(path, server.admin, "{\"status\": \"acknowledged\"}"));
            assertThat(again.path("changed").asBoolean()).isFalse();

            assertThat(statusInList(server, storyboard)).isEqualTo("acknowledged");
            JsonNode passing = server.getJson("/api/v1/gate?image=" + ORDERS_DIGEST);
            assertThat(passing.path("exit_code").asInt())
                    .as("the attack was the only open storyboard of medium or above with this image: %s", passing)
                    .isZero();

            JsonNode audit =
                    server.getJson("/api/v1/audit?storyboard=" + storyboard).path("audit");
            assertThat(audit)
                    .extracting(r -> r.path("action").asText() + " "
                            + r.path("status").asText() + " "
                            + r.path("message").asText() + " " + r.path("role").asText())
                    .containsExactly(
                            "triage unchanged already acknowledged admin",
                            "triage changed status open -> acknowledged operator");

            json(server.post(path, server.operator, "{\"status\": \"open\"}"));
            assertThat(server.getJson("/api/v1/gate?image=" + ORDERS_DIGEST)
                            .path("exit_code")
                            .asInt())
                    .as("reopened, it counts again")
                    .isEqualTo(1);
        }
    }

    private static void replay(TestServer server) throws IOException, InterruptedException {
        for (String folder : List.of("inventory", "scans")) {
            for (Path file : files(LOG4SHELL.resolve(folder))) {
                server.postJson(
                        "/api/v1/ingest/" + folder + "?name=" + LOG4SHELL.relativize(file), Files.readString(file));
            }
        }
        Scenario scenario = new Scenario(LOG4SHELL);
        scenario.postDelivered(server, scenario.inDeliveryOrder(), 500);
        server.awaitIngested();
    }

    private static String attackStoryboard(TestServer server) throws IOException, InterruptedException {
        for (JsonNode summary : server.getJson("/api/v1/storyboards").path("storyboards")) {
            List<String> images = new ArrayList<>();
            summary.path("images").forEach(i -> images.add(i.asText()));
            if (images.contains(ORDERS_DIGEST) && images.contains(INVENTORY_DIGEST)) {
                return summary.path("id").asText();
            }
        }
        throw new AssertionError("no storyboard spans both attacked images");
    }

    private static String statusInList(TestServer server, String storyboard) throws IOException, InterruptedException {
        for (JsonNode summary : server.getJson("/api/v1/storyboards").path("storyboards")) {
            if (summary.path("id").asText().equals(storyboard)) {
                return summary.path("status").asText();
            }
        }
        throw new AssertionError("no storyboard " + storyboard + " in the list");
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.JSON.readTree(response.body());
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
