package io.sightline.discovery;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One discovered object as its source last described it, with when it was first and last seen.
 * An object the source no longer lists is kept, marked gone since the sync or watch event that
 * missed it, so events from before its deletion still find it.
 *
 * @param object the object as the API returned it (Kubernetes JSON, or an AWS response member in the
 *     AWS CLI's member names)
 */
public record Tracked(
        ObjectKey key, JsonNode object, Instant firstSeen, Instant lastSeen, Optional<Instant> goneSince) {

    public Tracked {
        requireNonNull(key, "key is null");
        requireNonNull(object, "object is null");
        requireNonNull(firstSeen, "firstSeen is null");
        requireNonNull(lastSeen, "lastSeen is null");
        requireNonNull(goneSince, "goneSince is null");
    }

    public boolean live() {
        return goneSince.isEmpty();
    }

    Tracked seenAgain(JsonNode latest, Instant now) {
        return new Tracked(key, latest, firstSeen, now, Optional.empty());
    }

    Tracked gone(Instant now) {
        return live() ? new Tracked(key, object, firstSeen, lastSeen, Optional.of(now)) : this;
    }
}
