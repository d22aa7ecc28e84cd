package io.sightline.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A scenario's cluster in the fabric8 mock API server (CRUD mode): its pods and nodes created as
 * typed objects, and a kubeconfig that points a server at it.
 */
final class MockCluster {

    private MockCluster() {}

    /** Empties the mock, then creates the scenario's pods.json and nodes.json items. */
    static void load(KubernetesClient client, Path scenario) throws IOException {
        client.pods().inAnyNamespace().delete();
        client.nodes().delete();
        client.network().v1().networkPolicies().inAnyNamespace().delete();
        load(client, scenario, Pod.class, "pods.json");
        load(client, scenario, Node.class, "nodes.json");
    }

    static Path kubeconfig(KubernetesClient client, Path dir) throws IOException {
        Path file = dir.resolve("kubeconfig.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: tester
                current-context: mock
                users:
                - name: tester
                  user:
                    token: not-a-secret
                """.formatted(client.getMasterUrl()));
        return file;
    }

    private static <T extends HasMetadata> void load(KubernetesClient client, Path scenario, Class<T> type, String file)
            throws IOException {
        JsonNode list = TestServer.JSON.readTree(
                scenario.resolve("inventory").resolve(file).toFile());
        for (JsonNode item : list.path("items")) {
            T object = client.getKubernetesSerialization().unmarshal(item.toString(), type);
            object.getMetadata().setResourceVersion(null);
            client.resource(object).create();
        }
    }
}
