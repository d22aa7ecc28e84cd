package io.sightline.bench;

import io.sightline.engine.StoryboardEngine;
import io.sightline.event.ApiCall;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessExit;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.storyboard.Storyboard;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An endless stream for the engine: the scenario once, then its background (every event that no
 * storyboard holds) again and again, each round shifted later in time by the scenario's span and
 * with fresh sensor exec ids, until the requested number of events. With the attack, every round
 * is the whole scenario, its public addresses moved to a fresh block per round as well (else a
 * round's attack would join the previous round's storyboards through the attacker addresses): so
 * storyboards keep being created, closing and being forgotten. Every two million events it prints
 * the heap used after a full GC; a bounded engine shows a flat line.
 */
final class Soak {

    private static final long REPORT_EVERY = 2_000_000;

    private final Supplier<StoryboardEngine> engines;
    private final List<RuntimeEvent> scenario;
    private final boolean withAttack;

    Soak(Supplier<StoryboardEngine> engines, List<RuntimeEvent> scenario, boolean withAttack) {
        this.engines = engines;
        this.scenario = List.copyOf(scenario);
        this.withAttack = withAttack;
    }

    void run(long events) {
        List<RuntimeEvent> background = withAttack ? scenario : background();
        Duration span = span(scenario).plusMinutes(10);
        System.out.printf(
                Locale.ROOT,
                "soak: %d scenario events, %d of them repeated (%s) until %,d events%n",
                scenario.size(),
                background.size(),
                withAttack ? "the attack too" : "the background",
                events);
        long baseline = Bench.usedHeapAfterGc();
        StoryboardEngine engine = engines.get();
        long fed = 0;
        long nextReport = REPORT_EVERY;
        long started = System.nanoTime();
        for (int round = 0; fed < events; round++) {
            List<RuntimeEvent> input = round == 0 ? scenario : background;
            Duration shift = span.multipliedBy(round);
            String suffix = round == 0 ? "" : "~" + round;
            for (int i = 0; i < input.size() && fed < events; i++) {
                engine.accept(round == 0 ? input.get(i) : shifted(input.get(i), shift, suffix, round));
                fed++;
                if (fed == nextReport) {
                    report(engine, fed, baseline, started);
                    nextReport += REPORT_EVERY;
                }
            }
        }
        if (fed != nextReport - REPORT_EVERY) {
            report(engine, fed, baseline, started);
        }
    }

    private static void report(StoryboardEngine engine, long fed, long baseline, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        long retained = Bench.usedHeapAfterGc() - baseline;
        System.out.printf(
                Locale.ROOT,
                "   %,12d events  %7.1f s  heap retained after GC %7.1f MB  (%d processes kept, %d storyboards, %d"
                        + " trails open, %d closed)%n",
                fed,
                seconds,
                retained / 1e6,
                engine.processCount(),
                engine.storyboards().size(),
                engine.trailCount(),
                engine.closedStoryboardCount());
    }

    /** The events no storyboard of one full pass holds: what a round can repeat without a new attack. */
    private List<RuntimeEvent> background() {
        StoryboardEngine engine = engines.get();
        scenario.forEach(engine::accept);
        Set<SourceRecord> attack = new HashSet<>();
        for (Storyboard storyboard : engine.storyboards()) {
            attack.addAll(storyboard.records());
        }
        return scenario.stream()
                .filter(event -> !attack.contains(event.source()))
                .filter(event -> !(event instanceof Detection))
                .toList();
    }

    private static Duration span(List<RuntimeEvent> events) {
        Instant first = Instant.MAX;
        Instant last = Instant.MIN;
        for (RuntimeEvent event : events) {
            first = event.time().isBefore(first) ? event.time() : first;
            last = event.time().isAfter(last) ? event.time() : last;
        }
        return events.isEmpty() ? Duration.ZERO : Duration.between(first, last);
    }

    private RuntimeEvent shifted(RuntimeEvent event, Duration shift, String suffix, int round) {
        return switch (event) {
            case ProcessExec exec ->
                new ProcessExec(
                        exec.source(),
                        exec.time().plus(shift),
                        shifted(exec.process(), shift, suffix),
                        exec.parent().map(parent -> shifted(parent, shift, suffix)));
            case ProcessExit exit ->
                new ProcessExit(
                        exit.source(),
                        exit.time().plus(shift),
                        shifted(exit.process(), shift, suffix),
                        exit.parent().map(parent -> shifted(parent, shift, suffix)));
            case NetworkFlow flow ->
                new NetworkFlow(
                        flow.source(),
                        flow.time().plus(shift),
                        shifted(flow.process(), shift, suffix),
                        flow.parent().map(parent -> shifted(parent, shift, suffix)),
                        flow.direction(),
                        moved(flow.local(), round),
                        moved(flow.remote(), round));
            case FileAccess access ->
                new FileAccess(
                        access.source(),
                        access.time().plus(shift),
                        shifted(access.process(), shift, suffix),
                        access.parent().map(parent -> shifted(parent, shift, suffix)),
                        access.path(),
                        access.mode());
            case ApiCall call ->
                new ApiCall(
                        call.source(),
                        call.time().plus(shift),
                        call.auditId() + suffix,
                        call.stage(),
                        call.user(),
                        call.sourceIps(),
                        call.userAgent(),
                        call.verb(),
                        call.requestUri(),
                        call.resource(),
                        call.subresource(),
                        call.namespace(),
                        call.name(),
                        call.status(),
                        call.fromPod());
            case Detection detection ->
                new Detection(
                        detection.source(),
                        detection.time().plus(shift),
                        detection.sensor(),
                        detection.rule(),
                        detection.severity(),
                        detection.techniques(),
                        detection.summary(),
                        detection.host(),
                        detection.process().map(process -> shifted(process, shift, suffix)),
                        detection.parentPid(),
                        detection.container(),
                        detection.remotes().stream()
                                .map(remote -> moved(remote, round))
                                .toList());
        };
    }

    /**
     * With the attack, a public IPv4 address {@code a.b.c.d} becomes {@code a.b.(c + round).d}: the
     * first two octets, which decide whether an address is private, stay.
     */
    private Endpoint moved(Endpoint endpoint, int round) {
        String[] octets = endpoint.address().split("\\.");
        if (!withAttack || octets.length != 4 || isPrivate(octets)) {
            return endpoint;
        }
        int third = (Integer.parseInt(octets[2]) + round) % 256;
        return new Endpoint(octets[0] + "." + octets[1] + "." + third + "." + octets[3], endpoint.port());
    }

    private static boolean isPrivate(String[] octets) {
        int a = Integer.parseInt(octets[0]);
        int b = Integer.parseInt(octets[1]);
        return a == 10
                || a == 127
                || (a == 172 && b >= 16 && b < 32)
                || (a == 192 && b == 168)
                || (a == 169 && b == 254);
    }

    private static ProcessRef shifted(ProcessRef ref, Duration shift, String suffix) {
        return new ProcessRef(
                ref.host(),
                ref.pid(),
                ref.startTime().plus(shift),
                ref.executable(),
                ref.arguments(),
                ref.execId().map(id -> id + suffix),
                ref.container(),
                ref.uid(),
                ref.startKnown());
    }
}
