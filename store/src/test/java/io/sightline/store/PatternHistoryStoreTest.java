package io.sightline.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.engine.rarity.BehaviourPattern;
import io.sightline.engine.rarity.PatternHistory;
import io.sightline.engine.rarity.RunCount;
import io.sightline.engine.rarity.Sightings;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatternHistoryStoreTest {

    private static final BehaviourPattern STEP = new BehaviourPattern("host:ci-runner-1", "java>sh curl");
    private static final BehaviourPattern FETCH = new BehaviourPattern("ci/Deployment/runner", "java>git fetch");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void runsMergeIntoHistoryThatOutlivesTheStore(String kind) throws Exception {
        String url = TestStores.url(kind, dir);
        try (Database database = Database.open(url)) {
            PatternHistoryStore store = new PatternHistoryStore(database);
            assertThat(store.load().size()).isZero();
            store.merge(List.of(
                    run(
                            STEP,
                            3,
                            "2024-11-01T02:00:00Z",
                            "2024-11-03T02:00:00Z",
                            "2024-11-01",
                            "2024-11-02",
                            "2024-11-03"),
                    run(FETCH, 1, "2024-11-02T05:00:00Z", "2024-11-02T05:00:00Z", "2024-11-02")));
        }
        try (Database database = Database.open(url)) {
            PatternHistoryStore store = new PatternHistoryStore(database);
            // A second run that overlaps the first by one day (3 Nov) and adds two.
            store.merge(List.of(run(
                    STEP,
                    4,
                    "2024-11-03T02:00:00Z",
                    "2024-11-05T02:00:00Z",
                    "2024-11-03",
                    "2024-11-04",
                    "2024-11-05")));

            PatternHistory history = store.load();

            assertThat(history.size()).isEqualTo(2);
            assertThat(history.sightings(STEP))
                    .contains(new Sightings(
                            7, 5, Instant.parse("2024-11-01T02:00:00Z"), Instant.parse("2024-11-05T02:00:00Z")));
            assertThat(history.sightings(FETCH))
                    .contains(new Sightings(
                            1, 1, Instant.parse("2024-11-02T05:00:00Z"), Instant.parse("2024-11-02T05:00:00Z")));
            assertThat(history.watchedSince("host:ci-runner-1")).contains(Instant.parse("2024-11-01T02:00:00Z"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void serverMergesRememberTheLastLogEntryMerged(String kind) throws Exception {
        String url = TestStores.url(kind, dir);
        try (Database database = Database.open(url)) {
            PatternHistoryStore store = new PatternHistoryStore(database);
            assertThat(store.mergedThroughSeq()).isZero();
            store.merge(List.of(run(STEP, 1, "2024-11-01T02:00:00Z", "2024-11-01T02:00:00Z", "2024-11-01")), 40);
            store.merge(List.of(), 57);
        }
        try (Database database = Database.open(url)) {
            assertThat(new PatternHistoryStore(database).mergedThroughSeq()).isEqualTo(57);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aPatternTooLongForTheKeyIsSkippedAndCounted(String kind) throws Exception {
        try (Database database = Database.open(TestStores.url(kind, dir))) {
            PatternHistoryStore store = new PatternHistoryStore(database);
            BehaviourPattern huge = new BehaviourPattern("host:ci-runner-1", "sh>" + "x".repeat(600));

            int skipped = store.merge(List.of(
                    run(huge, 1, "2024-11-01T02:00:00Z", "2024-11-01T02:00:00Z", "2024-11-01"),
                    run(STEP, 1, "2024-11-01T02:00:00Z", "2024-11-01T02:00:00Z", "2024-11-01")));

            assertThat(skipped).isEqualTo(1);
            assertThat(store.load().size()).isEqualTo(1);
        }
    }

    private static RunCount run(BehaviourPattern pattern, long count, String first, String last, String... days) {
        return new RunCount(
                pattern,
                count,
                java.util.Arrays.stream(days).map(LocalDate::parse).toList(),
                Instant.parse(first),
                Instant.parse(last));
    }
}
