package io.sightline.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trail's steps as a storyboard tells them: in time order, each distinct step once, a repeated
 * one (a scheduled job, a miner reconnecting, a server spawning the same shell all day) at its
 * first time with how often it happened. Kept as the steps come rather than regrouped at every
 * publish, since a busy trail adds a few steps to thousands between two publishes.
 */
final class TrailSteps {

    private final List<Trail.Step> steps = new ArrayList<>();
    private final Map<String, Group> groups = new HashMap<>();

    void add(Trail.Step step) {
        int index = steps.size();
        steps.add(step);
        String key = step.host() + "|" + step.container() + "|" + withoutNote(step.text());
        Group group = groups.get(key);
        if (group == null) {
            groups.put(key, new Group(step, index));
        } else {
            group.add(step, index);
        }
    }

    void addAll(TrailSteps other) {
        other.steps.forEach(this::add);
    }

    int size() {
        return steps.size();
    }

    void clear() {
        steps.clear();
        groups.clear();
    }

    /** Each distinct step at its first time (the earliest, the first to come among equals), by that time. */
    List<Distinct> distinct() {
        return groups.values().stream()
                .sorted(Comparator.comparing((Group g) -> g.first.time()).thenComparingInt(g -> g.firstIndex))
                .map(g -> new Distinct(g.first, g.times))
                .toList();
    }

    /** A step and how many times it happened. */
    record Distinct(Trail.Step step, int times) {}

    /** {@code "bash connects to 1.2.3.4:4445 (attacker address)"} without the note in brackets. */
    private static String withoutNote(String text) {
        int note = text.lastIndexOf(" (");
        return note > 0 && text.endsWith(")") ? text.substring(0, note) : text;
    }

    private static final class Group {

        private Trail.Step first;
        private int firstIndex;
        private int times = 1;

        Group(Trail.Step first, int firstIndex) {
            this.first = first;
            this.firstIndex = firstIndex;
        }

        void add(Trail.Step step, int index) {
            times++;
            Instant time = step.time();
            if (time.isBefore(first.time())) {
                first = step;
                firstIndex = index;
            }
        }
    }
}
