package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.server.ingest.Sensor;
import io.sightline.server.live.EngineLoop;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What each ingest endpoint takes, what it refuses, and how it says so. */
class IngestTest {

    private static final Path LOG4SHELL = Scenario.examples().resolve("log4shell-lateral");

    @TempDir
    Path dir;

    private TestServer server;
    private Scenario scenario;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(TestServer.storeUrl("sqlite", dir), 50);
        scenario = new Scenario(LOG4SHELL);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Sensor.class)
    void eachSensorShapeIsTakenAndNumberedOnItsStream(Sensor sensor) throws Exception {
        List<Scenario.Located> records = scenario.records(sensor);
        String body = switch (sensor) {
            case TETRAGON -> ndjson(records.subList(0, 3));
            case FALCO -> records.getFirst().node().toString();
            case K8S_AUDIT ->
                "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
                        + records.get(0).node() + "," + records.get(1).node() + "]}";
            case GUARDDUTY ->
                "{\"version\":\"0\",\"id\":\"e1\",\"detail-type\":\"GuardDuty Finding\","
                        + "\"source\":\"aws.guardduty\",\"account\":\"111122223333\",\"time\":\"2024-11-14T09:11:41Z\","
                        + "\"region\":\"us-east-1\",\"resources\":[],\"detail\":" + camelCaseFinding() + "}";
        };
        JsonNode first = server.postJson("/api/v1/ingest/" + sensor.path(), body);
        JsonNode second = server.postJson("/api/v1/ingest/" + sensor.path(), body);

        int expected = switch (sensor) {
            case TETRAGON -> 3;
            case K8S_AUDIT -> 2;
            case FALCO, GUARDDUTY -> 1;
        };
        assertThat(first.path("stream").asText()).isEqualTo("ingest/" + sensor.path());
        assertThat(first.path("accepted").asInt()).isEqualTo(expected);
        assertThat(first.path("skipped")).isEmpty();
        assertThat(first.path("first_seq").asLong()).isEqualTo(1);
        assertThat(second.path("first_seq").asLong()).isEqualTo(expected + 1);
        assertThat(second.path("last_seq").asLong()).isEqualTo(2L * expected);
    }

    @Test
    void oneBadRecordCostsOnlyItself() throws Exception {
        List<Scenario.Located> records = scenario.records(Sensor.TETRAGON);
        String body = records.get(0).node() + "\n{\"process_exec\": {\"time\": \"cut short\"\n"
                + records.get(1).node() + "\n"
                + scenario.records(Sensor.FALCO).getFirst().node() + "\n"
                + "{\"process_exec\":{\"process\":{\"pid\":1}},\"time\":\"2024-11-14T09:00:00Z\"}\n"
                + records.get(2).node() + "\n";

        JsonNode answer = server.postJson("/api/v1/ingest/tetragon", body);

        assertThat(answer.path("accepted").asInt()).isEqualTo(3);
        assertThat(answer.path("skipped")).hasSize(3);
        assertThat(answer.path("skipped").get(0).path("index").asInt()).isEqualTo(2);
        assertThat(answer.path("skipped").get(0).path("reason").asText()).startsWith("not valid JSON");
        assertThat(answer.path("skipped").get(1).path("index").asInt()).isEqualTo(4);
        assertThat(answer.path("skipped").get(1).path("reason").asText())
                .isEqualTo("expected a Tetragon JSON export event, got a falco record");
        assertThat(answer.path("skipped").get(2).path("index").asInt()).isEqualTo(5);
        assertThat(answer.path("skipped").get(2).path("reason").asText()).contains("process");
        server.awaitIngested();
        JsonNode status = server.getJson("/api/v1/status");
        assertThat(status.path("accepted").path("ingest/tetragon").asLong()).isEqualTo(3);
        assertThat(status.path("skipped").path("ingest/tetragon").asLong()).isEqualTo(3);
        assertThat(status.path("applied_seq").asLong()).isEqualTo(3);
    }

    @Test
    void aBodyWithNothingUsableIsRefusedSayingWhy() throws Exception {
        HttpResponse<String> empty = server.post("/api/v1/ingest/falco", server.ingest, "  ");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("\"code\":\"empty_body\"").contains("expected a Falco JSON alert");

        HttpResponse<String> garbage = server.post("/api/v1/ingest/k8s-audit", server.ingest, "hello");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body())
                .contains("\"code\":\"no_valid_records\"")
                .contains("none of the 1 records could be taken as a Kubernetes audit Event (audit.k8s.io/v1)"
                        + " (each is named in skipped, with why); nothing was logged")
                .contains("not valid JSON");

        HttpResponse<String> wrongSensor = server.post(
                "/api/v1/ingest/falco",
                server.ingest,
                scenario.records(Sensor.TETRAGON).getFirst().node().toString());
        assertThat(wrongSensor.statusCode()).isEqualTo(400);
        assertThat(wrongSensor.body()).contains("expected a Falco JSON alert, got a tetragon record");
        assertThat(server.server.engine().view().appliedSeq()).isZero();
    }

    @Test
    void documentsMustBeOfTheEndpointsKind() throws Exception {
        String scan = Files.readString(LOG4SHELL.resolve("scans/redis.trivy.json"));
        String pods = Files.readString(LOG4SHELL.resolve("inventory/pods.json"));

        HttpResponse<String> swapped = server.post("/api/v1/ingest/inventory", server.ingest, scan);
        assertThat(swapped.statusCode()).isEqualTo(400);
        assertThat(swapped.body()).contains("\"code\":\"wrong_format\"").contains("got a scan document (trivy)");
        HttpResponse<String> notJson = server.post("/api/v1/ingest/scans", server.ingest, "{\"SchemaVersion\": 2,");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("\"code\":\"invalid_json\"");

        assertThat(server.postJson("/api/v1/ingest/scans", scan).path("format").asText())
                .isEqualTo("trivy");
        JsonNode inventory = server.postJson("/api/v1/ingest/inventory?name=inventory/pods.json", pods);
        assertThat(inventory.path("stream").asText()).isEqualTo("upload/inventory");
        server.awaitIngested();
        assertThat(server.getJson("/api/v1/assets").path("pods").asInt()).isPositive();
        assertThat(server.getJson("/api/v1/assets/pods").path("pods").size()).isPositive();
        assertThat(server.getJson("/api/v1/findings").path("findings").size()).isPositive();
        assertThat(server.getJson("/api/v1/findings?severity=critical").path("findings"))
                .allMatch(f -> f.path("severity").asText().equals("critical"));
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndLogsNothing() throws Exception {
        List<Scenario.Located> records = scenario.records(Sensor.TETRAGON);
        long logged;
        EngineLoop.Hold held = server.server.engine().holdForTest();
        try {
            assertThat(server.postJson("/api/v1/ingest/tetragon", ndjson(records.subList(0, 30)))
                            .path("accepted")
                            .asInt())
                    .isEqualTo(30);
            HttpResponse<String> refused =
                    server.post("/api/v1/ingest/tetragon", server.ingest, ndjson(records.subList(30, 60)));
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.body()).contains("\"code\":\"engine_busy\"");
            logged = server.getJson("/api/v1/status").path("log_seq").asLong();
        } finally {
            held.close();
        }
        assertThat(logged).isEqualTo(30);
        server.awaitIngested();
        assertThat(server.postJson("/api/v1/ingest/tetragon", ndjson(records.subList(30, 60)))
                        .path("first_seq")
                        .asLong())
                .isEqualTo(31);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyIsAnsweredAgainAndLoggedOnce() throws Exception {
        String body = ndjson(scenario.records(Sensor.TETRAGON).subList(0, 3));
        Map<String, String> key = Map.of("Idempotency-Key", "3f1c2a9e-batch-1");

        HttpResponse<String> first = server.post("/api/v1/ingest/tetragon", server.ingest, body, key);
        HttpResponse<String> retry = server.post("/api/v1/ingest/tetragon", server.ingest, body, key);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(server.getJson("/api/v1/status").path("log_seq").asLong())
                .as("logged once")
                .isEqualTo(3);

        HttpResponse<String> reused = server.post(
                "/api/v1/ingest/tetragon",
                server.ingest,
                ndjson(scenario.records(Sensor.TETRAGON).subList(3, 4)),
                key);
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.body()).contains("\"code\":\"idempotency_key_reused\"");
        assertThat(server.postJson("/api/v1/ingest/tetragon", body)
                        .path("first_seq")
                        .asLong())
                .as("without a key a retry is logged again")
                .isEqualTo(4);
        assertThat(server.getJson("/api/v1/status").path("log_seq").asLong()).isEqualTo(6);
    }

    @Test
    void idempotencyKeysAreKeptPerRouteAndAcrossARestart() throws Exception {
        String scan = Files.readString(LOG4SHELL.resolve("scans/redis.trivy.json"));
        String falco = scenario.records(Sensor.FALCO).getFirst().node().toString();
        Map<String, String> key = Map.of("Idempotency-Key", "k-42");
        HttpResponse<String> uploaded =
                server.post("/api/v1/ingest/scans?name=scans/redis.trivy.json", server.ingest, scan, key);
        HttpResponse<String> alert = server.post("/api/v1/ingest/falco", server.ingest, falco, key);
        assertThat(uploaded.statusCode()).isEqualTo(200);
        assertThat(alert.statusCode())
                .as("the same key on another route is another key")
                .isEqualTo(200);
        HttpResponse<String> renamed =
                server.post("/api/v1/ingest/scans?name=scans/other.json", server.ingest, scan, key);
        assertThat(renamed.statusCode()).as("same body, another evidence name").isEqualTo(422);
        HttpResponse<String> invalid =
                server.post("/api/v1/ingest/falco", server.ingest, falco, Map.of("Idempotency-Key", "has space"));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("\"code\":\"invalid_idempotency_key\"");

        server.close();
        server = TestServer.start(TestServer.storeUrl("sqlite", dir), 50);
        HttpResponse<String> retried =
                server.post("/api/v1/ingest/scans?name=scans/redis.trivy.json", server.ingest, scan, key);
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(retried.body()).isEqualTo(uploaded.body());
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(server.getJson("/api/v1/status").path("log_seq").asLong()).isEqualTo(2);
    }

    @Test
    void aRecordSentInsideAListIsLoggedAsTheRecordAndAppliedAgainAfterARestart() throws Exception {
        String audit = scenario.records(Sensor.K8S_AUDIT).getFirst().node().toString();
        String alert = scenario.records(Sensor.FALCO).getFirst().node().toString();
        String exec = scenario.records(Sensor.TETRAGON).getFirst().node().toString();
        String eventList = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[";

        JsonNode one = server.postJson("/api/v1/ingest/k8s-audit", eventList + audit + "]}");
        JsonNode withNull = server.postJson("/api/v1/ingest/k8s-audit", eventList + audit + ",null," + audit + "]}");
        server.postJson("/api/v1/ingest/falco", "[" + alert + "]");
        server.postJson("/api/v1/ingest/tetragon", "[" + exec + "]\n");
        server.awaitIngested();
        JsonNode before = server.getJson("/api/v1/status");
        server.close();
        server = TestServer.start(TestServer.storeUrl("sqlite", dir), 50);
        server.awaitIngested();
        JsonNode after = server.getJson("/api/v1/status");

        assertThat(one.path("accepted").asInt()).isEqualTo(1);
        assertThat(withNull.path("accepted").asInt())
                .as("a null item costs only itself")
                .isEqualTo(2);
        assertThat(withNull.path("skipped")).singleElement().satisfies(skip -> {
            assertThat(skip.path("index").asInt()).isEqualTo(2);
            assertThat(skip.path("reason").asText())
                    .isEqualTo("expected a Kubernetes audit Event (audit.k8s.io/v1), got a JSON null");
        });
        assertThat(before.path("applied_seq").asLong()).isEqualTo(5);
        assertThat(after.path("engine_skipped").asLong())
                .as("every logged body is a record")
                .isZero();
        assertThat(after.path("events").asLong())
                .isEqualTo(before.path("events").asLong());
    }

    private static String ndjson(List<Scenario.Located> records) {
        StringBuilder body = new StringBuilder();
        records.forEach(r -> body.append(r.node()).append('\n'));
        return body.toString();
    }

    /** A GuardDuty finding in the API's camelCase form, as EventBridge carries it in detail. */
    private static String camelCaseFinding() {
        return """
                {"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","partition":"aws",
                 "id":"6cc7780ddfe54087222fbcc6256b09b6","arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f",
                 "type":"CryptoCurrency:Runtime/BitcoinTool.B!DNS","severity":8,
                 "createdAt":"2024-11-14T09:11:41.220Z","updatedAt":"2024-11-14T09:11:41.220Z",
                 "title":"A container queried a bitcoin domain","description":"mining",
                 "resource":{"resourceType":"EKSCluster","eksClusterDetails":{"name":"prod-payments"}},
                 "service":{"serviceName":"guardduty","count":1}}""";
    }
}
