package io.sightline.discovery.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.WorkloadRef;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.Tracked;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Follows an object's controller references through the objects discovered in the same source:
 * Pod → ReplicaSet → Deployment, Pod → Job → CronJob, Pod → DaemonSet or StatefulSet. Unlike the
 * file parsers, which can only guess a Deployment from the {@code pod-template-hash} label, this
 * reads each owner object; the chain ends at an owner that has no controller or that the source did
 * not list (it is still named, from the reference).
 */
public final class OwnerChains {

    /** Owner chains in Kubernetes are two levels deep; the bound guards against reference cycles. */
    private static final int MAX_DEPTH = 8;

    private OwnerChains() {}

    /** The controllers of {@code object}, nearest first; empty for an object nobody controls. */
    public static List<WorkloadRef> of(AssetStore store, String source, Tracked object) {
        List<WorkloadRef> chain = new ArrayList<>();
        Optional<JsonNode> current = Optional.of(object.object());
        String namespace = object.key().namespace();
        while (current.isPresent() && chain.size() < MAX_DEPTH) {
            Optional<JsonNode> owner = controller(current.get());
            if (owner.isEmpty()) {
                break;
            }
            WorkloadRef ref = new WorkloadRef(
                    owner.get().path("kind").asText(), owner.get().path("name").asText());
            chain.add(ref);
            current = store.object(source, new ObjectKey(ref.kind(), namespace, ref.name()))
                    .map(Tracked::object);
        }
        return List.copyOf(chain);
    }

    private static Optional<JsonNode> controller(JsonNode object) {
        for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
            if (owner.path("controller").asBoolean(false)
                    && owner.path("kind").isTextual()
                    && owner.path("name").isTextual()) {
                return Optional.of(owner);
            }
        }
        return Optional.empty();
    }
}
