package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.formats.telemetry.TelemetryReader;
import io.sightline.server.ServerConfig;
import io.sightline.server.SightlineServer;
import io.sightline.store.Database;
import io.sightline.store.Role;
import io.sightline.store.TokenStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sightline serve} killed with SIGKILL halfway through an attack loses no acknowledged
 * record: started again on the same data folder and sent the rest, it ends with the storyboards
 * of a server that was never interrupted.
 */
class KillTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/");

    @TempDir
    Path killedData;

    @TempDir
    Path wholeData;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void killedServerRestartsWithEveryAcknowledgedRecord() throws Exception {
        Path folder = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral");
        List<Request> requests = requests(folder);
        int half = requests.size() / 2;
        String token;
        try (Database database = Database.open(Database.sqliteUrl(killedData))) {
            token = new TokenStore(database).create(Role.ADMIN);
        }

        long acknowledged;
        Process first = serve();
        try {
            String url = url(first);
            for (Request request : requests.subList(0, half)) {
                assertThat(post(url, token, request).statusCode()).isEqualTo(200);
            }
            acknowledged = status(url, token).path("log_seq").asLong();
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        List<JsonNode> resumed;
        Process second = serve();
        try {
            String url = url(second);
            assertThat(status(url, token).path("log_seq").asLong())
                    .as("every acknowledged record survived SIGKILL")
                    .isEqualTo(acknowledged);
            for (Request request : requests.subList(half, requests.size())) {
                assertThat(post(url, token, request).statusCode()).isEqualTo(200);
            }
            resumed = storyboardsWhenCaughtUp(url, token);
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }

        ServerConfig config = new ServerConfig(
                "127.0.0.1", 0, Database.sqliteUrl(wholeData), 100_000, EngineConfig.DEFAULTS, KevCatalogue.bundled());
        try (SightlineServer whole = SightlineServer.start(config)) {
            String url = "http://127.0.0.1:" + whole.port() + "/";
            String wholeToken = whole.tokens().create(Role.ADMIN);
            for (Request request : requests) {
                assertThat(post(url, wholeToken, request).statusCode()).isEqualTo(200);
            }
            assertThat(whole.awaitIngested(Duration.ofSeconds(60))).isTrue();
            assertThat(resumed).isNotEmpty().isEqualTo(storyboardsWhenCaughtUp(url, wholeToken));
        }
    }

    private Process serve() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.sightline.cli.Sightline",
                        "serve",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--data",
                        killedData.toString())
                .redirectErrorStream(true)
                .start();
        return process;
    }

    /** Reads the server's output until it says where it listens; the rest is drained in the background. */
    private static String url(Process process) throws Exception {
        BufferedReader output =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        return matcher.group(1);
                    }
                }
                throw new IllegalStateException("serve exited without listening");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String url = "http://127.0.0.1:" + port.get(60, TimeUnit.SECONDS) + "/";
        Thread.ofVirtual().start(() -> {
            try {
                output.lines().forEach(line -> {});
            } catch (java.io.UncheckedIOException killed) {
                // The process is gone; so is its output.
            }
        });
        return url;
    }

    private List<JsonNode> storyboardsWhenCaughtUp(String url, String token) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode status = status(url, token);
        // The out-of-process server offers no wait; its status says when the engine caught up.
        while (status.path("applied_seq").asLong() < status.path("log_seq").asLong() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            status = status(url, token);
        }
        List<JsonNode> full = new ArrayList<>();
        for (JsonNode summary : get(url, token, "api/v1/storyboards").path("storyboards")) {
            full.add(get(url, token, "api/v1/storyboards/" + summary.path("id").asText()));
        }
        return full;
    }

    private JsonNode status(String url, String token) throws Exception {
        return get(url, token, "api/v1/status");
    }

    private JsonNode get(String url, String token, String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url + path))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String url, String token, Request request) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url + request.path()))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(request.body()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Documents one per request, then telemetry in batches of 100, sensor by sensor. */
    private static List<Request> requests(Path folder) throws Exception {
        List<Request> requests = new ArrayList<>();
        for (String part : List.of("inventory", "scans")) {
            try (Stream<Path> files = Files.list(folder.resolve(part))) {
                for (Path file : files.sorted().toList()) {
                    requests.add(new Request("api/v1/ingest/" + part, Files.readString(file)));
                }
            }
        }
        for (String sensor : List.of("k8s-audit", "tetragon", "falco", "guardduty")) {
            List<String> records = new ArrayList<>();
            try (Stream<Path> files = Files.list(folder.resolve("telemetry"))) {
                for (Path file : files.sorted().toList()) {
                    TelemetryReader.readRecords(file, raw -> {
                        Optional<String> format = TelemetryReader.formatOf(raw.node());
                        if (format.isPresent() && format.get().equals(sensor)) {
                            records.add(raw.node().toString());
                        }
                    });
                }
            }
            for (int from = 0; from < records.size(); from += 100) {
                requests.add(new Request(
                        "api/v1/ingest/" + sensor,
                        String.join("\n", records.subList(from, Math.min(records.size(), from + 100)))));
            }
        }
        return requests;
    }

    private record Request(String path, String body) {}
}
