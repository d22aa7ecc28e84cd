package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import io.sightline.formats.telemetry.TelemetryReader;
import io.sightline.store.Database;
import io.sightline.store.IngestLog;
import io.sightline.store.LogEntry;
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
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sightline serve --tail-tetragon FILE} killed with SIGKILL while it follows the file, the
 * file rotated while it is down, and started again: the log holds every line of the file and its
 * rotated copy exactly once, in file order.
 */
class TailKillTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/");

    @TempDir
    Path data;

    @TempDir
    Path logDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void aKilledServerResumesTheFileWithoutDuplicatingOrLosingALine() throws Exception {
        Path file = logDir.resolve("tetragon.log");
        List<String> lines = tetragonLines();
        int half = lines.size() / 2;
        String token;
        try (Database database = Database.open(Database.sqliteUrl(data))) {
            token = new TokenStore(database).create(Role.ADMIN);
        }

        Process first = serve(file);
        try {
            String url = url(first);
            append(file, lines.subList(0, half));
            awaitLogged(url, token, 1);
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        // Rotated while the server is down, as Tetragon's lumberjack does: renamed, then a new file.
        Files.move(file, logDir.resolve("tetragon-2024-11-14T09-00-00.000.log"));
        append(file, lines.subList(half, lines.size()));

        Process second = serve(file);
        try {
            awaitLogged(url(second), token, lines.size());
            append(file, List.of("{\"process_exec\": {broken"));
            String warning = awaitOutput("Skipped tailed Tetragon line");
            assertThat(warning)
                    .as("a server logs what it skips, at its default level")
                    .contains("WARN io.sightline.server.ingest.TetragonTailer - Skipped tailed Tetragon line " + file
                            + " line " + (lines.size() - half + 1) + ": not valid JSON");
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }

        List<String> logged = new ArrayList<>();
        try (Database database = Database.open(Database.sqliteUrl(data))) {
            IngestLog log = new IngestLog(database);
            log.read(1, log.lastSeq(), (LogEntry entry) -> logged.add(entry.body()));
        }
        assertThat(logged).containsExactlyElementsOf(lines);
    }

    /** The scenario's Tetragon records the ingest check takes, as the tailer logs them. */
    private static List<String> tetragonLines() {
        Path telemetry = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral", "telemetry");
        List<String> lines = new ArrayList<>();
        TelemetryReader.readRecords(telemetry.resolve("tetragon.jsonl"), raw -> {
            Optional<String> format = TelemetryReader.formatOf(raw.node());
            if (raw.problem().isEmpty() && format.isPresent() && format.get().equals("tetragon")) {
                try {
                    TelemetryReader.mapRecord(raw.node(), new SourceRecord("check", 1));
                    lines.add(raw.node().toString());
                } catch (RecordException rejected) {
                    // Not logged by the tailer either.
                }
            }
        });
        assertThat(lines).hasSizeGreaterThan(100);
        return lines;
    }

    private static void append(Path file, List<String> lines) throws Exception {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private void awaitLogged(String url, String token, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long logged = status(url, token).path("log_seq").asLong();
        // The out-of-process server offers no wait; its status says what it logged.
        while (logged < atLeast && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            logged = status(url, token).path("log_seq").asLong();
        }
        assertThat(logged).isGreaterThanOrEqualTo(atLeast);
    }

    private Process serve(Path file) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(
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
                        data.toString(),
                        "--tail-tetragon",
                        file.toString(),
                        "--tail-poll-interval",
                        "PT0.02S")
                .redirectErrorStream(true)
                .start();
    }

    private String awaitOutput(String part) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            synchronized (output) {
                Optional<String> found =
                        output.stream().filter(line -> line.contains(part)).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            Thread.sleep(20);
        }
        return "no line with '" + part + "' in " + output;
    }

    /** Reads the server's output until it says where it listens; the rest is kept, read in the background. */
    private String url(Process process) throws Exception {
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
                output.lines().forEach(this.output::add);
            } catch (java.io.UncheckedIOException killed) {
                // The process is gone; so is its output.
            }
        });
        return url;
    }

    private JsonNode status(String url, String token) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url + "api/v1/status"))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("status: %s", response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
