package io.sightline.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The OpenAPI 3.1 document, generated from the routes the server registered so it lists every one. */
final class OpenApi {

    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    private OpenApi() {}

    static ObjectNode document(List<Route> routes) {
        ObjectNode root = ApiJson.MAPPER.createObjectNode();
        root.put("openapi", "3.1.0");
        root.putObject("info")
                .put("title", "Sightline API")
                .put("version", "v1")
                .put(
                        "description",
                        "Sensor ingest, assets, findings, ranked images and live attack storyboards. Every route needs"
                                + " a token (Authorization: Bearer ...); storyboard and image objects have the shape"
                                + " of `sightline analyze --format json` (docs/analysis-json.md).");
        ObjectNode components = root.putObject("components");
        components
                .putObject("securitySchemes")
                .putObject("bearer")
                .put("type", "http")
                .put("scheme", "bearer");
        ObjectNode error = components.putObject("schemas").putObject("Error");
        error.put("type", "object");
        error.putObject("properties").putObject("error").put("type", "object");
        root.putArray("security").addObject().putArray("bearer");
        ObjectNode paths = root.putObject("paths");
        for (Route route : routes) {
            ObjectNode path =
                    paths.has(route.path()) ? (ObjectNode) paths.get(route.path()) : paths.putObject(route.path());
            ObjectNode operation = path.putObject(route.method().toLowerCase(Locale.ROOT));
            operation.put("summary", route.summary());
            operation.put(
                    "description",
                    "Token roles allowed: "
                            + route.access().roles().stream()
                                    .map(r -> r.label())
                                    .sorted()
                                    .collect(Collectors.joining(", "))
                            + ".");
            ArrayNode parameters = operation.putArray("parameters");
            Matcher matcher = PARAMETER.matcher(route.path());
            while (matcher.find()) {
                parameters
                        .addObject()
                        .put("name", matcher.group(1))
                        .put("in", "path")
                        .put("required", true)
                        .putObject("schema")
                        .put("type", "string");
            }
            if (route.method().equals("POST") && !route.path().endsWith("/remediation")) {
                operation
                        .putObject("requestBody")
                        .put("required", true)
                        .putObject("content")
                        .putObject("application/json")
                        .putObject("schema")
                        .put("type", "object");
            }
            ObjectNode responses = operation.putObject("responses");
            responses
                    .putObject("200")
                    .put("description", "OK")
                    .putObject("content")
                    .putObject(route.responseType())
                    .putObject("schema")
                    .put("type", route.responseType().equals("application/json") ? "object" : "string");
            responses.putObject("401").put("description", "no token, or an unknown one");
            responses.putObject("403").put("description", "the token's role does not allow this route");
            if (route.path().endsWith("/remediation")) {
                responses.putObject("404").put("description", "no storyboard of that id");
            }
            if (route.method().equals("POST") && route.path().endsWith("/remediation")) {
                operation
                        .putObject("requestBody")
                        .put("required", false)
                        .putObject("content")
                        .putObject("application/json")
                        .putObject("schema")
                        .put("type", "object");
                responses.putObject("400").put("description", "a chosen action id is not in the plan; names them");
                responses.putObject("409").put("description", "the server was started without --kubeconfig");
            }
            if (route.path().contains("/ingest/")) {
                responses.putObject("400").put("description", "the body names no record that could be taken; says why");
                responses.putObject("429").put("description", "the engine is behind; retry after Retry-After seconds");
            }
        }
        return root;
    }
}
