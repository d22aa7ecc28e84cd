package io.sightline.discovery.docker;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventorySnapshot;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.SourceError;
import io.sightline.discovery.SourceReport;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers one standalone Docker host into its own scope of the {@link AssetStore}: every
 * container, running or stopped ({@code GET /containers/json?all=1}, then
 * {@code GET /containers/{id}/json} for each), as kind {@code DockerContainer}, and the image of
 * each ({@code GET /images/{id}/json}, where {@code RepoDigests} lives) as kind {@code DockerImage}.
 * Objects are kept as the Engine API returns them, which is the {@code docker inspect} shape the
 * inventory file parser reads.
 *
 * <p>A container or image removed between the list and its inspect (HTTP 404) is left out and
 * counts as gone. Any other failure is reported and the kind keeps what its last complete sync
 * left: the containers inspected are upserted, nothing is swept.
 */
public final class DockerSource {

    private static final Logger LOG = LoggerFactory.getLogger(DockerSource.class);

    private final String name;
    private final DockerEngine engine;
    private final AssetStore store;

    public DockerSource(String name, DockerEngine engine, AssetStore store) {
        this.name = requireNonNull(name, "name is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.store = requireNonNull(store, "store is null");
    }

    public SourceReport sync() {
        long started = System.nanoTime();
        List<SourceError> errors = new ArrayList<>();
        try {
            Map<ObjectKey, JsonNode> containers = inspectContainers(errors);
            Set<String> imageIds = new LinkedHashSet<>();
            containers.values().forEach(c -> imageIds.add(c.path("Image").asText("")));
            imageIds.remove("");
            apply(InventorySnapshot.DOCKER_CONTAINER, containers, errors.isEmpty());
            int failedBefore = errors.size();
            Map<ObjectKey, JsonNode> images = inspectImages(imageIds, errors);
            apply(InventorySnapshot.DOCKER_IMAGE, images, errors.size() == failedBefore);
        } catch (IOException e) {
            errors.add(error("GET /containers/json", e, "containers and images kept from the last complete sync"));
        }
        SourceReport report =
                new SourceReport(name, store.liveCounts(name), errors, Duration.ofNanos(System.nanoTime() - started));
        LOG.info(
                "sync done source={} counts={} errors={} took={}ms",
                name,
                report.counts(),
                errors.size(),
                report.took().toMillis());
        return report;
    }

    private Map<ObjectKey, JsonNode> inspectContainers(List<SourceError> errors) throws IOException {
        Map<ObjectKey, JsonNode> inspected = new LinkedHashMap<>();
        for (JsonNode summary : engine.get("/containers/json?all=1")) {
            String id = summary.path("Id").asText("");
            if (id.isEmpty()) {
                continue;
            }
            try {
                inspected.put(key(InventorySnapshot.DOCKER_CONTAINER, id), engine.get("/containers/" + id + "/json"));
            } catch (DockerEngine.DockerApiException e) {
                if (e.status() != 404) {
                    errors.add(
                            error("GET /containers/" + id + "/json", e, "containers kept from the last complete sync"));
                } else {
                    LOG.debug("container removed before its inspect source={} container={}", name, id);
                }
            }
        }
        return inspected;
    }

    private Map<ObjectKey, JsonNode> inspectImages(Set<String> imageIds, List<SourceError> errors) {
        Map<ObjectKey, JsonNode> inspected = new LinkedHashMap<>();
        for (String id : imageIds) {
            String path = "/images/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/json";
            try {
                inspected.put(key(InventorySnapshot.DOCKER_IMAGE, id), engine.get(path));
            } catch (DockerEngine.DockerApiException e) {
                if (e.status() != 404) {
                    errors.add(error("GET " + path, e, "images kept from the last complete sync"));
                }
            } catch (IOException e) {
                errors.add(error("GET " + path, e, "images kept from the last complete sync"));
            }
        }
        return inspected;
    }

    private void apply(String kind, Map<ObjectKey, JsonNode> objects, boolean complete) {
        if (complete) {
            store.replaceKind(name, kind, objects);
        } else {
            objects.forEach((key, object) -> store.upsert(name, key, object));
        }
    }

    /** The containers of a Docker source as the store holds them, with their images' repo digests. */
    public static List<DockerContainer> containers(AssetStore store, String source) {
        Map<String, JsonNode> images = new LinkedHashMap<>();
        store.objects(source, InventorySnapshot.DOCKER_IMAGE)
                .forEach(t -> images.put(t.key().name(), t.object()));
        return store.objects(source, InventorySnapshot.DOCKER_CONTAINER).stream()
                .map(t -> DockerContainer.of(
                        t, images.get(t.object().path("Image").asText(""))))
                .toList();
    }

    private static ObjectKey key(String kind, String id) {
        return ObjectKey.clusterScoped(kind, id);
    }

    private SourceError error(String what, IOException e, String consequence) {
        String cause = e instanceof DockerEngine.DockerApiException
                ? e.getMessage()
                : "Docker daemon " + engine.daemon() + " unreachable: "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        LOG.warn("sync failed source={} call={} cause={}", name, what, cause);
        return new SourceError(name, what, cause + "; " + consequence);
    }
}
