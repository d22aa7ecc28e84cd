package io.sightline.storyboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import io.sightline.storyboard.StoryboardChange.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoryboardChangesTest {

    private static final Instant T0 = Instant.parse("2026-11-14T09:00:00Z");
    private static final Instant T1 = T0.plusSeconds(86_400);

    private final StoryboardChanges changes = new StoryboardChanges();

    @Test
    void firstSnapshotCreatesEveryStoryboard() {
        List<StoryboardChange> first = changes.next(List.of(board("sb-1", Severity.HIGH, 1, 2)));

        assertThat(first)
                .containsExactly(
                        new StoryboardChange(Type.CREATED, "sb-1", Severity.HIGH, 2, Optional.empty(), List.of()));
    }

    @Test
    void unchangedSnapshotSaysNothing() {
        changes.next(List.of(board("sb-1", Severity.HIGH, 1, 2)));

        assertThat(changes.next(List.of(board("sb-1", Severity.HIGH, 1, 2)))).isEmpty();
    }

    @Test
    void moreEvidenceIsGrowthAndAnotherSeverityIsReportedWithTheOldOne() {
        changes.next(List.of(board("sb-1", Severity.MEDIUM, 1, 2)));

        List<StoryboardChange> next = changes.next(List.of(board("sb-1", Severity.CRITICAL, 1, 5)));

        assertThat(next)
                .containsExactly(
                        new StoryboardChange(Type.GREW, "sb-1", Severity.CRITICAL, 5, Optional.empty(), List.of()),
                        new StoryboardChange(
                                Type.SEVERITY_CHANGED,
                                "sb-1",
                                Severity.CRITICAL,
                                5,
                                Optional.of(Severity.MEDIUM),
                                List.of()));
    }

    @Test
    void aLaterLastRecordIsGrowthEvenWithFewerRecordsKept() {
        changes.next(List.of(board("sb-1", Severity.INFO, 1, 40)));
        Storyboard later = board("sb-1", Severity.INFO, T0.plusSeconds(60), 1, 32);

        assertThat(changes.next(List.of(later)))
                .containsExactly(
                        new StoryboardChange(Type.GREW, "sb-1", Severity.INFO, 32, Optional.empty(), List.of()));
    }

    @Test
    void vanishedStoryboardWhoseFirstRecordIsNowInAnotherWasMergedIntoIt() {
        changes.next(List.of(board("sb-1", Severity.HIGH, 1, 3), board("sb-2", Severity.HIGH, 10, 12)));

        Storyboard joined = board("sb-1", Severity.HIGH, 1, 3, 10, 11, 12);
        List<StoryboardChange> next = changes.next(List.of(joined, board("sb-3", Severity.LOW, 20, 20)));

        assertThat(next)
                .containsExactly(
                        new StoryboardChange(Type.MERGED, "sb-1", Severity.HIGH, 6, Optional.empty(), List.of("sb-2")),
                        new StoryboardChange(Type.CREATED, "sb-3", Severity.LOW, 1, Optional.empty(), List.of()));
    }

    @Test
    void aStoryboardThatClosedIsClosedNotMergedNorGoneAndReopeningIsNotGrowth() {
        changes.next(List.of(board("sb-1", Severity.HIGH, 1, 3), board("sb-2", Severity.LOW, 10, 12)));

        // sb-2 closes while sb-1 grows to hold sb-2's first record: still a close, not a merge.
        List<StoryboardChange> closing = changes.next(List.of(
                board("sb-1", Severity.HIGH, 1, 3, 10),
                board("sb-2", Severity.LOW, 10, 12).withClosedAt(T1)));
        List<StoryboardChange> quiet = changes.next(List.of(
                board("sb-1", Severity.HIGH, 1, 3, 10),
                board("sb-2", Severity.LOW, 10, 12).withClosedAt(T1)));
        List<StoryboardChange> reopening =
                changes.next(List.of(board("sb-1", Severity.HIGH, 1, 3, 10), board("sb-2", Severity.MEDIUM, 10, 14)));

        assertThat(closing)
                .containsExactly(
                        new StoryboardChange(Type.GREW, "sb-1", Severity.HIGH, 4, Optional.empty(), List.of()),
                        new StoryboardChange(Type.CLOSED, "sb-2", Severity.LOW, 3, Optional.empty(), List.of()));
        assertThat(quiet).isEmpty();
        assertThat(reopening)
                .containsExactly(
                        new StoryboardChange(Type.REOPENED, "sb-2", Severity.MEDIUM, 5, Optional.empty(), List.of()),
                        new StoryboardChange(
                                Type.SEVERITY_CHANGED,
                                "sb-2",
                                Severity.MEDIUM,
                                5,
                                Optional.of(Severity.LOW),
                                List.of()));
    }

    @Test
    void aStoryboardCreatedAndClosedBetweenTwoSnapshotsIsReportedAsBoth() {
        List<StoryboardChange> first =
                changes.next(List.of(board("sb-1", Severity.HIGH, 1, 2).withClosedAt(T1)));

        assertThat(first).extracting(StoryboardChange::type).containsExactly(Type.CREATED, Type.CLOSED);
    }

    /** A storyboard whose evidence is lines {@code from..to} (and any {@code more}) of one file. */
    private static Storyboard board(String id, Severity severity, int from, int to, int... more) {
        return board(id, severity, T0, from, to, more);
    }

    private static Storyboard board(String id, Severity severity, Instant lastSeen, int from, int to, int... more) {
        List<SourceRecord> records = new ArrayList<>();
        for (int line = from; line <= to; line++) {
            records.add(new SourceRecord("telemetry/tetragon.json", line));
        }
        for (int line : more) {
            records.add(new SourceRecord("telemetry/tetragon.json", line));
        }
        return new Storyboard(
                id, severity, List.of(), T0, lastSeen, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), records);
    }
}
