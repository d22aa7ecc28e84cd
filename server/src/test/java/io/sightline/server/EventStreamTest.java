package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.server.ingest.Sensor;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event stream tells a subscriber about storyboards as they are created and grow. */
class EventStreamTest {

    @TempDir
    Path dir;

    @Test
    void subscribersSeeStoryboardsCreatedAndGrowing() throws Exception {
        Scenario scenario = new Scenario(Scenario.examples().resolve("log4shell-lateral"));
        try (TestServer server = TestServer.start(TestServer.storeUrl("sqlite", dir))) {
            scenario.uploadDocuments(server);
            server.awaitIngested();

            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/events"))
                    .header("Authorization", "Bearer " + server.viewer)
                    .header("Accept", "text/event-stream")
                    .build();
            CompletableFuture<HttpResponse<Stream<String>>> stream =
                    server.http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
            HttpResponse<Stream<String>> response = stream.get(10, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (java.io.UncheckedIOException closed) {
                    // The test ended and closed the stream.
                }
            });
            try {
                assertThat(next(lines, "event: ready")).isTrue();

                List<Scenario.Located> tetragon = scenario.records(Sensor.TETRAGON);
                scenario.post(server, Sensor.TETRAGON, tetragon.subList(0, tetragon.size() / 2), 200);
                assertThat(next(lines, "event: created")).isTrue();
                scenario.post(server, Sensor.TETRAGON, tetragon.subList(tetragon.size() / 2, tetragon.size()), 200);
                scenario.post(server, Sensor.FALCO, scenario.records(Sensor.FALCO), 200);
                assertThat(next(lines, "event: grew", "event: severity_changed", "event: merged"))
                        .isTrue();
            } finally {
                reader.interrupt();
            }
        }
    }

    @Test
    void aRevokedTokensStreamIsClosedAtTheNextChange() throws Exception {
        Scenario scenario = new Scenario(Scenario.examples().resolve("log4shell-lateral"));
        try (TestServer server = TestServer.start(TestServer.storeUrl("sqlite", dir))) {
            scenario.uploadDocuments(server);
            server.awaitIngested();
            String viewer = server.server.tokens().create(io.sightline.store.Role.VIEWER);
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/events"))
                    .header("Authorization", "Bearer " + viewer)
                    .header("Accept", "text/event-stream")
                    .build();
            HttpResponse<Stream<String>> response = server.http
                    .sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                    .get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (java.io.UncheckedIOException closed) {
                    // The server closed the stream.
                }
            });
            assertThat(next(lines, "event: ready")).isTrue();

            server.server.tokens().revoke(TestServer.tokenId(viewer));
            scenario.post(server, Sensor.TETRAGON, scenario.records(Sensor.TETRAGON), 200);

            ended.get(30, TimeUnit.SECONDS);
            assertThat(lines).noneMatch(line -> line.startsWith("event: created"));
        }
    }

    @Test
    void withoutTheEventStreamAcceptHeaderNothingStreams() throws Exception {
        try (TestServer server = TestServer.start(TestServer.storeUrl("sqlite", dir))) {
            HttpResponse<String> plain = server.get("/api/v1/events", server.viewer);
            assertThat(plain.headers().firstValue("Content-Type").orElse("")).doesNotContain("event-stream");
        }
    }

    /** Waits (bounded) for a line starting with one of the prefixes; the stream pushes, nothing polls. */
    static boolean next(BlockingQueue<String> lines, String... prefixes) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            seen.add(line);
            for (String prefix : prefixes) {
                if (line.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }
}
