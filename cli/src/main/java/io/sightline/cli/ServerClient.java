package io.sightline.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The API of a running server as the {@code --server URL --token T} modes use it. A refusal
 * (any answer but 2xx) is a {@link Refused} carrying the server's status, error code and message;
 * like every {@link IllegalArgumentException} it reaches the user as one line and exit status 2.
 */
final class ServerClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final URI base;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ServerClient(URI server, String token) {
        requireNonNull(server, "server is null");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("--server needs --token T (or SIGHTLINE_TOKEN)");
        }
        String url = server.toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.token = token.strip();
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), "GET " + path);
    }

    JsonNode post(String path, JsonNode body) {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
                "POST " + path);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(
                    request.header("Authorization", "Bearer " + token)
                            .header("Accept", "application/json")
                            .timeout(TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the server at " + base + " (" + what + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what, e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            JsonNode error = body.path("error");
            throw new Refused(
                    response.statusCode(),
                    error.path("code").asText("http_" + response.statusCode()),
                    error.path("message").asText(response.body().strip()),
                    what);
        }
        return body;
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null ? JSON.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }

    /** The server answered with an error status. */
    static final class Refused extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final int status;
        private final String code;

        Refused(int status, String code, String message, String what) {
            super("the server refused " + what + " (" + status + " " + code + "): " + message);
            this.status = status;
            this.code = code;
        }

        int status() {
            return status;
        }

        String code() {
            return code;
        }
    }
}
