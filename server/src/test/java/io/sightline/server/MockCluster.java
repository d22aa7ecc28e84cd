package io.sightline.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario's cluster in the fabric8 mock API server (CRUD mode): its pods and nodes created as
 * typed objects, and a kubeconfig that points a server at it. The CLI's tests use it too (the server's test jar).
 */
public final class MockCluster {

    private MockCluster() {}

    /** Empties the mock, then creates the scenario's pods.json and nodes.json items and their Deployments. */
    public static void load(KubernetesClient client, Path scenario) throws IOException {
        client.pods().inAnyNamespace().delete();
        client.nodes().delete();
        client.network().v1().networkPolicies().inAnyNamespace().delete();
        client.apps().deployments().inAnyNamespace().delete();
        load(client, scenario, Pod.class, "pods.json");
        load(client, scenario, Node.class, "nodes.json");
        createDeployments(client);
    }

    /**
     * pods.json holds no Deployment objects, only what their pods say: a ReplicaSet owner named
     * {@code <deployment>-<pod-template-hash>}, and the pod labels. Each such Deployment is created
     * with the pods' labels (without the hash) as its selector and as many replicas as it has pods.
     */
    public static void createDeployments(KubernetesClient client) {
        Map<String, List<Pod>> byDeployment = new LinkedHashMap<>();
        for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            String hash = labels == null ? null : labels.get("pod-template-hash");
            if (hash == null || pod.getMetadata().getOwnerReferences() == null) {
                continue;
            }
            pod.getMetadata().getOwnerReferences().stream()
                    .filter(o -> o.getKind().equals("ReplicaSet") && o.getName().endsWith("-" + hash))
                    .findFirst()
                    .ifPresent(o -> byDeployment
                            .computeIfAbsent(
                                    pod.getMetadata().getNamespace() + "/"
                                            + o.getName()
                                                    .substring(0, o.getName().length() - hash.length() - 1),
                                    k -> new ArrayList<>())
                            .add(pod));
        }
        byDeployment.forEach((key, pods) -> {
            Map<String, String> selector =
                    new LinkedHashMap<>(pods.getFirst().getMetadata().getLabels());
            selector.remove("pod-template-hash");
            client.resource(new DeploymentBuilder()
                            .withNewMetadata()
                            .withNamespace(key.substring(0, key.indexOf('/')))
                            .withName(key.substring(key.indexOf('/') + 1))
                            .endMetadata()
                            .withNewSpec()
                            .withReplicas(pods.size())
                            .withNewSelector()
                            .addToMatchLabels(selector)
                            .endSelector()
                            .withNewTemplate()
                            .withNewMetadata()
                            .addToLabels(selector)
                            .endMetadata()
                            .withSpec(pods.getFirst().getSpec())
                            .endTemplate()
                            .endSpec()
                            .build())
                    .create();
        });
    }

    public static Path kubeconfig(KubernetesClient client, Path dir) throws IOException {
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
