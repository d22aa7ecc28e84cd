package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.store.Database;
import io.sightline.store.Role;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A real server on 127.0.0.1 and a free port, over a real store, with a token of each role and a
 * JDK HTTP client. Store kinds: a SQLite file in a folder, or a fresh schema of the PostgreSQL
 * server named by {@code SIGHTLINE_TEST_PG_URL} (skipped, saying so, when it is not set).
 */
final class TestServer implements AutoCloseable {

    static final String PG_ENV = "SIGHTLINE_TEST_PG_URL";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> KEV = KevCatalogue.bundled();

    final SightlineServer server;
    final String admin;
    final String ingest;
    final String viewer;
    final String operator;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(SightlineServer server) {
        this.server = server;
        this.admin = server.tokens().create(Role.ADMIN);
        this.ingest = server.tokens().create(Role.INGEST);
        this.viewer = server.tokens().create(Role.VIEWER);
        this.operator = server.tokens().create(Role.OPERATOR);
    }

    static TestServer start(String storeUrl) {
        return start(storeUrl, ServerConfig.DEFAULT_QUEUE_CAPACITY);
    }

    static TestServer start(String storeUrl, int queueCapacity) {
        return start(config(storeUrl, queueCapacity));
    }

    static TestServer start(ServerConfig config) {
        return new TestServer(SightlineServer.start(config));
    }

    /** The id part of a token {@code sl_<id>_<secret>}: what the server records as who acted. */
    static String tokenId(String token) {
        return token.substring(3, token.indexOf('_', 3));
    }

    static ServerConfig config(String storeUrl, int queueCapacity) {
        return new ServerConfig("127.0.0.1", 0, storeUrl, queueCapacity, EngineConfig.DEFAULTS, KEV);
    }

    /** A store URL of the given kind: "sqlite" (a file under dir) or "postgresql". */
    static String storeUrl(String kind, Path dir) throws SQLException {
        return switch (kind) {
            case "sqlite" -> Database.sqliteUrl(dir);
            case "postgresql" -> freshPostgresSchema();
            default -> throw new IllegalArgumentException("unknown store kind " + kind);
        };
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
        return post(path, token, body, Map.of());
    }

    HttpResponse<String> post(String path, String token, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).DELETE();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request of the route's own method (a POST sends {@code {}}). */
    HttpResponse<String> call(String method, String path, String token) throws IOException, InterruptedException {
        return switch (method) {
            case "GET" -> get(path, token);
            case "DELETE" -> delete(path, token);
            default -> post(path, token, "{}");
        };
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path, viewer);
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    JsonNode postJson(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = post(path, ingest, body);
        assertThat(response.statusCode())
                .as("POST %s: %s", path, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    void awaitIngested() throws InterruptedException {
        assertThat(server.awaitIngested(Duration.ofSeconds(60)))
                .as("engine caught up with the log")
                .isTrue();
    }

    @Override
    public void close() {
        server.close();
    }

    private static String freshPostgresSchema() throws SQLException {
        String base = System.getenv(PG_ENV);
        assumeTrue(
                base != null && !base.isBlank(),
                "PostgreSQL test skipped: set " + PG_ENV + " to a jdbc:postgresql:// URL (.ci/run does)");
        String schema = "t_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(base);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
