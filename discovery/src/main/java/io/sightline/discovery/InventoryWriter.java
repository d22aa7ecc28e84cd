package io.sightline.discovery;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the live objects of a store as the inventory files {@code sightline analyze} reads:
 * {@code pods.json}, {@code nodes.json}, {@code services.json} and {@code endpointslices.json} as
 * kubectl {@code List}s, {@code ec2-instances.json} as {@code aws ec2 describe-instances} output
 * one {@code eks-cluster-<name>.json} per cluster as {@code aws eks describe-cluster} output, and
 * {@code docker-inspect.json} and {@code docker-image-inspect.json} as {@code docker inspect} and
 * {@code docker image inspect} print them (each container with {@code Node.Name} set to the Docker
 * host it was discovered on, see {@link InventorySnapshot#onHost}), {@code ecs-tasks.json} and
 * {@code ecs-container-instances.json} as {@code aws ecs describe-tasks} and
 * {@code describe-container-instances} print them, and {@code ecr-images.json} as
 * {@code aws ecr batch-get-image} prints it (with each image's {@code repositoryUri} added).
 * Objects of every source go into the same files; a kind nobody listed gets no file.
 *
 * <p>Each file is written whole to a temporary file beside it and renamed over the old one, so a
 * reader (an {@code analyze} run beside {@code discover --watch}) sees the old file or the new one,
 * never half of either.
 */
public final class InventoryWriter {

    private static final Map<String, String> KUBERNETES_FILES = Map.of(
            "Pod", "pods.json",
            "Node", "nodes.json",
            "Service", "services.json",
            "EndpointSlice", "endpointslices.json");

    private final ObjectMapper mapper = new ObjectMapper();

    /** Writes the files into {@code folder}, creating it, and returns the files written. */
    public List<Path> write(AssetStore store, Path folder) {
        requireNonNull(store, "store is null");
        requireNonNull(folder, "folder is null");
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            for (String kind : InventorySnapshot.KUBERNETES_KINDS) {
                List<Tracked> objects = live(store, kind);
                if (!objects.isEmpty()) {
                    written.add(
                            write(folder.resolve(KUBERNETES_FILES.get(kind)), InventorySnapshot.kubectlList(objects)));
                }
            }
            List<Tracked> instances = live(store, InventorySnapshot.INSTANCE);
            if (!instances.isEmpty()) {
                written.add(write(folder.resolve("ec2-instances.json"), InventorySnapshot.reservations(instances)));
            }
            ArrayNode containers = JsonNodeFactory.instance.arrayNode();
            for (String source : store.sources().stream().sorted().toList()) {
                List<Tracked> onHost = store.objects(source, InventorySnapshot.DOCKER_CONTAINER).stream()
                        .filter(Tracked::live)
                        .toList();
                containers.addAll(InventorySnapshot.onHost(source, onHost));
            }
            if (!containers.isEmpty()) {
                written.add(write(folder.resolve("docker-inspect.json"), containers));
            }
            List<Tracked> images = live(store, InventorySnapshot.DOCKER_IMAGE);
            if (!images.isEmpty()) {
                written.add(write(folder.resolve("docker-image-inspect.json"), InventorySnapshot.inspectArray(images)));
            }
            List<Tracked> tasks = live(store, InventorySnapshot.ECS_TASK);
            if (!tasks.isEmpty()) {
                written.add(write(folder.resolve("ecs-tasks.json"), InventorySnapshot.describeTasks(tasks)));
            }
            List<Tracked> containerInstances = live(store, InventorySnapshot.ECS_CONTAINER_INSTANCE);
            if (!containerInstances.isEmpty()) {
                written.add(write(
                        folder.resolve("ecs-container-instances.json"),
                        InventorySnapshot.describeContainerInstances(containerInstances)));
            }
            List<Tracked> ecrImages = live(store, InventorySnapshot.ECR_IMAGE);
            if (!ecrImages.isEmpty()) {
                written.add(write(folder.resolve("ecr-images.json"), InventorySnapshot.batchGetImage(ecrImages)));
            }
            // TODO: EKS node groups (kind EksNodegroup) are not written: no inventory parser reads
            // describe-nodegroup output yet, and a file analyze cannot place would be reported as unknown.
            Map<String, JsonNode> clusters = new LinkedHashMap<>();
            live(store, InventorySnapshot.CLUSTER)
                    .forEach(t -> clusters.put(t.key().name(), t.object()));
            for (Map.Entry<String, JsonNode> cluster : clusters.entrySet()) {
                ObjectNode described = JsonNodeFactory.instance.objectNode().set("cluster", cluster.getValue());
                written.add(write(folder.resolve("eks-cluster-" + fileSafe(cluster.getKey()) + ".json"), described));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write inventory files into " + folder + ": " + e.getMessage(), e);
        }
        return written;
    }

    private static List<Tracked> live(AssetStore store, String kind) {
        return store.objectsOfKind(kind).stream()
                .map(AssetStore.Sourced::tracked)
                .filter(Tracked::live)
                .toList();
    }

    private Path write(Path file, JsonNode document) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        mapper.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), document);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    private static String fileSafe(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    }
}
