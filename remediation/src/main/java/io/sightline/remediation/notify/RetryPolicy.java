package io.sightline.remediation.notify;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Bounded retries with exponential backoff: attempt {@code n} (from 2) waits
 * {@code initialBackoff * multiplier^(n-2)}, capped at {@code maxBackoff}. Connection failures,
 * timeouts, 429 and 5xx answers are retried; any other 4xx is final (the receiver refused the
 * payload, and sending it again would not change that).
 */
public record RetryPolicy(
        int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff, Duration timeout) {

    public static final RetryPolicy DEFAULTS =
            new RetryPolicy(4, Duration.ofMillis(500), 2.0, Duration.ofSeconds(10), Duration.ofSeconds(10));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        requireNonNull(initialBackoff, "initialBackoff is null");
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
        }
        requireNonNull(maxBackoff, "maxBackoff is null");
        requireNonNull(timeout, "timeout is null");
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, multiplier, maxBackoff, timeout);
    }

    /** The wait before attempt {@code attempt} (2 or more). */
    public Duration backoffBefore(int attempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, attempt - 2);
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }

    static boolean retriable(int status) {
        return status == 429 || status >= 500;
    }
}
