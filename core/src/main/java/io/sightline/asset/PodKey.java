package io.sightline.asset;

import static java.util.Objects.requireNonNull;

/** A pod's Kubernetes name: namespace and pod name. */
public record PodKey(String namespace, String name) {

    public PodKey {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
