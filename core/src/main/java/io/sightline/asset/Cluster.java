package io.sightline.asset;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A managed Kubernetes cluster (EKS first). */
public record Cluster(String name, Optional<String> arn, Optional<String> endpoint, Optional<String> version) {

    public Cluster {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(version, "version is null");
    }
}
