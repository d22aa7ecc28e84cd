package io.sightline.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The runtime container ids each container of a pod has had, per pod and container name: the ids
 * seen in {@code status.containerStatuses} (init and ephemeral containers too) at every sight of
 * the pod, and the {@code lastState.terminated.containerID} kubelet keeps of the run before the
 * current one. A container that restarted keeps its earlier ids here after kubelet has forgotten
 * them, so events recorded before the restart still find their pod.
 *
 * <p>Not thread-safe: the {@link AssetStore} calls it under its lock. Cost: one pass over a pod's
 * container statuses per sight; memory: every id ever seen per container, bounded by
 * {@link #MAX_IDS_PER_CONTAINER}.
 */
final class ContainerHistory {

    /** Ids kept per container; a crash-looping container drops its oldest ids first. */
    static final int MAX_IDS_PER_CONTAINER = 32;

    private static final List<String> STATUS_FIELDS =
            List.of("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses");

    private final Map<ObjectKey, Map<String, LinkedHashSet<String>>> idsByPod = new HashMap<>();

    void record(ObjectKey pod, JsonNode object) {
        JsonNode status = object.path("status");
        for (String field : STATUS_FIELDS) {
            for (JsonNode container : status.path(field)) {
                String name = container.path("name").asText("");
                if (name.isEmpty()) {
                    continue;
                }
                text(container.path("lastState").path("terminated").path("containerID"))
                        .ifPresent(id -> add(pod, name, id));
                text(container.path("containerID")).ifPresent(id -> add(pod, name, id));
            }
        }
    }

    /** Every id seen per container name of the pod, oldest first; the current id is last. */
    Map<String, List<String>> ids(ObjectKey pod) {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        idsByPod.getOrDefault(pod, Map.of()).forEach((name, seen) -> ids.put(name, List.copyOf(seen)));
        return ids;
    }

    private void add(ObjectKey pod, String container, String id) {
        Set<String> seen = idsByPod.computeIfAbsent(pod, p -> new LinkedHashMap<>())
                .computeIfAbsent(container, c -> new LinkedHashSet<>());
        // Re-adding moves an id to the end, so the last id is the one seen most recently.
        seen.remove(id);
        seen.add(id);
        if (seen.size() > MAX_IDS_PER_CONTAINER) {
            List<String> oldest = new ArrayList<>(seen).subList(0, seen.size() - MAX_IDS_PER_CONTAINER);
            oldest.forEach(seen::remove);
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText()) : Optional.empty();
    }
}
