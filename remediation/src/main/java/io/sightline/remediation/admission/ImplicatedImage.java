package io.sightline.remediation.admission;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** An image digest to keep out of the cluster, with the references and storyboards behind it. */
public record ImplicatedImage(String digest, List<String> references, List<String> storyboards) {

    public ImplicatedImage {
        requireNonNull(digest, "digest is null");
        references = List.copyOf(references);
        storyboards = List.copyOf(storyboards);
    }
}
