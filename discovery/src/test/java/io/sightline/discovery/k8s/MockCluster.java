package io.sightline.discovery.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sightline.discovery.Samples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads sample files into a fabric8 mock server in CRUD mode, through the client, as
 * {@code kubectl create -f} would: single objects, or the items of a {@code List}.
 */
public final class MockCluster {

    /**
     * Two corpus samples carry an apiVersion a real API server would not serve for their kind:
     * k9s's {@code rs.json} says {@code networking.k8s.io/v1} for a ReplicaSet (a slip in that
     * fixture) and {@code cj.json} is {@code batch/v1beta1}, removed in Kubernetes 1.25. They are
     * created under the version the API serves today; no other field is touched.
     */
    private static final Map<String, String> SERVED_VERSIONS = Map.of("ReplicaSet", "apps/v1", "CronJob", "batch/v1");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MockCluster() {}

    public static List<HasMetadata> load(KubernetesClient client, Path file) {
        JsonNode root = read(file);
        List<JsonNode> objects = new ArrayList<>();
        if (root.path("items").isArray()) {
            root.path("items").forEach(objects::add);
        } else {
            objects.add(root);
        }
        List<HasMetadata> created = new ArrayList<>();
        for (JsonNode object : objects) {
            created.add(client.resource(toModel(client, object)).create());
        }
        return created;
    }

    public static List<HasMetadata> loadCorpus(KubernetesClient client, String... paths) {
        List<HasMetadata> created = new ArrayList<>();
        for (String path : paths) {
            created.addAll(load(client, Samples.corpus(path)));
        }
        return created;
    }

    /** The scenario's kubectl outputs: pods, nodes, services and endpointslices. */
    public static void loadScenario(KubernetesClient client, String scenario) {
        Path inventory = Samples.scenario(scenario).resolve("inventory");
        for (String file : List.of("nodes.json", "pods.json", "services.json", "endpointslices.json")) {
            load(client, inventory.resolve(file));
        }
    }

    public static HasMetadata toModel(KubernetesClient client, JsonNode object) {
        ObjectNode copy = object.deepCopy();
        String kind = copy.path("kind").asText();
        if (SERVED_VERSIONS.containsKey(kind)) {
            copy.put("apiVersion", SERVED_VERSIONS.get(kind));
        }
        return client.getKubernetesSerialization().convertValue(copy, HasMetadata.class);
    }

    public static JsonNode readString(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON written in a test", e);
        }
    }

    public static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample " + file, e);
        }
    }
}
