package io.sightline.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.sightline.discovery.sources.RegisteredDiscovery;
import io.sightline.discovery.sources.RegisteredSource;
import io.sightline.discovery.sources.SourceRegistry;
import io.sightline.formats.JsonErrors;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/sources}: the discovery source registry ({@code sources.json}) that {@code sightline clusters|
 * accounts|hosts add} write and {@code sightline discover} reads, listed, added to and removed from over HTTP. A
 * source names its credentials by reference (a kubeconfig path, an AWS profile or role, a Docker socket); the API
 * refuses nothing else and stores no secret.
 *
 * <p>Thread safe: each request reads the file, changes it and writes it atomically under this object's lock, so
 * that two requests never lose each other's change; a CLI writing the same file at the same moment can still win.
 */
final class SourcesApi {

    private static final Logger LOG = LoggerFactory.getLogger(SourcesApi.class);

    private final Optional<Path> folder;

    SourcesApi(Optional<Path> folder) {
        this.folder = requireNonNull(folder, "folder is null");
    }

    void list(Context ctx) {
        ArrayNode sources = ApiJson.MAPPER.createArrayNode();
        registry().sources().forEach(source -> sources.add(describe(source)));
        ApiServer.json(ctx, ApiJson.MAPPER.createObjectNode().set("sources", sources));
    }

    synchronized void add(Context ctx) {
        JsonNode body = body(ctx);
        RegisteredSource source;
        try {
            source = SourceRegistry.fromJson(body.path("type").asText(""), body);
            if (source instanceof RegisteredSource.Cluster cluster) {
                RegisteredDiscovery.checkKubeconfig(cluster.kubeconfig(), cluster.context());
            }
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new ApiException(400, "invalid_source", e.getMessage());
        }
        SourceRegistry registry = registry();
        if (registry.source(source.name()).isPresent()) {
            throw new ApiException(
                    409,
                    "source_exists",
                    "a source named '" + source.name() + "' is already" + " registered; remove it first");
        }
        registry.add(source);
        LOG.info("Source registered name={} type={}", source.name(), source.type());
        ctx.status(201);
        ApiServer.json(ctx, describe(source));
    }

    synchronized void remove(Context ctx) {
        String name = ctx.pathParam("name");
        SourceRegistry registry = registry();
        RegisteredSource source = registry.source(name)
                .orElseThrow(() -> new ApiException(404, "not_found", "no source named '" + name + "'"));
        registry.remove(source.getClass(), name);
        LOG.info("Source removed name={} type={}", name, source.type());
        ApiServer.json(ctx, describe(source));
    }

    private SourceRegistry registry() {
        Path dir = folder.orElseThrow(() -> new ApiException(
                409, "no_sources_folder", "this server has no data folder for sources.json (serve --data DIR)"));
        try {
            return SourceRegistry.load(dir);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new ApiException(500, "unreadable_sources", e.getMessage());
        }
    }

    private static ObjectNode describe(RegisteredSource source) {
        ObjectNode node = ApiJson.MAPPER.createObjectNode().put("type", source.type());
        node.setAll(SourceRegistry.toJson(source));
        return node.put("describe", source.describe());
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode body = ApiJson.MAPPER.readTree(ctx.body());
            if (body == null || !body.isObject()) {
                throw new ApiException(400, "invalid_json", "expected a JSON object with \"type\" and \"name\"");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "invalid_json", "expected a JSON object: " + JsonErrors.describe(e));
        }
    }
}
