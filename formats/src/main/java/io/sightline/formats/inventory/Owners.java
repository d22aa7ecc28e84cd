package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.WorkloadRef;
import io.sightline.formats.Fields;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Resolves the workload that owns a pod from its {@code ownerReferences} alone, without the
 * ReplicaSet objects: the Deployment controller names each ReplicaSet
 * {@code <deployment>-<pod-template-hash>} and copies that hash into the pod's labels.
 */
final class Owners {

    private static final String TEMPLATE_HASH = "pod-template-hash";

    private Owners() {}

    static Optional<WorkloadRef> workloadOf(JsonNode pod) {
        return controller(pod).map(owner -> resolve(pod, owner));
    }

    private static Optional<JsonNode> controller(JsonNode pod) {
        JsonNode owners = Fields.at(pod, "metadata.ownerReferences");
        if (!owners.isArray() || owners.isEmpty()) {
            return Optional.empty();
        }
        return StreamSupport.stream(owners.spliterator(), false)
                .filter(owner -> owner.path("controller").asBoolean(false))
                .findFirst()
                .or(() -> Optional.of(owners.get(0)))
                .filter(owner -> Fields.text(owner, "kind").isPresent()
                        && Fields.text(owner, "name").isPresent());
    }

    private static WorkloadRef resolve(JsonNode pod, JsonNode owner) {
        String kind = owner.path("kind").asText();
        String name = owner.path("name").asText();
        if (kind.equals("ReplicaSet")) {
            Optional<String> hash = KubeObjects.label(pod, TEMPLATE_HASH);
            if (hash.isPresent() && name.endsWith("-" + hash.get())) {
                return new WorkloadRef(
                        "Deployment",
                        name.substring(0, name.length() - hash.get().length() - 1));
            }
        }
        return new WorkloadRef(kind, name);
    }
}
