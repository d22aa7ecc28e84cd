package io.sightline.engine.rarity;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The sightings of patterns in earlier runs, as the caller loaded them (the store does): a
 * read-only view the engine is given when it is built. It also says how long each scope has been
 * watched (its earliest first sighting), so that a pattern never seen in a scope watched for
 * weeks can be told from one never seen in a workload deployed today.
 *
 * <p>Immutable and thread safe. Memory: the map it is given, and one entry per scope.
 */
public final class PatternHistory {

    public static final PatternHistory EMPTY = new PatternHistory(Map.of());

    private final Map<BehaviourPattern, Sightings> sightings;
    private final Map<String, Instant> watchedSince;

    private PatternHistory(Map<BehaviourPattern, Sightings> sightings) {
        this.sightings = Map.copyOf(sightings);
        Map<String, Instant> since = new HashMap<>();
        this.sightings.forEach(
                (pattern, seen) -> since.merge(pattern.scope(), seen.firstSeen(), (a, b) -> a.isBefore(b) ? a : b));
        this.watchedSince = Map.copyOf(since);
    }

    public static PatternHistory of(Map<BehaviourPattern, Sightings> sightings) {
        requireNonNull(sightings, "sightings is null");
        return sightings.isEmpty() ? EMPTY : new PatternHistory(sightings);
    }

    public Optional<Sightings> sightings(BehaviourPattern pattern) {
        return Optional.ofNullable(sightings.get(requireNonNull(pattern, "pattern is null")));
    }

    /** The first sighting of any pattern in this scope; empty for a scope history never saw. */
    public Optional<Instant> watchedSince(String scope) {
        return Optional.ofNullable(watchedSince.get(requireNonNull(scope, "scope is null")));
    }

    public int size() {
        return sightings.size();
    }
}
