package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code aws ecs describe-tasks} output ({@code {"tasks": [...]}}) into {@link ContainerAsset}s,
 * one per task container, and {@code aws ecs describe-container-instances} output
 * ({@code {"containerInstances": [...]}}) into aliases that name each container instance's EC2
 * instance.
 *
 * <p>A container's id is its {@code runtimeId}. On EC2 container instances the ECS agent runs
 * containers through Docker, and the id is Docker's 64-hex id (kept with the scheme {@code docker});
 * on Fargate it is {@code <32-hex task id>-<n>}, kept as it is with no scheme. Its repo digest is
 * {@code imageDigest}, the manifest digest the image reference resolved to when the task started. A
 * task on EC2 names its host by {@code containerInstanceArn}; {@link Inventory#linkImages()} turns
 * that into the host of the EC2 instance once both files are read, in either order.
 */
public final class EcsTasksParser {

    private static final String EXPECTED = "expected aws ecs describe-tasks output ({\"tasks\": [...]}) or"
            + " aws ecs describe-container-instances output ({\"containerInstances\": [...]}), got ";

    private EcsTasksParser() {}

    public static boolean accepts(JsonNode root) {
        return rejection(root).isEmpty();
    }

    public static void parse(JsonNode root, String file, Inventory into, List<SkippedRecord> skipped)
            throws RecordException {
        Optional<String> rejection = rejection(root);
        if (rejection.isPresent()) {
            throw new RecordException(rejection.get());
        }
        SkippingReader reader = new SkippingReader(file, skipped);
        JsonNode instances = root.path("containerInstances");
        for (int i = 0; i < instances.size(); i++) {
            JsonNode instance = instances.get(i);
            ItemLabel label = new ItemLabel(
                    "containerInstances[" + i + "]",
                    "container instance",
                    Fields.text(instance, "containerInstanceArn"));
            reader.read(
                    label,
                    instance,
                    item -> into.addInstanceAlias(
                            Fields.requiredText(item, "containerInstanceArn"),
                            Fields.requiredText(item, "ec2InstanceId")));
        }
        JsonNode tasks = root.path("tasks");
        for (int t = 0; t < tasks.size(); t++) {
            JsonNode task = tasks.get(t);
            JsonNode containers = task.path("containers");
            for (int c = 0; c < containers.size(); c++) {
                JsonNode container = containers.get(c);
                ItemLabel label = new ItemLabel(
                        "tasks[" + t + "].containers[" + c + "]",
                        "container",
                        Fields.text(container, "name")
                                .map(name -> Fields.text(task, "taskArn")
                                        .map(arn -> arn + " " + name)
                                        .orElse(name)));
                reader.read(label, container, item -> into.add(container(task, item)));
            }
        }
    }

    static Optional<String> rejection(JsonNode root) {
        if (!root.isObject()) {
            return Optional.of(EXPECTED + Documents.describe(root));
        }
        Optional<String> placebo = Documents.placeboHint(root);
        if (placebo.isPresent()) {
            return Optional.of(EXPECTED + placebo.get());
        }
        if (root.path("containerInstances").isArray()) {
            return Optional.empty();
        }
        JsonNode tasks = root.path("tasks");
        if (!tasks.isArray()) {
            return Optional.of(EXPECTED + Documents.describe(root));
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (!tasks.get(i).has("taskArn")) {
                return Optional.of(EXPECTED + "tasks[" + i + "] as " + Documents.describe(tasks.get(i))
                        + " (an ECS task has a taskArn)");
            }
        }
        return Optional.empty();
    }

    private static ContainerAsset container(JsonNode task, JsonNode container) throws RecordException {
        Optional<String> runtimeId = Fields.text(container, "runtimeId");
        if (runtimeId.isEmpty()) {
            // Pending containers have none yet, and agents before 1.20 never reported it.
            throw new RecordException("no runtimeId: the container has not started, or its agent does not report one");
        }
        ContainerId id = containerId(runtimeId.get());
        String reference = Fields.requiredText(container, "image");
        ImageRef image;
        try {
            image = ImageRef.parse(reference);
        } catch (IllegalArgumentException e) {
            throw RecordException.invalid("image", "an image reference", reference);
        }
        return new ContainerAsset(
                id,
                Fields.requiredText(container, "name"),
                Fields.text(task, "containerInstanceArn"),
                Optional.empty(),
                image,
                Fields.text(container, "imageDigest").flatMap(Digests::digest).or(image::digest),
                Optional.empty(),
                false,
                false);
    }

    private static ContainerId containerId(String runtimeId) throws RecordException {
        ContainerId id;
        try {
            id = ContainerId.parse(runtimeId);
        } catch (IllegalArgumentException e) {
            throw RecordException.invalid("runtimeId", "a Docker id or <task id>-<n>", runtimeId);
        }
        return id.isHex() && id.isFull() ? new ContainerId(Optional.of("docker"), id.id()) : id;
    }
}
