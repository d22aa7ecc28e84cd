package io.sightline.asset;

import static java.util.Objects.requireNonNull;

/** The controller that owns a pod, resolved up its owner chain (ReplicaSet to Deployment). */
public record WorkloadRef(String kind, String name) {

    public WorkloadRef {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
    }

    @Override
    public String toString() {
        return kind + "/" + name;
    }
}
