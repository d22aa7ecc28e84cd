package io.sightline.engine;

import java.time.Instant;

/** Event times as the engine keeps them: nanoseconds since the epoch in a long, not an Instant. */
final class EventNanos {

    private static final long PER_SECOND = 1_000_000_000L;

    private EventNanos() {}

    static long of(Instant time) {
        return time.getEpochSecond() * PER_SECOND + time.getNano();
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, PER_SECOND), Math.floorMod(nanos, PER_SECOND));
    }
}
