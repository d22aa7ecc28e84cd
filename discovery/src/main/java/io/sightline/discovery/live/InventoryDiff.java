package io.sightline.discovery.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.Tracked;
import io.sightline.discovery.live.InventoryChange.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changed in the live objects of a store since the last look. A relist upserts every object
 * it lists, changed or not, so changes are found by comparing each live object with the copy seen
 * last time, not by counting the store's notifications.
 *
 * <p>Cost: one pass and one deep comparison per live object per call; memory: a reference to each
 * live object's JSON. Not thread-safe: one caller at a time.
 */
final class InventoryDiff {

    private record Id(String source, ObjectKey key) {}

    private Map<Id, JsonNode> seen = Map.of();

    /** The changes since the previous call, by source in the store's order; the first call sees every object as added. */
    List<InventoryChange> next(AssetStore store) {
        Map<Id, JsonNode> now = new HashMap<>();
        List<InventoryChange> changes = new ArrayList<>();
        for (String source : store.sources().stream().sorted().toList()) {
            for (Tracked tracked : store.objects(source)) {
                if (!tracked.live()) {
                    continue;
                }
                Id id = new Id(source, tracked.key());
                now.put(id, tracked.object());
                JsonNode before = seen.get(id);
                if (before == null) {
                    changes.add(new InventoryChange(source, tracked.key(), Kind.ADDED));
                } else if (!Objects.equals(before, tracked.object())) {
                    changes.add(new InventoryChange(source, tracked.key(), Kind.CHANGED));
                }
            }
        }
        seen.keySet().stream()
                .filter(id -> !now.containsKey(id))
                .sorted(Comparator.comparing(Id::source)
                        .thenComparing(id -> id.key().toString()))
                .forEach(id -> changes.add(new InventoryChange(id.source(), id.key(), Kind.GONE)));
        seen = now;
        return changes;
    }
}
