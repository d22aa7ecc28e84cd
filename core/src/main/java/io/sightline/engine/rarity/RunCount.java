package io.sightline.engine.rarity;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What one run of the engine saw of a pattern: how often, on which days (UTC, by event time, in
 * order), and when first and last. {@link Sightings#plus} merges it into history.
 */
public record RunCount(
        BehaviourPattern pattern, long count, List<LocalDate> days, Instant firstSeen, Instant lastSeen) {

    public RunCount {
        requireNonNull(pattern, "pattern is null");
        days = List.copyOf(days);
        requireNonNull(firstSeen, "firstSeen is null");
        requireNonNull(lastSeen, "lastSeen is null");
        if (count < 1 || days.isEmpty()) {
            throw new IllegalArgumentException(
                    "a run count needs a count and a day, got " + count + " and " + days + " for " + pattern);
        }
    }
}
