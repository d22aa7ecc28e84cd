package io.sightline.engine;

import static io.sightline.engine.Events.process;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.ContainerId;
import io.sightline.asset.Inventory;
import io.sightline.asset.PodKey;
import io.sightline.engine.rarity.BehaviourPattern;
import io.sightline.engine.rarity.PatternHistory;
import io.sightline.engine.rarity.RarityConfig;
import io.sightline.engine.rarity.RunCount;
import io.sightline.engine.rarity.Sightings;
import io.sightline.engine.rules.BuiltInRules;
import io.sightline.event.ContainerContext;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.finding.Severity;
import io.sightline.storyboard.Storyboard;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A CI runner's daily build steps, judged with and without a history of earlier runs. */
class RarityStoriesTest {

    private static final String RUNNER = "ci-runner-1";
    private static final String SCOPE = "host:" + RUNNER;
    private static final BehaviourPattern INSTALL_STEP = new BehaviourPattern(SCOPE, "java>sh curl");

    private final Events events = new Events();
    private final List<RuntimeEvent> fed = new ArrayList<>();

    private final ProcessRef jenkins =
            process(RUNNER, 200, -3600, "/opt/java/bin/java", "-jar /usr/share/jenkins/jenkins.war", Optional.empty());
    private final ProcessRef installStep = process(
            RUNNER, 700, 10, "/bin/sh", "-c \"curl -fsSL https://get.example.dev/install.sh | sh\"", Optional.empty());
    private final ProcessRef curl =
            process(RUNNER, 701, 10.1, "/usr/bin/curl", "-fsSL https://get.example.dev/install.sh", Optional.empty());

    /** Jenkins takes a webhook, and a build step pipes an install script from the internet into a shell. */
    private void buildStepPipesAnInstallScriptIntoAShell() {
        fed.add(events.accept(jenkins, 1, "10.0.5.5:8080", "10.0.0.9:50000"));
        fed.add(events.exec(installStep, jenkins));
        fed.add(events.exec(curl, installStep));
        fed.add(events.connect(curl, 10.2, "10.0.5.5:41000", "203.0.113.40:443"));
    }

    @Test
    void onItsOwnTheBuildStepIsAHighStoryboard() {
        buildStepPipesAnInstallScriptIntoAShell();

        Storyboard step = run(PatternHistory.EMPTY).getFirst();

        // A serving process spawning a shell (initial access), corroborated by curl fetching a
        // URL (command and control): one advanced tactic, high. No history, nothing lowered.
        assertThat(step.severity()).isEqualTo(Severity.HIGH);
        assertThat(step.severityReasons()).noneMatch(r -> r.contains("routine") || r.contains("new for"));
    }

    @Test
    void seenOnManyDaysBeforeTheBuildStepIsRoutineAndLowered() {
        buildStepPipesAnInstallScriptIntoAShell();
        PatternHistory history = PatternHistory.of(Map.of(
                INSTALL_STEP,
                new Sightings(31, 14, Instant.parse("2024-10-31T02:00:00Z"), Instant.parse("2024-11-13T02:00:00Z"))));

        Storyboard step = run(history).getFirst();

        // 14 days in history (31 Oct to 13 Nov) and 14 Nov in this run: 15 days, at least the
        // 7 that make it routine; high lowered one level to medium.
        assertThat(step.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(step.severityReasons())
                .contains("lowered one level: routine for host:ci-runner-1: java>sh curl seen on 15 days since"
                        + " 2024-10-31");
    }

    @Test
    void seenOnTooFewDaysItIsNotRoutine() {
        buildStepPipesAnInstallScriptIntoAShell();
        PatternHistory history = PatternHistory.of(Map.of(
                INSTALL_STEP,
                new Sightings(9, 5, Instant.parse("2024-11-09T02:00:00Z"), Instant.parse("2024-11-13T02:00:00Z"))));

        // 5 days and this run's 14 Nov: 6, one short of 7.
        assertThat(run(history).getFirst().severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void theSameStepOnAnotherRunnerIsNotRoutineThere() {
        buildStepPipesAnInstallScriptIntoAShell();
        PatternHistory history = PatternHistory.of(Map.of(
                new BehaviourPattern("host:ci-runner-2", "java>sh curl"),
                new Sightings(31, 14, Instant.parse("2024-10-31T02:00:00Z"), Instant.parse("2024-11-13T02:00:00Z"))));

        assertThat(run(history).getFirst().severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void aStepNeverSeenOnALongWatchedRunnerIsRaisedButNeverToCritical() {
        ProcessRef whoami = process(RUNNER, 710, 10, "/bin/sh", "-c whoami", Optional.empty());
        fed.add(events.accept(jenkins, 1, "10.0.5.5:8080", "10.0.0.9:50000"));
        fed.add(events.exec(whoami, jenkins));
        PatternHistory watchedSinceOctober = PatternHistory.of(Map.of(
                new BehaviourPattern(SCOPE, "java>git fetch"),
                new Sightings(400, 44, Instant.parse("2024-10-01T00:00:00Z"), Instant.parse("2024-11-13T23:00:00Z"))));

        Storyboard alone = run(PatternHistory.EMPTY).getFirst();
        Storyboard raised = run(watchedSinceOctober).getFirst();

        // A shell under a server with nothing suspicious after it: initial access suspected, not
        // confirmed; execution alone is low. The runner was watched for 44 days (1 Oct to 14 Nov
        // 09:00) without ever running this, more than the 14 that make a pattern new: medium.
        assertThat(alone.severity()).isEqualTo(Severity.LOW);
        assertThat(raised.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(raised.severityReasons())
                .contains("raised one level: new for host:ci-runner-1: java>sh whoami never seen in the 44 days"
                        + " watched since 2024-10-01");

        fed.clear();
        buildStepPipesAnInstallScriptIntoAShell();
        assertThat(run(watchedSinceOctober).getFirst().severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void aRunnerWatchedForLessThanTheNoveltyWindowRaisesNothing() {
        ProcessRef whoami = process(RUNNER, 710, 10, "/bin/sh", "-c whoami", Optional.empty());
        fed.add(events.accept(jenkins, 1, "10.0.5.5:8080", "10.0.0.9:50000"));
        fed.add(events.exec(whoami, jenkins));
        PatternHistory watchedSinceLastWeek = PatternHistory.of(Map.of(
                new BehaviourPattern(SCOPE, "java>git fetch"),
                new Sightings(40, 7, Instant.parse("2024-11-07T00:00:00Z"), Instant.parse("2024-11-13T23:00:00Z"))));

        assertThat(run(watchedSinceLastWeek).getFirst().severity()).isEqualTo(Severity.LOW);
    }

    @Test
    void aRoutineStartDoesNotLowerAnEscapeBelowHigh() {
        Optional<ContainerContext> build = Events.container("cccc", "ci", "build-1");
        ProcessRef shim = process(RUNNER, 800, -60, "/usr/bin/containerd-shim-runc-v2", "", Optional.empty());
        ProcessRef nsenter = process(RUNNER, 801, 10, "/usr/bin/nsenter", "-t 1 -m -u -n -i sh", build);
        fed.add(events.exec(nsenter, shim));
        PatternHistory history = PatternHistory.of(Map.of(
                new BehaviourPattern("ci/build", "containerd-shim-runc-v2>nsenter -t"),
                new Sightings(60, 30, Instant.parse("2024-10-01T00:00:00Z"), Instant.parse("2024-11-13T23:00:00Z"))));

        Storyboard escape = run(history).getFirst();

        // nsenter from a container into pid 1's namespaces: escape to host, high. Routine for
        // the build container by 31 days, but an escape is never lowered below high.
        assertThat(escape.severity()).isEqualTo(Severity.HIGH);
        assertThat(escape.severityReasons())
                .contains("not lowered although routine for ci/build: containerd-shim-runc-v2>nsenter -t seen on"
                        + " 31 days since 2024-10-01: an escape or lateral movement keeps it at least high");
    }

    @Test
    void aConnectThatStartedATrailIsAPatternOfItsPort() {
        Optional<ContainerContext> orders = Events.container("aaaa", "payments", "orders-api-1");
        ProcessRef sh = process(RUNNER, 600, 5, "/bin/sh", "-c ./run.sh", orders);
        ProcessRef worker = process(RUNNER, 601, 6, "/opt/app/worker", "--quiet", orders);
        fed.add(events.exec(worker, sh));
        fed.add(events.connect(worker, 7, "10.0.1.10:41000", "198.51.100.7:3333"));
        PatternHistory history = PatternHistory.of(Map.of(
                new BehaviourPattern("payments/orders", "sh>worker :3333"),
                new Sightings(90, 9, Instant.parse("2024-11-05T00:00:00Z"), Instant.parse("2024-11-13T23:00:00Z"))));

        Storyboard alone = run(PatternHistory.EMPTY).getFirst();
        Storyboard routine = run(history).getFirst();

        // A public address on a mining pool port starts a trail: impact, high. The orders
        // container dialled that port on 9 days before and today: routine, medium.
        assertThat(alone.severity()).isEqualTo(Severity.HIGH);
        assertThat(routine.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(routine.severityReasons())
                .contains("lowered one level: routine for payments/orders: sh>worker :3333 seen on 10 days since"
                        + " 2024-11-05");
    }

    @Test
    void aFilePatternFoldsTheMiddleOfItsPath() {
        assertThat(Behaviours.pathClass("/tmp/cg-7f3a/release_agent")).isEqualTo("/tmp/…/release_agent");
        assertThat(Behaviours.pathClass("/sys/fs/cgroup/x/release_agent")).isEqualTo("/sys/…/release_agent");
        assertThat(Behaviours.pathClass("/etc/shadow")).isEqualTo("/etc/shadow");
    }

    @Test
    void theEngineHandsOverWhatItCountedSinceTheLastTake() {
        buildStepPipesAnInstallScriptIntoAShell();
        StoryboardEngine engine = engine(PatternHistory.EMPTY, EngineConfig.DEFAULTS);
        fed.forEach(engine::accept);

        List<RunCount> first = engine.takePatternCounts();
        List<RunCount> again = engine.takePatternCounts();
        engine.accept(events.exec(process(RUNNER, 702, 20, "/usr/bin/curl", "-V", Optional.empty()), installStep));
        List<RunCount> later = engine.takePatternCounts();

        LocalDate day = LocalDate.parse("2024-11-14");
        assertThat(first)
                .extracting(RunCount::pattern, RunCount::count, RunCount::days)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(INSTALL_STEP, 1L, List.of(day)),
                        org.assertj.core.groups.Tuple.tuple(
                                new BehaviourPattern(SCOPE, "sh>curl -fsSL"), 1L, List.of(day)));
        assertThat(again).isEmpty();
        assertThat(later)
                .extracting(RunCount::pattern, RunCount::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(new BehaviourPattern(SCOPE, "sh>curl -V"), 1L));
    }

    @Test
    void theCountsKeepAtMostMaxPatternsAndForgetTheLeastSeen() {
        EngineConfig config = EngineConfig.DEFAULTS.withRarity(new RarityConfig(7, Duration.ofDays(14), 8));
        StoryboardEngine engine = engine(PatternHistory.EMPTY, config);
        ProcessRef make = process(RUNNER, 900, -10, "/usr/bin/make", "build", Optional.empty());
        for (int i = 0; i < 3; i++) {
            engine.accept(events.exec(process(RUNNER, 910 + i, i, "/bin/cc", "-O2 main.c", Optional.empty()), make));
        }
        int largest = 0;
        for (int i = 0; i < 20; i++) {
            engine.accept(events.exec(
                    process(RUNNER, 1000 + i, 10 + i, "/usr/bin/tool" + i, "--run", Optional.empty()), make));
            largest = Math.max(largest, engine.patternsCounted());
        }

        // 21 distinct patterns through room for 8: never more than 8, and the one seen three
        // times outlives the twenty seen once.
        assertThat(largest).isEqualTo(8);
        assertThat(engine.takePatternCounts())
                .filteredOn(c -> c.pattern().behaviour().equals("make>cc -O2"))
                .extracting(RunCount::count)
                .containsExactly(3L);
    }

    @Test
    void aRoutineStartThroughAVulnerableImageIsLoweredAndStillSaysWhatTheImageCarries() {
        String digest = "sha256:" + "ab".repeat(32);
        Optional<ContainerContext> jenkinsPod = Optional.of(new ContainerContext(
                ContainerId.parse("containerd://" + "1".repeat(64)),
                Optional.of("jenkins"),
                Optional.of(new PodKey("ci", "jenkins-0")),
                Optional.of("jenkins/jenkins:2.440"),
                Optional.of(digest)));
        ProcessRef server = process(RUNNER, 200, -3600, "/opt/java/bin/java", "-jar jenkins.war", jenkinsPod);
        ProcessRef step = process(RUNNER, 700, 10, "/bin/sh", "-c \"curl -fsSL https://x.dev/i.sh | sh\"", jenkinsPod);
        ProcessRef fetch = process(RUNNER, 701, 10.1, "/usr/bin/curl", "-fsSL https://x.dev/i.sh", jenkinsPod);
        fed.add(events.accept(server, 1, "10.0.5.5:8080", "10.0.0.9:50000"));
        fed.add(events.exec(step, server));
        fed.add(events.exec(fetch, step));
        fed.add(events.connect(fetch, 10.2, "10.0.5.5:41000", "203.0.113.40:443"));
        ImageRisk risk = d -> d.equals(digest)
                ? Optional.of(new ImageRisk.Exposure(Severity.CRITICAL, "CVE-2024-23897", 1))
                : Optional.empty();
        PatternHistory routine = PatternHistory.of(Map.of(
                new BehaviourPattern("ci/jenkins", "java>sh curl"),
                new Sightings(31, 14, Instant.parse("2024-10-31T02:00:00Z"), Instant.parse("2024-11-13T02:00:00Z"))));

        Storyboard alone = run(risk, PatternHistory.EMPTY).getFirst();
        Storyboard lowered = run(risk, routine).getFirst();

        // One advanced tactic is high; the critical image on the way in raises it to critical.
        // Routine for ci/jenkins on 15 days, the start lowers high to medium and is not raised,
        // but the image it went through is still named.
        String image = "the trail passes through image sha256:abababababab… carrying CVE-2024-23897 (critical)";
        assertThat(alone.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(alone.severityReasons()).contains(image, "raised one level for the vulnerable image on the way in");
        assertThat(lowered.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(lowered.severityReasons())
                .contains(image + "; not raised for it, the start is routine")
                .noneMatch(r -> r.startsWith("raised one level for the vulnerable image"));
    }

    private List<Storyboard> run(ImageRisk risk, PatternHistory history) {
        StoryboardEngine engine =
                new StoryboardEngine(new Inventory(), risk, EngineConfig.DEFAULTS, BuiltInRules.rules(), history);
        fed.forEach(engine::accept);
        return engine.storyboards();
    }

    private List<Storyboard> run(PatternHistory history) {
        StoryboardEngine engine = engine(history, EngineConfig.DEFAULTS);
        fed.forEach(engine::accept);
        return engine.storyboards();
    }

    private static StoryboardEngine engine(PatternHistory history, EngineConfig config) {
        return new StoryboardEngine(new Inventory(), ImageRisk.NONE, config, BuiltInRules.rules(), history);
    }
}
