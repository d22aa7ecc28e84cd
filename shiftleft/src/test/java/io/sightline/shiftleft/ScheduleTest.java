package io.sightline.shiftleft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The schedule waits the rest of each period and stops after its iterations, with a clock the test moves. */
class ScheduleTest {

    /** A clock that a task advances: each run "takes" ten minutes. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void runsTheBoundedNumberOfTimesWaitingTheRestOfEachPeriod() throws Exception {
        MovingClock clock = new MovingClock();
        List<Integer> runs = new ArrayList<>();
        List<Duration> waits = new ArrayList<>();

        new Schedule(Duration.ofHours(1), OptionalInt.of(3))
                .run(
                        iteration -> {
                            runs.add(iteration);
                            clock.now = clock.now.plus(Duration.ofMinutes(10));
                        },
                        duration -> {
                            waits.add(duration);
                            clock.now = clock.now.plus(duration);
                        },
                        clock);

        assertThat(runs).containsExactly(1, 2, 3);
        assertThat(waits).containsExactly(Duration.ofMinutes(50), Duration.ofMinutes(50));
    }
}
