package io.sightline.shiftleft;

import static java.util.Objects.requireNonNull;

import io.sightline.shiftleft.http.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;

/**
 * Runs a task every {@code every}, measured from the start of one run to the start of the next
 * (a run longer than the period starts the next at once), {@code iterations} times or, when
 * empty, until interrupted.
 */
public record Schedule(Duration every, OptionalInt iterations) {

    /** One run of the scheduled task. */
    @FunctionalInterface
    public interface Task {
        void run(int iteration) throws InterruptedException;
    }

    public Schedule {
        requireNonNull(every, "every is null");
        if (every.isNegative()) {
            throw new IllegalArgumentException("--every must not be negative, got " + every);
        }
        requireNonNull(iterations, "iterations is null");
        if (iterations.isPresent() && iterations.getAsInt() < 1) {
            throw new IllegalArgumentException("--iterations must be at least 1, got " + iterations.getAsInt());
        }
    }

    public void run(Task task, Sleeper sleeper, Clock clock) throws InterruptedException {
        for (int iteration = 1; iterations.isEmpty() || iteration <= iterations.getAsInt(); iteration++) {
            Instant started = clock.instant();
            task.run(iteration);
            if (iterations.isPresent() && iteration == iterations.getAsInt()) {
                return;
            }
            Duration left = every.minus(Duration.between(started, clock.instant()));
            if (!left.isNegative() && !left.isZero()) {
                sleeper.sleep(left);
            }
        }
    }
}
