package io.sightline.engine;

import io.sightline.storyboard.Storyboard;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The storyboard last built for each trail, rebuilt only when the trail changed. A server
 * publishes after every batch of a few hundred records, and building a storyboard (labels with
 * credentials masked, the graph, the evidence per node) costs milliseconds for a large trail,
 * while most batches touch no trail at all.
 *
 * <p>A trail's state is what a storyboard is built from: the sizes of its grow-only collections,
 * its first and last times, the rarity verdict on its seed patterns, the closed storyboards it continues, and for each member the number of
 * records added, its executable, arguments, container and parent (which a late exec or a late parent
 * fills in without the trail growing). Two equal states build equal storyboards, because the
 * inventory and the image risk an engine reads are fixed for its life.
 */
final class TrailSnapshots {

    private Map<Trail, Built> byTrail = new HashMap<>();

    /** Each trail's storyboard, from the last call when its state is unchanged, else from {@code build}. */
    List<Storyboard> of(List<Trail> trails, Function<Trail, Storyboard> build, Function<Trail, Object> rarity) {
        Map<Trail, Built> next = new HashMap<>();
        Storyboard[] storyboards = new Storyboard[trails.size()];
        for (int i = 0; i < storyboards.length; i++) {
            Trail trail = trails.get(i);
            State state = State.of(trail, rarity.apply(trail));
            Built built = byTrail.get(trail);
            if (built == null || !built.state().sameAs(state)) {
                built = new Built(state, build.apply(trail));
            }
            next.put(trail, built);
            storyboards[i] = built.storyboard();
        }
        byTrail = next;
        return List.of(storyboards);
    }

    private record Built(State state, Storyboard storyboard) {}

    /** Numbers compared by value, references (shared strings, parents) by identity. */
    private static final class State {

        private static final int TRAIL_NUMBERS = 17;
        private static final int MEMBER_NUMBERS = 1;
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
            List<ProcessNode> members = trail.members;
            long[] numbers = new long[TRAIL_NUMBERS + members.size() * MEMBER_NUMBERS];
            Object[] references = new Object[members.size() * MEMBER_REFERENCES];
            int n = 0;
            numbers[n++] = trail.records.size();
            numbers[n++] = members.size();
            numbers[n++] = trail.techniques.size();
            numbers[n++] = trail.steps.size();
            numbers[n++] = trail.externalAddresses.size();
            numbers[n++] = trail.services.size();
            numbers[n++] = trail.identities.size();
            numbers[n++] = trail.extraContainers.size();
            numbers[n++] = trail.detections.size();
            numbers[n++] = trail.seedPatterns.size();
            numbers[n++] = trail.ruleSeedPatterns.size();
            numbers[n++] = trail.links.size();
            numbers[n++] = trail.continues.size();
            numbers[n++] = trail.firstSeen == null ? Long.MIN_VALUE : trail.firstSeen.getEpochSecond();
            numbers[n++] = trail.firstSeen == null ? 0 : trail.firstSeen.getNano();
            numbers[n++] = trail.lastSeen == null ? Long.MIN_VALUE : trail.lastSeen.getEpochSecond();
            numbers[n++] = trail.lastSeen == null ? 0 : trail.lastSeen.getNano();
            int r = 0;
            for (ProcessNode member : members) {
                numbers[n++] = member.recordsAdded();
                references[r++] = member.executable;
                references[r++] = member.arguments;
                references[r++] = member.container;
                references[r++] = member.parent;
            }
            return new State(numbers, references, rarity);
        }

        boolean sameAs(State other) {
            if (!Arrays.equals(numbers, other.numbers)
                    || !Objects.equals(rarity, other.rarity)
                    || references.length != other.references.length) {
                return false;
            }
            for (int i = 0; i < references.length; i++) {
                if (references[i] != other.references[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
