package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.formats.report.ReportJson;
import io.sightline.server.ServerConfig;
import io.sightline.server.SightlineServer;
import io.sightline.store.Database;
import io.sightline.store.Role;
import io.sightline.store.TokenStore;
import io.sightline.storyboard.Storyboard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sightline replay} into a running server gives what {@code analyze} gives on the same
 * folder, although the server sees the records in event-time order and names evidence by stream.
 */
class ReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEV = KevCatalogue.bundled();

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void replayingLog4ShellAsFastAsAcceptedEqualsAnalyze() throws Exception {
        Path folder = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral");
        AnalysisResult expected =
                AnalysisPipeline.run(folder, AnalysisPipeline.layout(folder), KEV, EngineConfig.DEFAULTS);

        // A small queue, so that the replay meets 429s and has to honour Retry-After.
        ServerConfig config =
                new ServerConfig("127.0.0.1", 0, Database.sqliteUrl(data), 600, EngineConfig.DEFAULTS, KEV);
        try (SightlineServer server = SightlineServer.start(config)) {
            String ingest = server.tokens().create(Role.INGEST);
            String viewer = server.tokens().create(Role.VIEWER);
            String url = "http://127.0.0.1:" + server.port() + "/";

            Path evidenceMap = data.resolve("evidence.json");
            int exit = Sightline.commandLine()
                    .execute(
                            "replay",
                            folder.toString(),
                            "--to",
                            url,
                            "--token",
                            ingest,
                            "--speed",
                            "0",
                            "--batch",
                            "400",
                            "--evidence-map",
                            evidenceMap.toString());
            assertThat(exit).isZero();
            assertThat(server.awaitIngested(Duration.ofSeconds(60))).isTrue();
            JsonNode evidence = JSON.readTree(evidenceMap.toFile());

            JsonNode summaries = get(url, viewer, "api/v1/storyboards").path("storyboards");
            List<String> severities = new ArrayList<>();
            Map<List<String>, JsonNode> servedByRecords = new HashMap<>();
            for (JsonNode summary : summaries) {
                JsonNode full = get(
                        url, viewer, "api/v1/storyboards/" + summary.path("id").asText());
                severities.add(full.path("severity").asText());
                List<String> records = new ArrayList<>();
                full.path("records").forEach(r -> {
                    String served =
                            r.path("file").asText() + ":" + r.path("line").asInt();
                    records.add(evidence.path(served).asText(served));
                });
                records.sort(null);
                servedByRecords.put(records, full);
            }
            assertThat(severities)
                    .isEqualTo(expected.storyboards().stream()
                            .map(s -> s.severity().label())
                            .toList());
            for (Storyboard storyboard : expected.storyboards()) {
                List<String> records = new ArrayList<>(
                        storyboard.records().stream().map(Object::toString).toList());
                records.sort(null);
                JsonNode served = servedByRecords.get(records);
                assertThat(served)
                        .as("a served storyboard with the evidence of %s, named back to the files", storyboard.id())
                        .isNotNull();
                JsonNode analyzed = ReportJson.storyboard(storyboard);
                for (String key :
                        List.of("severity", "severity_reasons", "hosts", "containers", "external_addresses")) {
                    assertThat(served.path(key))
                            .as("%s of %s", key, storyboard.id())
                            .isEqualTo(analyzed.path(key));
                }
                assertThat(strings(served.path("techniques")))
                        .as("techniques of %s, in any order", storyboard.id())
                        .containsExactlyInAnyOrderElementsOf(strings(analyzed.path("techniques")));
            }

            List<String> ranking = new ArrayList<>();
            get(url, viewer, "api/v1/images")
                    .path("images")
                    .forEach(i -> ranking.add(i.path("rank").asInt() + " "
                            + i.path("image").asText() + " " + i.path("score").asDouble()));
            assertThat(ranking)
                    .isEqualTo(expected.images().stream()
                            .map(i -> i.rank() + " " + i.image() + " " + i.score())
                            .toList());
        }
    }

    @Test
    void replayingTheSameFolderAgainLogsNothingTwiceAndNamesTheSkippedLines() throws Exception {
        Path folder = data.resolve("miner");
        copy(Path.of(System.getProperty("sightline.scenarios"), "docker-host-miner"), folder);
        ServerConfig config =
                new ServerConfig("127.0.0.1", 0, Database.sqliteUrl(data), 600, EngineConfig.DEFAULTS, KEV);
        try (SightlineServer server = SightlineServer.start(config)) {
            String ingest = server.tokens().create(Role.INGEST);
            String viewer = server.tokens().create(Role.VIEWER);
            String url = "http://127.0.0.1:" + server.port() + "/";

            ByteArrayOutputStream firstProgress = new ByteArrayOutputStream();
            Replayer.Summary first = new Replayer(
                            URI.create(url),
                            ingest,
                            0,
                            400,
                            new PrintStream(firstProgress, true, StandardCharsets.UTF_8))
                    .replay(folder);
            assertThat(server.awaitIngested(Duration.ofSeconds(60))).isTrue();
            JsonNode once = get(url, viewer, "api/v1/status");
            List<String> storyboardsOnce = storyboardRecords(url, viewer);

            Replayer.Summary second = new Replayer(
                            URI.create(url),
                            ingest,
                            0,
                            400,
                            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .replay(folder);
            assertThat(server.awaitIngested(Duration.ofSeconds(60))).isTrue();
            JsonNode twice = get(url, viewer, "api/v1/status");

            assertThat(once.path("log_seq").asLong()).isPositive();
            assertThat(twice.path("log_seq")).isEqualTo(once.path("log_seq"));
            assertThat(twice.path("events")).isEqualTo(once.path("events"));
            assertThat(twice.path("accepted")).isEqualTo(once.path("accepted"));
            assertThat(storyboardRecords(url, viewer)).isNotEmpty().isEqualTo(storyboardsOnce);
            assertThat(second.evidence()).isEqualTo(first.evidence());
            assertThat(firstProgress.toString(StandardCharsets.UTF_8).lines())
                    .as("the scenario's two broken lines, named as analyze names them")
                    .containsExactly(
                            "replay: skipped telemetry/tetragon.jsonl:435: not valid JSON: Unexpected end-of-input: was"
                                    + " expecting closing quote for a string value; line skipped",
                            "replay: skipped telemetry/tetragon.jsonl:982: not valid JSON: Unrecognized token 'time':"
                                    + " was expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
                                    + " 'false'); line skipped");
        }
    }

    @Test
    void aServerThatIsNotThereIsOneLineAndExitTwo() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/";
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine command = Sightline.commandLine();
        command.setErr(new java.io.PrintWriter(err, true));

        int exit = command.execute(
                "replay",
                Path.of(System.getProperty("sightline.scenarios"), "docker-host-miner")
                        .toString(),
                "--to",
                url,
                "--token",
                "x",
                "--speed",
                "0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("sightline: cannot reach " + url + ": connection refused\n");
    }

    @Test
    void recordsDueTogetherGoInOneRequestPerSensorWithDetectionsLast() throws Exception {
        Path scenario = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral", "telemetry");
        List<String> tetragon = Files.readAllLines(scenario.resolve("tetragon.jsonl"));
        List<String> audit = Files.readAllLines(scenario.resolve("k8s-audit.jsonl"));
        List<String> falco = Files.readAllLines(scenario.resolve("falco.jsonl"));
        Path folder = data.resolve("interleaved");
        Files.createDirectories(folder);
        // Event times in seconds after 09:00:00. The Falco alert at -28 s is delivered 30 s late,
        // at +2 s, behind the records of the same second. The window from +0 s reaches +5 s.
        Files.write(
                folder.resolve("tetragon.jsonl"),
                List.of(
                        at(tetragon.get(0), 0, "time"),
                        at(tetragon.get(1), 2, "time"),
                        at(tetragon.get(2), 9, "time")));
        Files.write(
                folder.resolve("k8s-audit.jsonl"),
                List.of(at(audit.get(0), 1, "stageTimestamp"), at(audit.get(1), 3, "stageTimestamp")));
        Files.write(folder.resolve("falco.jsonl"), List.of(at(falco.get(0), -28, "time")));
        List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
        com.sun.net.httpserver.HttpServer recording =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        recording.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestURI().getPath() + " " + body.lines().count());
            if (exchange.getRequestURI().getPath().endsWith("/tetragon")
                    && body.lines().count() == 2) {
                byte[] answer = "{\"skipped\":[{\"index\":2,\"reason\":\"tetragon: invalid value: pid\"}]}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
                return;
            }
            answerAnEmptyObject(exchange);
        });
        recording.start();
        try {
            String url = "http://127.0.0.1:" + recording.getAddress().getPort() + "/";
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            new Replayer(URI.create(url), "x", 0, 100, new PrintStream(progress, true, StandardCharsets.UTF_8))
                    .replay(folder);
            List<String> wide = List.copyOf(requests);
            requests.clear();
            new Replayer(URI.create(url), "x", 0, 3, quiet).replay(folder);

            assertThat(wide)
                    .containsExactly(
                            "/api/v1/ingest/tetragon 2",
                            "/api/v1/ingest/k8s-audit 2",
                            "/api/v1/ingest/falco 1",
                            "/api/v1/ingest/tetragon 1");
            assertThat(progress.toString(StandardCharsets.UTF_8).lines())
                    .as("the second record of the first request, the one at +2 s")
                    .containsExactly("replay: the server skipped tetragon.jsonl:2: tetragon: invalid value: pid");
            assertThat(requests)
                    .as("batches of three: +0 +1 +2, then the alert and +3, then +9")
                    .containsExactly(
                            "/api/v1/ingest/tetragon 2",
                            "/api/v1/ingest/k8s-audit 1",
                            "/api/v1/ingest/k8s-audit 1",
                            "/api/v1/ingest/falco 1",
                            "/api/v1/ingest/tetragon 1");
        } finally {
            recording.stop(0);
        }
    }

    private static void answerAnEmptyObject(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
        byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    private static String at(String line, int secondsAfterNine, String field) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode record =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
        record.put(
                field,
                java.time.Instant.parse("2024-11-14T09:00:00Z")
                        .plusSeconds(secondsAfterNine)
                        .toString());
        return record.toString();
    }

    @Test
    void aServerThatDiesMidRunIsOneErrorSayingWhatItAcknowledged() throws Exception {
        Path folder = Path.of(System.getProperty("sightline.scenarios"), "docker-host-miner");
        List<String> keys = java.util.Collections.synchronizedList(new ArrayList<>());
        int[] telemetryAnswered = {0};
        int[] recordsAnswered = {0};
        com.sun.net.httpserver.HttpServer dying =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        dying.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            boolean document = exchange.getRequestURI().getPath().matches("/api/v1/ingest/(scans|inventory)");
            if (!document && telemetryAnswered[0]++ >= 2) {
                exchange.close();
                return;
            }
            if (!document) {
                recordsAnswered[0] += (int) body.lines().count();
            }
            answerAnEmptyObject(exchange);
        });
        dying.start();
        try {
            String url = "http://127.0.0.1:" + dying.getAddress().getPort() + "/";
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

            Throwable died = org.assertj.core.api.Assertions.catchThrowable(
                    () -> new Replayer(URI.create(url), "x", 0, 100, quiet).replay(folder));
            assertThat(recordsAnswered[0]).isPositive();
            assertThat(died)
                    .isInstanceOf(java.io.IOException.class)
                    .message()
                    .matches(java.util.regex.Pattern.quote("cannot reach " + url
                                    + ": the connection closed before an answer came; the server acknowledged ")
                            + "\\d+ documents and " + recordsAnswered[0]
                            + " of \\d+ telemetry records before it failed; run the same"
                            + " replay again, with the same --batch and --speed 0, to send the rest \\(each request"
                            + " carries an Idempotency-Key made from its records, so nothing is logged twice; other"
                            + " batches make other keys\\)");
            List<String> firstRun = List.copyOf(keys);
            keys.clear();
            telemetryAnswered[0] = 0;
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> new Replayer(URI.create(url), "x", 0, 100, quiet).replay(folder))
                    .isInstanceOf(java.io.IOException.class);

            assertThat(keys).as("the same requests carry the same keys").isEqualTo(firstRun);
            assertThat(firstRun)
                    .doesNotHaveDuplicates()
                    .allMatch(key -> key.length() <= 255 && key.chars().allMatch(c -> c > 0x20 && c < 0x7f));
        } finally {
            dying.stop(0);
        }
    }

    private List<String> storyboardRecords(String url, String viewer) throws Exception {
        List<String> found = new ArrayList<>();
        for (JsonNode summary : get(url, viewer, "api/v1/storyboards").path("storyboards")) {
            JsonNode full =
                    get(url, viewer, "api/v1/storyboards/" + summary.path("id").asText());
            found.add(summary.path("id").asText() + " " + full.path("severity").asText() + " "
                    + full.path("records").size());
        }
        found.sort(null);
        return found;
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (var walk = java.nio.file.Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (java.nio.file.Files.isDirectory(source)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(source, target);
                }
            }
        }
    }

    @Test
    void tokenCreatePrintsATokenTheStoreAccepts() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Sightline.commandLine().execute("token", "create", "--role", "viewer", "--data", data.toString());
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        String token = out.toString(StandardCharsets.UTF_8).strip();
        try (Database database = Database.open(Database.sqliteUrl(data))) {
            assertThat(new TokenStore(database).verify(token)).contains(Role.VIEWER);
        }
        assertThat(Sightline.commandLine().execute("token", "create", "--role", "root", "--data", data.toString()))
                .isNotZero();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
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
}
