package io.sightline.discovery.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for the EC2, STS, EKS, ECS and ECR endpoints on one port: EC2's and STS's query
 * protocol is a form POST to {@code /} naming its {@code Action}, EKS is REST ({@code GET /clusters},
 * {@code GET /clusters/{name}}, {@code GET /clusters/{name}/node-groups[/{nodegroup}]}), ECS and ECR are JSON POSTs naming the operation in
 * {@code X-Amz-Target}. Each operation answers from a queue of scripted responses, then
 * from its default one; every request is recorded.
 */
final class AwsStub implements AutoCloseable {

    record Response(int status, String contentType, String body) {}

    record Request(String operation, String body, String authorization, String query) {}

    private final HttpServer server;
    private final Map<String, Deque<Response>> scripted = new HashMap<>();
    private final Map<String, Response> defaults = new HashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    AwsStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    AwsStub answer(String operation, Response response) {
        defaults.put(operation, response);
        return this;
    }

    /** Answers the next call of {@code operation} with {@code response}, before the default. */
    AwsStub once(String operation, Response response) {
        scripted.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(response);
        return this;
    }

    List<Request> requests(String operation) {
        return requests.stream().filter(r -> r.operation().equals(operation)).toList();
    }

    static Response xml(int status, String body) {
        return new Response(status, "text/xml;charset=UTF-8", body);
    }

    static Response json(int status, String body) {
        return new Response(status, "application/json", body);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String operation = target != null
                ? jsonOperation(target)
                : operationOf(
                        exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body);
        requests.add(new Request(
                operation,
                body,
                exchange.getRequestHeaders().getFirst("Authorization"),
                java.util.Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), "")));
        Deque<Response> queue = scripted.get(operation);
        Response response = queue != null && !queue.isEmpty() ? queue.poll() : defaults.get(operation);
        if (response == null) {
            response = json(404, "{\"message\":\"the stub has no answer for " + operation + "\"}");
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** ECS and ECR speak awsJson1_1: the operation is in {@code X-Amz-Target}. */
    private static String jsonOperation(String target) {
        String service = target.startsWith("AmazonEC2ContainerRegistry") ? "ecr" : "ecs";
        return service + ":" + target.substring(target.indexOf('.') + 1);
    }

    private static String operationOf(String method, String path, String body) {
        if (method.equals("POST") && path.equals("/")) {
            // EC2 and STS both use the query protocol; STS's API version tells them apart.
            String service = body.contains("Version=2011-06-15") ? "sts:" : "ec2:";
            for (String pair : body.split("&")) {
                if (pair.startsWith("Action=")) {
                    return service + URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        if (path.equals("/clusters")) {
            return "eks:ListClusters";
        }
        if (path.startsWith("/clusters/")) {
            String[] parts = path.substring("/clusters/".length()).split("/");
            if (parts.length == 2 && parts[1].equals("node-groups")) {
                return "eks:ListNodegroups " + parts[0];
            }
            if (parts.length == 3 && parts[1].equals("node-groups")) {
                return "eks:DescribeNodegroup " + parts[0] + "/" + parts[2];
            }
            return "eks:DescribeCluster " + parts[0];
        }
        return method + " " + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
