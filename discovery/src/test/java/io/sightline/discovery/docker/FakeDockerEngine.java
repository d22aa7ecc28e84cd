package io.sightline.discovery.docker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Docker Engine API on 127.0.0.1: each path answers a body set by the test; any other path is
 * the daemon's 404 {@code {"message": ...}}. Every request path is recorded.
 */
final class FakeDockerEngine implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    record Answer(int status, String body) {}

    FakeDockerEngine() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI daemon() {
        return URI.create("tcp://127.0.0.1:" + server.getAddress().getPort());
    }

    FakeDockerEngine answer(String path, int status, String body) {
        answers.put(path, new Answer(status, body));
        return this;
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath()
                + (exchange.getRequestURI().getQuery() == null
                        ? ""
                        : "?" + exchange.getRequestURI().getQuery());
        requests.add(path);
        Answer answer = answers.getOrDefault(path, new Answer(404, "{\"message\":\"No such object: " + path + "\"}"));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
