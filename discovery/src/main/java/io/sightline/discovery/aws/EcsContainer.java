package io.sightline.discovery.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.Tracked;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A container of an ECS task as DescribeTasks reported it.
 *
 * @param runtimeId the runtime's id of the container: the Docker or containerd 64-hex id on EC2
 *     container instances, {@code <task id>-<n>} on Fargate
 * @param imageDigest the manifest digest the image reference resolved to when the task started
 */
public record EcsContainer(
        String clusterArn,
        String taskArn,
        String name,
        Optional<String> image,
        Optional<String> imageDigest,
        Optional<String> runtimeId,
        Optional<String> lastStatus,
        Optional<String> containerInstanceArn) {

    public EcsContainer {
        requireNonNull(clusterArn, "clusterArn is null");
        requireNonNull(taskArn, "taskArn is null");
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        requireNonNull(imageDigest, "imageDigest is null");
        requireNonNull(runtimeId, "runtimeId is null");
        requireNonNull(lastStatus, "lastStatus is null");
        requireNonNull(containerInstanceArn, "containerInstanceArn is null");
    }

    /** The containers of every live ECS task a source holds, in the order the tasks were first seen. */
    public static List<EcsContainer> of(AssetStore store, String source) {
        List<EcsContainer> containers = new ArrayList<>();
        for (Tracked task : store.objects(source, AwsSource.ECS_TASK)) {
            if (!task.live()) {
                continue;
            }
            JsonNode object = task.object();
            for (JsonNode container : object.path("containers")) {
                containers.add(new EcsContainer(
                        object.path("clusterArn").asText(""),
                        object.path("taskArn").asText(""),
                        container.path("name").asText(""),
                        text(container, "image"),
                        text(container, "imageDigest"),
                        text(container, "runtimeId"),
                        text(container, "lastStatus"),
                        text(object, "containerInstanceArn")));
            }
        }
        return containers;
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
