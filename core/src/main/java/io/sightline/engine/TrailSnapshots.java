package io.sightline.engine;

import io.sightline.storyboard.Storyboard;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The storyboard last built for each trail, rebuilt only when the trail changed. A server
 * publishes after every batch of a few hundred records, and building a storyboard (labels with
 * credentials masked, the graph, the evidence per node) costs milliseconds for a large trail,
 * while most batches touch no trail at all.
 *
 * <p>A trail's state is what a storyboard is built from: the sizes of its collections, its first
 * and last times, the rarity verdict on its seed patterns, the closed storyboards it continues,
 * and for each member the number of records added and of runs folded into it, its executable,
 * arguments, container and parent (which a late exec or a late parent fills in without the trail
 * growing). Two equal states build equal storyboards, because the inventory and the image risk an
 * engine reads are fixed for its life.
 */
final class TrailSnapshots {

    private Map<Trail, Built> byTrail = new HashMap<>();
    private List<StoryboardEngine.LooseDetection> lastAlerts = List.of();
    private boolean[] lastAlertsTainted = new boolean[0];
    private List<Storyboard> alertStoryboards = List.of();

    /**
     * Each trail's storyboard, from the last call when its state is unchanged, else from {@code
     * build}, which is given what the trail's last build kept for the next (see {@link MemberGraphs}).
     */
    List<Storyboard> of(
            List<Trail> trails, BiFunction<Trail, MemberGraphs, Storyboard> build, Function<Trail, Object> rarity) {
        Map<Trail, Built> next = new HashMap<>();
        Storyboard[] storyboards = new Storyboard[trails.size()];
        for (int i = 0; i < storyboards.length; i++) {
            Trail trail = trails.get(i);
            Object judgement = rarity.apply(trail);
            Built built = byTrail.get(trail);
            if (built == null || !built.state().matches(trail, judgement)) {
                MemberGraphs graphs = built == null ? new MemberGraphs() : built.graphs();
                built = new Built(State.of(trail, judgement), build.apply(trail, graphs), graphs);
            }
            next.put(trail, built);
            storyboards[i] = built.storyboard();
        }
        byTrail = next;
        return List.of(storyboards);
    }

    /**
     * The storyboards of the sensor alerts on no trail, from the last call when the same alerts
     * (by identity) are held and none of their processes joined a trail since, else from {@code
     * build}. A background rule firing all day leaves thousands of them, grouped afresh otherwise.
     */
    List<Storyboard> ofAlerts(
            List<StoryboardEngine.LooseDetection> alerts,
            Function<List<StoryboardEngine.LooseDetection>, List<Storyboard>> build) {
        boolean same = alerts.size() == lastAlerts.size();
        for (int i = 0; same && i < alerts.size(); i++) {
            same = alerts.get(i) == lastAlerts.get(i) && tainted(alerts.get(i)) == lastAlertsTainted[i];
        }
        if (!same) {
            lastAlerts = List.copyOf(alerts);
            lastAlertsTainted = new boolean[alerts.size()];
            for (int i = 0; i < alerts.size(); i++) {
                lastAlertsTainted[i] = tainted(alerts.get(i));
            }
            alertStoryboards = build.apply(alerts);
        }
        return alertStoryboards;
    }

    private static boolean tainted(StoryboardEngine.LooseDetection alert) {
        return alert.node().filter(node -> node.tainted).isPresent();
    }

    private record Built(State state, Storyboard storyboard, MemberGraphs graphs) {}

    /**
     * What a trail's storyboard is built from, listed once ({@link #walk}) for both keeping it and
     * comparing a trail with it in place, which a publish does for every trail: numbers by value,
     * references (shared strings, parents) by identity.
     */
    private static final class State {

        private static final int TRAIL_NUMBERS = 17;
        private static final int MEMBER_NUMBERS = 2;
        private static final int MEMBER_REFERENCES = 4;

        private final long[] numbers;
        private final Object[] references;
        private final Object rarity;

        private State(long[] numbers, Object[] references, Object rarity) {
            this.numbers = numbers;
            this.references = references;
            this.rarity = rarity;
        }

        static State of(Trail trail, Object rarity) {
            int members = trail.members().size();
            long[] numbers = new long[TRAIL_NUMBERS + members * MEMBER_NUMBERS];
            Object[] references = new Object[members * MEMBER_REFERENCES];
            walk(trail, new Sink() {
                private int n;
                private int r;

                @Override
                public boolean number(long value) {
                    numbers[n++] = value;
                    return true;
                }

                @Override
                public boolean reference(Object value) {
                    references[r++] = value;
                    return true;
                }
            });
            return new State(numbers, references, rarity);
        }

        boolean matches(Trail trail, Object rarity) {
            if (!Objects.equals(this.rarity, rarity)
                    || numbers.length != TRAIL_NUMBERS + trail.members().size() * MEMBER_NUMBERS) {
                return false;
            }
            return walk(trail, new Sink() {
                private int n;
                private int r;

                @Override
                public boolean number(long value) {
                    return numbers[n++] == value;
                }

                @Override
                public boolean reference(Object value) {
                    return references[r++] == value;
                }
            });
        }

        /** Gives the sink every number and reference of the trail's state; false as soon as the sink says so. */
        private static boolean walk(Trail trail, Sink sink) {
            boolean same = sink.number(trail.records.size())
                    && sink.number(trail.members().size())
                    && sink.number(trail.techniques.size())
                    && sink.number(trail.steps.size())
                    && sink.number(trail.externalAddresses.size())
                    && sink.number(trail.services.size())
                    && sink.number(trail.identities.size())
                    && sink.number(trail.extraContainers.size())
                    && sink.number(trail.detections.size())
                    && sink.number(trail.seedPatterns.size())
                    && sink.number(trail.ruleSeedPatterns.size())
                    && sink.number(trail.links.size())
                    && sink.number(trail.continues.size())
                    && sink.number(trail.firstSeen == null ? Long.MIN_VALUE : trail.firstSeen.getEpochSecond())
                    && sink.number(trail.firstSeen == null ? 0 : trail.firstSeen.getNano())
                    && sink.number(trail.lastSeen == null ? Long.MIN_VALUE : trail.lastSeen.getEpochSecond())
                    && sink.number(trail.lastSeen == null ? 0 : trail.lastSeen.getNano());
            for (int i = 0; same && i < trail.members().size(); i++) {
                ProcessNode member = trail.members().get(i);
                same = sink.number(member.recordsAdded())
                        && sink.number(member.repeats)
                        && sink.reference(member.executable)
                        && sink.reference(member.arguments)
                        && sink.reference(member.container)
                        && sink.reference(member.parent);
            }
            return same;
        }

        private interface Sink {
            boolean number(long value);

            boolean reference(Object value);
        }
    }
}
