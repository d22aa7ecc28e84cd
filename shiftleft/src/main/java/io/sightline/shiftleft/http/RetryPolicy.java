package io.sightline.shiftleft.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How often and how long a connector retries a request the server asked it to repeat (HTTP 429
 * or 503, or a 502/504 from a gateway). A {@code Retry-After} header is honoured as given; without
 * one the wait starts at {@code firstBackoff} and doubles. A server asking for a wait longer than
 * {@code maxWait} is not waited for: the request fails at once, saying so.
 */
public record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxWait) {

    public static final RetryPolicy DEFAULTS = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofMinutes(2));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        requireNonNull(firstBackoff, "firstBackoff is null");
        requireNonNull(maxWait, "maxWait is null");
    }

    Duration backoff(int attempt) {
        return firstBackoff.multipliedBy(1L << Math.min(attempt - 1, 16));
    }
}
