package io.sightline.engine;

import static io.sightline.engine.Events.container;
import static io.sightline.engine.Events.process;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.Inventory;
import io.sightline.event.ContainerContext;
import io.sightline.event.ProcessRef;
import io.sightline.storyboard.Storyboard;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A web server that compresses its log through a shell once a minute: every run joins the
 * server's storyboard, and a run that did nothing else folds into the first once its exit is
 * behind the retention (5 minutes). What a run shows must survive folding: its own binary's path
 * when it ran from a dropped location, and what it did later.
 */
class RepeatFoldingStoriesTest {

    private static final String NODE = "node-1";
    private static final Optional<ContainerContext> WEB = container("cccc", "shop", "storefront-1");
    private static final String GZIP = "-c \"gzip -c /var/log/app.log\"";

    private final Events events = new Events();
    private final StoryboardEngine engine =
            new StoryboardEngine(new Inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);
    private final ProcessRef gunicorn =
            process(NODE, 100, -3600, "/usr/local/bin/gunicorn", "app:server -b 0.0.0.0:8000", WEB);

    @Test
    void runsThatDidNothingElseFoldIntoTheFirstOnceTheRetentionIsBehindThem() {
        engine.accept(events.accept(gunicorn, 0, "10.0.1.5:8000", "10.0.0.9:41000"));
        compressOncePerMinute(40);
        keepServing(2400, 3000);

        Storyboard server = engine.storyboards().getFirst();

        // At 3000 s the retention reaches back to 2700 s: all 40 runs (the last exits at 2341 s)
        // are behind it. The first keeps its exec and exit and 30 records of the 39 folded runs
        // (32 in all); the other 48 of the 80 records leave the storyboard.
        List<Storyboard.GraphNode> shells = shells(server);
        assertThat(shells).singleElement().satisfies(shell -> {
            assertThat(shell.label()).isEqualTo("sh " + GZIP + " (40 times)");
            assertThat(shell.records()).hasSize(StoryboardEngine.FOLDED_EVIDENCE);
        });
        assertThat(server.records()).hasSize(StoryboardEngine.FOLDED_EVIDENCE);
        assertThat(server.trail())
                .extracting(Storyboard.TrailStep::text)
                .contains("gunicorn (serving requests) spawns sh " + GZIP + " (40 times)");
        assertThat(engine.foldedProcesses()).isEqualTo(39);
    }

    @Test
    void aTrailThatFoldsAllDayHoldsItsFoldedRunsOnlyUntilTheyAreAsManyAsItsLiveMembers() {
        engine.accept(events.accept(gunicorn, 0, "10.0.1.5:8000", "10.0.0.9:41000"));
        compressOncePerMinute(2000);

        // No storyboard is built, so nothing reads the members. At the last record (run 1999's
        // exit, 119,941 s) the retention reaches back to 119,641 s: runs 1 to 1993 (run i exits
        // at 60 i + 1 s) folded into run 0, runs 1994 to 1999 are within it. Live: gunicorn, run
        // 0 and six recent runs, 8. The list is tidied once the folded waiting in it are as many
        // as the live, so it holds at most 2 x 8 - 1. Before the tidying it would hold 2,001.
        assertThat(engine.foldedProcesses()).isEqualTo(1993);
        assertThat(engine.membersHeld()).isLessThanOrEqualTo(15);
    }

    @Test
    void runsStillWithinTheRetentionAndARunThatConnectedStayApart() {
        engine.accept(events.accept(gunicorn, 0, "10.0.1.5:8000", "10.0.0.9:41000"));
        for (int i = 0; i < 40; i++) {
            ProcessRef shell = process(NODE, 1000 + i, 60.0 * i, "/bin/sh", GZIP, WEB);
            engine.accept(events.exec(shell, gunicorn));
            if (i == 5) {
                engine.accept(events.connect(shell, 60.0 * i + 0.5, "10.0.1.5:50000", "10.0.2.7:5432"));
            }
            engine.accept(events.exit(shell, 60.0 * i + 1));
        }
        engine.accept(events.accept(gunicorn, 2400, "10.0.1.5:8000", "10.0.0.9:41001"));

        Storyboard server = engine.storyboards().getFirst();

        // At 2400 s the retention reaches back to 2100 s: runs 0 to 34 exited before it (run i
        // exits at 60 i + 1 s), runs 35 to 39 did not. Run 5 connected to a database. So run 0
        // holds runs 1-4 and 6-34 (33 folded, 34 runs), run 5 and runs 35-39 stay: 7 shells.
        List<String> labels =
                shells(server).stream().map(Storyboard.GraphNode::label).toList();
        assertThat(labels).hasSize(7);
        assertThat(labels).filteredOn(l -> l.endsWith("times)")).containsExactly("sh " + GZIP + " (34 times)");
        assertThat(engine.foldedProcesses()).isEqualTo(33);
    }

    @Test
    void aRunThatSpawnedAProcessFoldsWithItIntoARunThatSpawnedTheSame() {
        engine.accept(events.accept(gunicorn, 0, "10.0.1.5:8000", "10.0.0.9:41000"));
        for (int i = 0; i < 20; i++) {
            ProcessRef shell = process(NODE, 1000 + 2 * i, 60.0 * i, "/bin/sh", GZIP, WEB);
            String gzipArgs = i == 7 ? "-c /var/log/other.log" : "-c /var/log/app.log";
            ProcessRef gzip = process(NODE, 1001 + 2 * i, 60.0 * i + 0.1, "/bin/gzip", gzipArgs, WEB);
            engine.accept(events.exec(shell, gunicorn));
            engine.accept(events.exec(gzip, shell));
            engine.accept(events.exit(gzip, 60.0 * i + 0.5));
            engine.accept(events.exit(shell, 60.0 * i + 1));
        }
        keepServing(1200, 1800);

        Storyboard server = engine.storyboards().getFirst();

        // At 1800 s every run (the last exits at 1141 s) is behind the retention. Run 7's gzip
        // compressed another file, so run 7 is a command of its own: the shell of run 0 holds
        // the other 18 runs (19 times), each with its gzip, and run 7 stays with its gzip.
        List<String> labels = server.graph().nodes().stream()
                .filter(n -> n.kind().equals("process"))
                .map(Storyboard.GraphNode::label)
                .toList();
        assertThat(labels)
                .containsExactlyInAnyOrder(
                        "gunicorn app:server -b 0.0.0.0:8000",
                        "sh " + GZIP + " (19 times)",
                        "gzip -c /var/log/app.log",
                        "sh " + GZIP,
                        "gzip -c /var/log/other.log");
        assertThat(engine.foldedProcesses()).isEqualTo(36);
    }

    @Test
    void aChildThatAFoldedRunForkedAndThatExecsLateLandsOnTheStoryboard() {
        engine.accept(events.accept(gunicorn, 0, "10.0.1.5:8000", "10.0.0.9:41000"));
        compressOncePerMinute(20);
        keepServing(1200, 1800);
        assertThat(engine.foldedProcesses()).isEqualTo(19);

        // Run 2's shell (pid 1002, started at 120 s) left a background job that runs curl at 1810 s.
        ProcessRef runTwo = process(NODE, 1002, 120, "/bin/sh", GZIP, WEB);
        ProcessRef curl = process(NODE, 2000, 1810, "/usr/bin/curl", "-s http://203.0.113.47:8888/x", WEB);
        engine.accept(events.exec(curl, runTwo));
        engine.accept(events.connect(curl, 1810.5, "10.0.1.5:51000", "203.0.113.47:8888"));

        Storyboard server = engine.storyboards().getFirst();

        // The folded run's key still finds the first run's shell, which curl now hangs from.
        assertThat(server.externalAddresses()).contains("203.0.113.47");
        Storyboard.GraphNode shell = shells(server).getFirst();
        assertThat(server.graph().edges()).anySatisfy(edge -> {
            assertThat(edge.from()).isEqualTo(shell.id());
            assertThat(edge.kind()).isEqualTo("spawned");
            assertThat(edge.to()).startsWith("p:" + NODE + "/2000@");
        });
    }

    @Test
    void aCommandLineThatSpellsOutAChildDoesNotFoldWithRunsThatHadOne() {
        engine.accept(events.accept(gunicorn, 0, "10.0.1.5:8000", "10.0.0.9:41000"));
        for (int i = 0; i < 10; i++) {
            String args = i == 7 ? "-c x[/bin/gzip a]" : "-c x";
            ProcessRef shell = process(NODE, 1000 + 2 * i, 60.0 * i, "/bin/sh", args, WEB);
            engine.accept(events.exec(shell, gunicorn));
            if (i != 7) {
                ProcessRef gzip = process(NODE, 1001 + 2 * i, 60.0 * i + 0.1, "/bin/gzip", "a", WEB);
                engine.accept(events.exec(gzip, shell));
                engine.accept(events.exit(gzip, 60.0 * i + 0.5));
            }
            engine.accept(events.exit(shell, 60.0 * i + 1));
        }
        keepServing(600, 1200);

        List<String> labels = shells(engine.storyboards().getFirst()).stream()
                .map(Storyboard.GraphNode::label)
                .toList();

        assertThat(labels).containsExactlyInAnyOrder("sh -c x (9 times)", "sh -c x[/bin/gzip a]");
    }

    @Test
    void aBinaryRunFromAHiddenTemporaryFolderKeepsItsPathAndItsOwnStep() {
        engine.accept(events.accept(gunicorn, 0, "10.0.1.5:8000", "10.0.0.9:41000"));
        ProcessRef real = process(NODE, 1000, 10, "/bin/sh", "-c id", WEB);
        ProcessRef dropped = process(NODE, 1001, 20, "/tmp/.x/sh", "-c id", WEB);
        engine.accept(events.exec(real, gunicorn));
        engine.accept(events.exec(dropped, gunicorn));

        Storyboard server = engine.storyboards().getFirst();

        assertThat(server.graph().nodes())
                .extracting(Storyboard.GraphNode::label)
                .contains("sh -c id", "/tmp/.x/sh -c id");
        assertThat(server.trail())
                .extracting(Storyboard.TrailStep::text)
                .contains(
                        "gunicorn (serving requests) spawns sh -c id",
                        "gunicorn (serving requests) spawns /tmp/.x/sh -c id");
    }

    /** The server takes a request a minute from {@code from} to {@code to} seconds: event time moves on. */
    private void keepServing(int from, int to) {
        for (int t = from; t <= to; t += 60) {
            engine.accept(events.accept(gunicorn, t, "10.0.1.5:8000", "10.0.0.9:" + (41000 + t)));
        }
    }

    private void compressOncePerMinute(int runs) {
        for (int i = 0; i < runs; i++) {
            ProcessRef shell = process(NODE, 1000 + i, 60.0 * i, "/bin/sh", GZIP, WEB);
            engine.accept(events.exec(shell, gunicorn));
            engine.accept(events.exit(shell, 60.0 * i + 1));
        }
    }

    private static List<Storyboard.GraphNode> shells(Storyboard storyboard) {
        return storyboard.graph().nodes().stream()
                .filter(n -> n.kind().equals("process") && n.label().startsWith("sh "))
                .toList();
    }
}
