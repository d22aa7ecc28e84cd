package io.sightline.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The Kubernetes cluster remediation acts on: a kubeconfig file and, optionally, one of its
 * contexts (its current context otherwise).
 */
public record ClusterTarget(Path kubeconfig, Optional<String> context) {

    public ClusterTarget {
        requireNonNull(kubeconfig, "kubeconfig is null");
        requireNonNull(context, "context is null");
    }
}
