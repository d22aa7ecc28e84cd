package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.WorkloadRef;
import java.util.Locale;
import java.util.Optional;

/** A workload in its namespace, as a pod's owner chain names it, with the API paths of its kind. */
public record WorkloadKey(String namespace, WorkloadRef ref) {

    public WorkloadKey {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(ref, "ref is null");
    }

    /** The {@code apps/v1} resource of the kind, for the kinds that have a scale subresource. */
    public Optional<String> resource() {
        return switch (ref.kind()) {
            case "Deployment" -> Optional.of("deployments");
            case "StatefulSet" -> Optional.of("statefulsets");
            case "ReplicaSet" -> Optional.of("replicasets");
            default -> Optional.empty();
        };
    }

    public String kind() {
        return ref.kind();
    }

    public String name() {
        return ref.name();
    }

    public String path() {
        return "/apis/apps/v1/namespaces/" + namespace + "/"
                + resource().orElse(ref.kind().toLowerCase(Locale.ROOT) + "s") + "/" + ref.name();
    }

    /** As kubectl takes it: {@code deployment/orders-api}. */
    public String kubectlName() {
        return ref.kind().toLowerCase(Locale.ROOT) + "/" + ref.name();
    }

    @Override
    public String toString() {
        return namespace + "/" + ref;
    }
}
