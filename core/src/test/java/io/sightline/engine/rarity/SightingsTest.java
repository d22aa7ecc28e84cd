package io.sightline.engine.rarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SightingsTest {

    private static final BehaviourPattern STEP = new BehaviourPattern("host:ci-runner-1", "java>sh curl");

    @Test
    void aRunAddsTheDaysOutsideWhatHistorySpans() {
        Sightings history =
                new Sightings(6, 3, Instant.parse("2024-11-01T08:00:00Z"), Instant.parse("2024-11-03T08:00:00Z"));
        RunCount run = new RunCount(
                STEP,
                4,
                List.of(LocalDate.parse("2024-11-02"), LocalDate.parse("2024-11-04"), LocalDate.parse("2024-11-05")),
                Instant.parse("2024-11-02T08:00:00Z"),
                Instant.parse("2024-11-05T08:00:00Z"));

        Sightings merged = history.plus(run);

        // 2 Nov lies within 1 to 3 Nov and may have been counted: only 4 and 5 Nov are new.
        assertThat(merged)
                .isEqualTo(new Sightings(
                        10, 5, Instant.parse("2024-11-01T08:00:00Z"), Instant.parse("2024-11-05T08:00:00Z")));
        // The same run merged again adds its count but no day.
        assertThat(merged.plus(run).days()).isEqualTo(5);
        assertThat(merged.plus(run).count()).isEqualTo(14);
    }

    @Test
    void aRunBeforeHistoryAddsItsDaysAndMovesFirstSeen() {
        Sightings history =
                new Sightings(1, 1, Instant.parse("2024-11-10T08:00:00Z"), Instant.parse("2024-11-10T08:00:00Z"));
        RunCount earlier = new RunCount(
                STEP,
                2,
                List.of(LocalDate.parse("2024-11-08"), LocalDate.parse("2024-11-09")),
                Instant.parse("2024-11-08T23:59:00Z"),
                Instant.parse("2024-11-09T00:01:00Z"));

        assertThat(history.plus(earlier))
                .isEqualTo(new Sightings(
                        3, 3, Instant.parse("2024-11-08T23:59:00Z"), Instant.parse("2024-11-10T08:00:00Z")));
    }

    @Test
    void historyKnowsHowLongEachScopeWasWatched() {
        PatternHistory history = PatternHistory.of(java.util.Map.of(
                STEP,
                new Sightings(2, 2, Instant.parse("2024-11-05T00:00:00Z"), Instant.parse("2024-11-06T00:00:00Z")),
                new BehaviourPattern("host:ci-runner-1", "java>git fetch"),
                new Sightings(9, 9, Instant.parse("2024-10-01T00:00:00Z"), Instant.parse("2024-11-06T00:00:00Z"))));

        assertThat(history.watchedSince("host:ci-runner-1")).contains(Instant.parse("2024-10-01T00:00:00Z"));
        assertThat(history.watchedSince("host:ci-runner-2")).isEmpty();
        assertThat(history.sightings(new BehaviourPattern("host:ci-runner-2", "java>sh curl")))
                .isEmpty();
    }

    @Test
    void defaultsArePinned() {
        assertThat(RarityConfig.DEFAULTS).isEqualTo(new RarityConfig(7, Duration.ofDays(14), 10_000));
        assertThat(io.sightline.engine.EngineConfig.DEFAULTS.rarity()).isEqualTo(RarityConfig.DEFAULTS);
        assertThat(io.sightline.engine.EngineConfig.DEFAULTS.commonPattern()).isEqualTo(5);
    }

    @Test
    void aRoutineWindowOfOneDayIsRefused() {
        assertThatThrownBy(() -> new RarityConfig(1, Duration.ofDays(14), 10_000))
                .hasMessage("routineDays must be 2 or more, got 1");
    }
}
