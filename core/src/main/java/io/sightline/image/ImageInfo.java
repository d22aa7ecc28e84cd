package io.sightline.image;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What an image store knows of one image: its config digest (Docker's image id), the repo
 * digests it was pulled by, and the tags that point at it. For a multi-platform image (an OCI
 * image index or Docker manifest list) {@code repoDigests} holds the index digest and each platform
 * manifest's digest: a scanner reports the platform digest it pulled, a runtime the index digest.
 */
public record ImageInfo(Optional<String> configDigest, List<String> repoDigests, List<ImageRef> refs) {

    public ImageInfo {
        requireNonNull(configDigest, "configDigest is null");
        repoDigests = List.copyOf(repoDigests);
        refs = List.copyOf(refs);
    }
}
