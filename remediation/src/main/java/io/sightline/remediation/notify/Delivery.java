package io.sightline.remediation.notify;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/** The record of one notification: where it went, about what, and every attempt made. */
public record Delivery(String target, String kind, String subject, boolean delivered, List<Attempt> attempts) {

    public Delivery {
        requireNonNull(target, "target is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(subject, "subject is null");
        attempts = List.copyOf(attempts);
    }

    /** One try: when, the HTTP status if an answer came, the error otherwise, the wait before it. */
    public record Attempt(int number, Instant at, OptionalInt status, String error, Duration waitedBefore) {

        public Attempt {
            requireNonNull(at, "at is null");
            requireNonNull(status, "status is null");
            requireNonNull(error, "error is null");
            requireNonNull(waitedBefore, "waitedBefore is null");
        }
    }
}
