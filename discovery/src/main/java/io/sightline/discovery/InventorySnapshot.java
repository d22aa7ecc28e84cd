package io.sightline.discovery;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Host;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.RecordException;
import io.sightline.formats.inventory.DockerInspectParser;
import io.sightline.formats.inventory.Ec2InstancesParser;
import io.sightline.formats.inventory.EcrImagesParser;
import io.sightline.formats.inventory.EcsTasksParser;
import io.sightline.formats.inventory.EksClusterParser;
import io.sightline.formats.inventory.KubernetesListParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Builds the engine's {@link Inventory} from what the store holds, through the same parsers that
 * read inventory files: each source's objects are handed to them in the shape kubectl and the AWS
 * CLI print, so a discovered pod and a pod read from {@code pods.json} become the same asset.
 *
 * <p>An EC2 instance whose id a node's {@code providerID} names is filed under that node's name, so
 * its addresses and the node's join in one host even when the instance's private DNS name is not the
 * node name (Karpenter and custom hostnames).
 *
 * <p>Cost: one parse per object; call it when a consumer needs a fresh view, not per event.
 */
public final class InventorySnapshot {

    /** Kubernetes kinds the engine's inventory holds, in the order they are read. */
    public static final List<String> KUBERNETES_KINDS = List.of("Node", "Pod", "Service", "EndpointSlice");

    public static final String INSTANCE = "Instance";
    public static final String CLUSTER = "Cluster";
    public static final String DOCKER_CONTAINER = "DockerContainer";
    public static final String DOCKER_IMAGE = "DockerImage";
    public static final String ECS_TASK = "EcsTask";
    public static final String ECS_CONTAINER_INSTANCE = "EcsContainerInstance";
    public static final String ECR_IMAGE = "EcrImage";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Inventory inventory;
    private final List<SkippedRecord> skipped;

    private InventorySnapshot(Inventory inventory, List<SkippedRecord> skipped) {
        this.inventory = inventory;
        this.skipped = List.copyOf(skipped);
    }

    /** Live objects only: what the sources list now. */
    public static InventorySnapshot live(AssetStore store) {
        return build(store, Tracked::live);
    }

    /**
     * Gone objects too, read before live ones so that an address or container id reused by a live
     * object resolves to it: events recorded before a deletion still find the deleted pod.
     */
    public static InventorySnapshot withGone(AssetStore store) {
        return build(store, tracked -> true);
    }

    public Inventory inventory() {
        return inventory;
    }

    /** Objects the parsers could not read, each named by source, kind and object. */
    public List<SkippedRecord> skipped() {
        return skipped;
    }

    private static InventorySnapshot build(AssetStore store, Predicate<Tracked> wanted) {
        requireNonNull(store, "store is null");
        Inventory inventory = new Inventory();
        List<SkippedRecord> skipped = new ArrayList<>();
        List<String> sources = store.sources().stream().sorted().toList();
        for (String source : sources) {
            for (String kind : KUBERNETES_KINDS) {
                List<Tracked> objects = ordered(store.objects(source, kind), wanted);
                if (!objects.isEmpty()) {
                    parse(
                            () -> KubernetesListParser.parse(
                                    kubectlList(objects), label(source, kind), inventory, skipped),
                            source,
                            kind,
                            skipped);
                }
            }
            addFormerIds(store, source, wanted, inventory);
        }
        Map<String, String> nodeByInstance = nodesByInstance(inventory);
        for (String source : sources) {
            List<Tracked> instances = ordered(store.objects(source, INSTANCE), wanted);
            if (!instances.isEmpty()) {
                Inventory scratch = new Inventory();
                parse(
                        () -> Ec2InstancesParser.parse(
                                reservations(instances), label(source, INSTANCE), scratch, skipped),
                        source,
                        INSTANCE,
                        skipped);
                scratch.hosts().forEach(host -> inventory.add(linked(host, nodeByInstance)));
            }
            for (String kind : List.of(DOCKER_CONTAINER, DOCKER_IMAGE)) {
                List<Tracked> objects = ordered(store.objects(source, kind), wanted);
                if (!objects.isEmpty()) {
                    ArrayNode inspected =
                            kind.equals(DOCKER_CONTAINER) ? onHost(source, objects) : inspectArray(objects);
                    parse(
                            () -> DockerInspectParser.parse(inspected, label(source, kind), inventory, skipped),
                            source,
                            kind,
                            skipped);
                }
            }
            List<Tracked> instanceAliases = ordered(store.objects(source, ECS_CONTAINER_INSTANCE), wanted);
            if (!instanceAliases.isEmpty()) {
                parse(
                        () -> EcsTasksParser.parse(
                                describeContainerInstances(instanceAliases),
                                label(source, ECS_CONTAINER_INSTANCE),
                                inventory,
                                skipped),
                        source,
                        ECS_CONTAINER_INSTANCE,
                        skipped);
            }
            List<Tracked> tasks = ordered(store.objects(source, ECS_TASK), wanted);
            if (!tasks.isEmpty()) {
                parse(
                        () -> EcsTasksParser.parse(describeTasks(tasks), label(source, ECS_TASK), inventory, skipped),
                        source,
                        ECS_TASK,
                        skipped);
            }
            List<Tracked> ecrImages = ordered(store.objects(source, ECR_IMAGE), wanted);
            if (!ecrImages.isEmpty()) {
                parse(
                        () -> EcrImagesParser.parse(
                                batchGetImage(ecrImages), label(source, ECR_IMAGE), inventory, skipped),
                        source,
                        ECR_IMAGE,
                        skipped);
            }
            for (Tracked cluster : ordered(store.objects(source, CLUSTER), wanted)) {
                ObjectNode described = JSON.objectNode().set("cluster", cluster.object());
                parse(
                        () -> EksClusterParser.parse(described, label(source, CLUSTER), inventory, skipped),
                        source,
                        CLUSTER,
                        skipped);
            }
        }
        inventory.linkImages();
        return new InventorySnapshot(inventory, skipped);
    }

    /**
     * Lets each pod container be found by the ids it ran under before its restarts: the last id the
     * store saw is the current one, every earlier id a former one.
     */
    private static void addFormerIds(AssetStore store, String source, Predicate<Tracked> wanted, Inventory inventory) {
        for (Tracked pod : store.objects(source, "Pod")) {
            if (!wanted.test(pod)) {
                continue;
            }
            store.containerIds(source, pod.key()).values().forEach(ids -> {
                Optional<ContainerAsset> current = containerOf(inventory, ids.getLast());
                current.ifPresent(container -> ids.subList(0, ids.size() - 1)
                        .forEach(former -> formerId(former).ifPresent(id -> inventory.addFormerId(id, container))));
            });
        }
    }

    private static Optional<ContainerAsset> containerOf(Inventory inventory, String id) {
        return formerId(id).flatMap(parsed -> inventory.container(parsed.id()));
    }

    private static Optional<ContainerId> formerId(String id) {
        try {
            return Optional.of(ContainerId.parse(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The kubectl {@code List} of the given objects, as {@code kubectl get -o json} prints it. */
    public static ObjectNode kubectlList(List<Tracked> objects) {
        ObjectNode list = JSON.objectNode().put("apiVersion", "v1").put("kind", "List");
        ArrayNode items = list.putArray("items");
        objects.forEach(tracked -> items.add(tracked.object()));
        list.putObject("metadata").put("resourceVersion", "");
        return list;
    }

    /** {@code docker inspect} (or {@code docker image inspect}) output: an array of the objects. */
    public static ArrayNode inspectArray(List<Tracked> objects) {
        ArrayNode array = JSON.arrayNode();
        objects.forEach(tracked -> array.add(tracked.object()));
        return array;
    }

    /**
     * {@code docker inspect} output of a Docker host's containers, each with {@code Node.Name} set to
     * the host's registered name (the member Docker Swarm's standalone API used for the node a
     * container ran on), so the container's host is that host. An object that names its node keeps it.
     */
    public static ArrayNode onHost(String host, List<Tracked> containers) {
        requireNonNull(host, "host is null");
        // TODO: Node.IP is not set, so the host asset has no address: the registered daemon URL names
        // the API endpoint, not necessarily an address the host's sensors or peers see.
        ArrayNode array = JSON.arrayNode();
        for (Tracked tracked : containers) {
            ObjectNode container = tracked.object().deepCopy();
            if (!container.path("Node").path("Name").isTextual()) {
                container.putObject("Node").put("Name", host);
            }
            array.add(container);
        }
        return array;
    }

    /** {@code aws ec2 describe-instances} output holding the given instances in one reservation. */
    public static ObjectNode reservations(List<Tracked> instances) {
        ObjectNode root = JSON.objectNode();
        ArrayNode listed = root.putArray("Reservations").addObject().putArray("Instances");
        instances.forEach(tracked -> listed.add(tracked.object()));
        return root;
    }

    /** {@code aws ecs describe-tasks} output holding the given tasks. */
    public static ObjectNode describeTasks(List<Tracked> tasks) {
        ObjectNode root = JSON.objectNode();
        ArrayNode listed = root.putArray("tasks");
        tasks.forEach(tracked -> listed.add(tracked.object()));
        root.putArray("failures");
        return root;
    }

    /** {@code aws ecs describe-container-instances} output holding the given container instances. */
    public static ObjectNode describeContainerInstances(List<Tracked> instances) {
        ObjectNode root = JSON.objectNode();
        ArrayNode listed = root.putArray("containerInstances");
        instances.forEach(tracked -> listed.add(tracked.object()));
        root.putArray("failures");
        return root;
    }

    /**
     * {@code aws ecr batch-get-image} output for the given images: one entry per tag (one untagged
     * entry for an image without tags), as the CLI answers when asked by tag. Each entry also carries
     * the repository's {@code repositoryUri}, which the CLI's output lacks and the parser uses to
     * write tags as references.
     */
    public static ObjectNode batchGetImage(List<Tracked> images) {
        ObjectNode root = JSON.objectNode();
        ArrayNode listed = root.putArray("images");
        for (Tracked tracked : images) {
            var image = tracked.object();
            List<String> tags = new ArrayList<>();
            image.path("imageTags").forEach(tag -> tags.add(tag.asText()));
            if (tags.isEmpty()) {
                tags.add("");
            }
            for (String tag : tags) {
                ObjectNode entry = listed.addObject();
                for (String field : List.of("registryId", "repositoryName", "repositoryUri")) {
                    if (image.hasNonNull(field)) {
                        entry.set(field, image.get(field));
                    }
                }
                ObjectNode id = entry.putObject("imageId")
                        .put("imageDigest", image.path("imageDigest").asText());
                if (!tag.isEmpty()) {
                    id.put("imageTag", tag);
                }
                for (String field : List.of("imageManifestMediaType", "imageManifest")) {
                    if (image.hasNonNull(field)) {
                        entry.set(field, image.get(field));
                    }
                }
            }
        }
        root.putArray("failures");
        return root;
    }

    private static List<Tracked> ordered(List<Tracked> objects, Predicate<Tracked> wanted) {
        List<Tracked> ordered = new ArrayList<>(
                objects.stream().filter(wanted).filter(t -> !t.live()).toList());
        ordered.addAll(objects.stream().filter(wanted).filter(Tracked::live).toList());
        return ordered;
    }

    private static Map<String, String> nodesByInstance(Inventory inventory) {
        Map<String, String> nodes = new HashMap<>();
        inventory.hosts().forEach(host -> host.instanceId().ifPresent(id -> nodes.put(id, host.name())));
        return nodes;
    }

    private static Host linked(Host instance, Map<String, String> nodeByInstance) {
        Optional<String> node = instance.instanceId().map(nodeByInstance::get);
        if (node.isEmpty() || node.get().equals(instance.name())) {
            return instance;
        }
        return new Host(
                node.get(),
                instance.instanceId(),
                instance.providerId(),
                instance.cluster(),
                instance.addresses(),
                instance.source());
    }

    private static String label(String source, String kind) {
        return source + " " + kind;
    }

    private static void parse(Parse parse, String source, String kind, List<SkippedRecord> skipped) {
        try {
            parse.run();
        } catch (RecordException e) {
            // The parsers reject a whole document only when its shape is wrong, which the shapes
            // built here rule out; keep the reason rather than lose the source's other kinds.
            skipped.add(new SkippedRecord(label(source, kind), 0, e.getMessage() + "; " + kind + " objects skipped"));
        }
    }

    @FunctionalInterface
    private interface Parse {
        void run() throws RecordException;
    }
}
