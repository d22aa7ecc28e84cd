package io.sightline.engine;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trail's steps as a storyboard tells them: in time order, each distinct step once, a repeated
 * one (a scheduled job, a miner reconnecting, a server spawning the same shell all day) at its
 * first time with how often it happened. Kept as groups as the steps come, not as a list regrouped
 * at every publish: a busy trail adds a few steps to thousands between two publishes, and a step
 * repeated all day costs one group, not a step a time.
 */
final class TrailSteps {

    private final Map<String, Group> groups = new HashMap<>();
    private long count;

    void add(Trail.Step step) {
        add(step, 1);
    }

    /** A step that happened {@code times} times, at the step's time first. */
    void add(Trail.Step step, long times) {
        String key = step.host() + "|" + step.container() + "|" + withoutNote(step.text());
        Group group = groups.get(key);
        if (group == null) {
            groups.put(key, new Group(step, count, times));
        } else {
            group.add(step, count, times);
        }
        count += times;
    }

    /** The other trail's steps, as if they had come after this trail's. */
    void addAll(TrailSteps other) {
        long offset = count;
        other.groups.forEach((key, theirs) -> {
            Group ours = groups.get(key);
            if (ours == null) {
                groups.put(key, new Group(theirs.first, offset + theirs.firstIndex, theirs.times));
            } else {
                ours.add(theirs.first, offset + theirs.firstIndex, theirs.times);
            }
        });
        count += other.count;
    }

    /** Every step that came, repeats included. */
    long size() {
        return count;
    }

    void clear() {
        groups.clear();
        count = 0;
    }

    /** Each distinct step at its first time (the earliest, the first to come among equals), by that time. */
    List<Distinct> distinct() {
        return groups.values().stream()
                .sorted(Comparator.comparing((Group g) -> g.first.time()).thenComparingLong(g -> g.firstIndex))
                .map(g -> new Distinct(g.first, g.times))
                .toList();
    }

    /** A step and how many times it happened. */
    record Distinct(Trail.Step step, long times) {}

    /** {@code "bash connects to 1.2.3.4:4445 (attacker address)"} without the note in brackets. */
    private static String withoutNote(String text) {
        int note = text.lastIndexOf(" (");
        return note > 0 && text.endsWith(")") ? text.substring(0, note) : text;
    }

    private static final class Group {

        private Trail.Step first;
        private long firstIndex;
        private long times;

        Group(Trail.Step first, long firstIndex, long times) {
            this.first = first;
            this.firstIndex = firstIndex;
            this.times = times;
        }

        /** {@code times} more of this step, the first of them {@code step}, come as the {@code index}th. */
        void add(Trail.Step step, long index, long more) {
            times += more;
            boolean earlier =
                    step.time().isBefore(first.time()) || step.time().equals(first.time()) && index < firstIndex;
            if (earlier) {
                first = step;
                firstIndex = index;
            }
        }
    }
}
