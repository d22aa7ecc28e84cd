package io.sightline.discovery;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every object discovered, kept per source: each registered cluster, account or Docker host is its
 * own scope, and nothing one source does touches another's objects.
 *
 * <p>Deletion is soft. An object is marked gone, with the time, when a watch reports its deletion
 * or when a <em>complete</em> list of its kind no longer holds it ({@link #replaceKind}); a list that
 * failed or stopped halfway is never passed here, so it sweeps nothing.
 *
 * <p>Thread-safe: informer threads write while readers take snapshots. Every operation is one hash
 * probe per object under the store's lock; a snapshot copies the scope it reads.
 */
public final class AssetStore {

    private static final String POD = "Pod";

    private final Clock clock;
    private final Map<String, Map<ObjectKey, Tracked>> scopes = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, ContainerHistory> histories = new LinkedHashMap<>();
    private final Map<String, Map<ObjectKey, Long>> changedAt = new LinkedHashMap<>();
    private long sequence;

    public AssetStore(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Records an object seen by a list or a watch: new, or a newer description of a known one. */
    public synchronized void upsert(String source, ObjectKey key, JsonNode object) {
        requireNonNull(key, "key is null");
        requireNonNull(object, "object is null");
        Instant now = clock.instant();
        Tracked tracked = scope(source)
                .merge(
                        key,
                        new Tracked(key, object, now, now, Optional.empty()),
                        (known, added) -> known.seenAgain(object, now));
        if (key.kind().equals(POD)) {
            histories.computeIfAbsent(source, s -> new ContainerHistory()).record(key, object);
        }
        changed(source, key);
        notify(source, tracked);
    }

    /** Marks an object gone after a watch reported its deletion; an unknown object is ignored. */
    public synchronized void markGone(String source, ObjectKey key) {
        requireNonNull(key, "key is null");
        Instant now = clock.instant();
        Tracked tracked = scope(source).computeIfPresent(key, (k, known) -> known.gone(now));
        if (tracked != null) {
            changed(source, key);
            notify(source, tracked);
        }
    }

    /**
     * The store's change sequence now: every upsert and every marking gone after this call has a
     * higher one. A relist takes it before it starts listing and hands it to
     * {@link #replaceKindListedAfter}.
     */
    public synchronized long mark() {
        return sequence;
    }

    /**
     * Applies a complete list of one kind that was started at {@code mark}, while watches may have
     * written the same kind meanwhile. An object changed after the mark (an informer's add, update or
     * delete) is newer than the list's copy and is left as the informer wrote it; every other listed
     * object is upserted, and every other live object the list does not hold is marked gone. So the
     * relist repairs what a watch missed and never undoes what a watch saw after the list began.
     */
    public synchronized void replaceKindListedAfter(
            String source, String kind, Map<ObjectKey, JsonNode> listed, long mark) {
        requireNonNull(kind, "kind is null");
        Map<ObjectKey, Long> changes = changedAt.getOrDefault(requireNonNull(source, "source is null"), Map.of());
        listed.forEach((key, object) -> {
            if (!key.kind().equals(kind)) {
                throw new IllegalArgumentException("list of kind " + kind + " holds " + key);
            }
            if (changes.getOrDefault(key, Long.MIN_VALUE) <= mark) {
                upsert(source, key, object);
            }
        });
        Instant now = clock.instant();
        for (Map.Entry<ObjectKey, Tracked> entry : scope(source).entrySet()) {
            Tracked known = entry.getValue();
            ObjectKey key = entry.getKey();
            if (known.live()
                    && key.kind().equals(kind)
                    && !listed.containsKey(key)
                    && changes.getOrDefault(key, Long.MIN_VALUE) <= mark) {
                entry.setValue(known.gone(now));
                changed(source, key);
                notify(source, entry.getValue());
            }
        }
    }

    /**
     * Applies a complete list of one kind: every listed object is upserted, and every live object of
     * that kind that the list does not hold is marked gone. Call it only when the list finished.
     */
    public synchronized void replaceKind(String source, String kind, Map<ObjectKey, JsonNode> listed) {
        requireNonNull(kind, "kind is null");
        listed.forEach((key, object) -> {
            if (!key.kind().equals(kind)) {
                throw new IllegalArgumentException("list of kind " + kind + " holds " + key);
            }
            upsert(source, key, object);
        });
        Instant now = clock.instant();
        for (Map.Entry<ObjectKey, Tracked> entry : scope(source).entrySet()) {
            Tracked known = entry.getValue();
            if (known.live() && entry.getKey().kind().equals(kind) && !listed.containsKey(entry.getKey())) {
                entry.setValue(known.gone(now));
                changed(source, entry.getKey());
                notify(source, entry.getValue());
            }
        }
    }

    /**
     * Registers a listener called after each change, on the thread that made it and under the
     * store's lock: it must be quick and must not call back into the store.
     */
    public void addListener(Listener listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /**
     * The runtime container ids every container of a pod has run under, by container name, oldest
     * first: the last id is the one the pod reported most recently. The ids come from every sight of
     * the pod (list or watch) and from kubelet's {@code lastState}, so they survive restarts that
     * kubelet itself no longer reports; a pod never seen has none.
     */
    public synchronized Map<String, List<String>> containerIds(String source, ObjectKey pod) {
        requireNonNull(pod, "pod is null");
        ContainerHistory history = histories.get(requireNonNull(source, "source is null"));
        return history == null ? Map.of() : history.ids(pod);
    }

    /** Every object of a source, live and gone, in the order first seen. */
    public synchronized List<Tracked> objects(String source) {
        return List.copyOf(scopes.getOrDefault(requireNonNull(source, "source is null"), Map.of())
                .values());
    }

    public synchronized List<Tracked> objects(String source, String kind) {
        return objects(source).stream().filter(t -> t.key().kind().equals(kind)).toList();
    }

    public synchronized Optional<Tracked> object(String source, ObjectKey key) {
        return Optional.ofNullable(scopes.getOrDefault(source, Map.of()).get(key));
    }

    public synchronized Set<String> sources() {
        return Set.copyOf(scopes.keySet());
    }

    /** Live objects per kind of one source, sorted by kind. */
    public synchronized Map<String, Integer> liveCounts(String source) {
        Map<String, Integer> counts = new TreeMap<>();
        objects(source).stream()
                .filter(Tracked::live)
                .forEach(t -> counts.merge(t.key().kind(), 1, Integer::sum));
        return counts;
    }

    /** Gone objects per kind of one source, sorted by kind. */
    public synchronized Map<String, Integer> goneCounts(String source) {
        Map<String, Integer> counts = new TreeMap<>();
        objects(source).stream()
                .filter(t -> !t.live())
                .forEach(t -> counts.merge(t.key().kind(), 1, Integer::sum));
        return counts;
    }

    /** Objects of one kind across every source, each with its source. */
    public synchronized List<Sourced> objectsOfKind(String kind) {
        List<Sourced> found = new ArrayList<>();
        scopes.forEach((source, objects) -> objects.values().stream()
                .filter(t -> t.key().kind().equals(kind))
                .forEach(t -> found.add(new Sourced(source, t))));
        return found;
    }

    private void changed(String source, ObjectKey key) {
        changedAt.computeIfAbsent(source, s -> new LinkedHashMap<>()).put(key, ++sequence);
    }

    private void notify(String source, Tracked tracked) {
        listeners.forEach(listener -> listener.changed(source, tracked));
    }

    private Map<ObjectKey, Tracked> scope(String source) {
        return scopes.computeIfAbsent(requireNonNull(source, "source is null"), s -> new LinkedHashMap<>());
    }

    /** A tracked object and the source that discovered it. */
    public record Sourced(String source, Tracked tracked) {

        public Sourced {
            requireNonNull(source, "source is null");
            requireNonNull(tracked, "tracked is null");
        }
    }

    /** Told of every object added, changed or marked gone. */
    @FunctionalInterface
    public interface Listener {

        void changed(String source, Tracked tracked);
    }
}
