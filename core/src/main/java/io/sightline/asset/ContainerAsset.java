package io.sightline.asset;

import static java.util.Objects.requireNonNull;

import io.sightline.image.ImageRef;
import java.util.Optional;

/**
 * A running (or recently running) container. {@code imageDigest} is the repo (manifest) digest
 * that kubelet reports as {@code imageID} and Docker as {@code RepoDigests}; {@code configDigest}
 * is the image id, a different value that scanners also report. Either may be unknown.
 */
public record ContainerAsset(
        ContainerId id,
        String name,
        Optional<String> host,
        Optional<PodKey> pod,
        ImageRef image,
        Optional<String> imageDigest,
        Optional<String> configDigest,
        boolean initContainer,
        boolean privileged) {

    public ContainerAsset {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(host, "host is null");
        requireNonNull(pod, "pod is null");
        requireNonNull(image, "image is null");
        requireNonNull(imageDigest, "imageDigest is null");
        requireNonNull(configDigest, "configDigest is null");
    }
}
