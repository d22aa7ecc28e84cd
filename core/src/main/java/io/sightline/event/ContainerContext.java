package io.sightline.event;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.ContainerId;
import io.sightline.asset.PodKey;
import java.util.Optional;

/**
 * What a sensor said about the container a process ran in. Sensors differ in how much they know;
 * the engine fills the rest from the inventory by container id.
 */
public record ContainerContext(
        ContainerId id,
        Optional<String> name,
        Optional<PodKey> pod,
        Optional<String> image,
        Optional<String> imageDigest) {

    public ContainerContext {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(pod, "pod is null");
        requireNonNull(image, "image is null");
        requireNonNull(imageDigest, "imageDigest is null");
    }

    public static ContainerContext of(ContainerId id) {
        return new ContainerContext(id, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
