package io.sightline.engine;

import io.sightline.engine.rarity.BehaviourPattern;
import io.sightline.engine.rarity.RunCount;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The patterns one engine saw in this run, at most a fixed number of them: past it the least seen
 * (then the longest unseen) quarter is forgotten at once, so the cost of forgetting is a sort of
 * the entries per quarter of them added, constant per new pattern on average, and a pattern seen
 * often is never the one forgotten. A forgotten pattern's counts not yet taken are lost: it is
 * the rare one-off command, which history would not have made routine anyway.
 *
 * <p>Cost per sighting: one hash probe. Memory: one entry per pattern (the pattern, counts, and
 * the days it was seen on).
 */
final class RunPatterns {

    private final int capacity;
    private final Map<BehaviourPattern, Entry> entries = new HashMap<>();

    RunPatterns(int capacity) {
        this.capacity = capacity;
    }

    void count(BehaviourPattern pattern, Instant time) {
        Entry entry = entries.get(pattern);
        if (entry == null) {
            if (entries.size() == capacity) {
                forgetLeastSeen();
            }
            entry = new Entry(time);
            entries.put(pattern, entry);
        }
        entry.seen(time);
    }

    long count(BehaviourPattern pattern) {
        Entry entry = entries.get(pattern);
        return entry == null ? 0 : entry.count;
    }

    /** What this run saw of the pattern so far, whether taken or not. */
    Optional<RunCount> seen(BehaviourPattern pattern) {
        Entry entry = entries.get(pattern);
        return entry == null ? Optional.empty() : Optional.of(entry.asCount(pattern, entry.count));
    }

    /**
     * The patterns seen since the last take, each with the sightings since then and every day
     * this run saw it on (merging a day twice adds nothing, see {@link
     * io.sightline.engine.rarity.Sightings#plus}).
     */
    List<RunCount> take() {
        List<RunCount> taken = new ArrayList<>();
        entries.forEach((pattern, entry) -> {
            if (entry.untaken > 0) {
                taken.add(entry.asCount(pattern, entry.untaken));
                entry.untaken = 0;
            }
        });
        return taken;
    }

    int size() {
        return entries.size();
    }

    private void forgetLeastSeen() {
        List<Map.Entry<BehaviourPattern, Entry>> all = new ArrayList<>(entries.entrySet());
        all.sort(Comparator.comparingLong((Map.Entry<BehaviourPattern, Entry> e) -> e.getValue().count)
                .thenComparing(e -> e.getValue().lastSeen));
        int forget = Math.max(1, capacity / 4);
        for (int i = 0; i < forget; i++) {
            entries.remove(all.get(i).getKey());
        }
    }

    private static final class Entry {
        long count;
        long untaken;
        Instant firstSeen;
        Instant lastSeen;
        /** Epoch days, ascending. */
        long[] days = new long[0];

        Entry(Instant time) {
            this.firstSeen = time;
            this.lastSeen = time;
        }

        void seen(Instant time) {
            count++;
            untaken++;
            if (time.isBefore(firstSeen)) {
                firstSeen = time;
            }
            if (time.isAfter(lastSeen)) {
                lastSeen = time;
            }
            long day = Math.floorDiv(time.getEpochSecond(), 86_400L);
            if (days.length > 0 && days[days.length - 1] == day) {
                return;
            }
            int at = Arrays.binarySearch(days, day);
            if (at < 0) {
                int insert = -at - 1;
                long[] grown = new long[days.length + 1];
                System.arraycopy(days, 0, grown, 0, insert);
                grown[insert] = day;
                System.arraycopy(days, insert, grown, insert + 1, days.length - insert);
                days = grown;
            }
        }

        RunCount asCount(BehaviourPattern pattern, long sightings) {
            return new RunCount(
                    pattern,
                    sightings,
                    Arrays.stream(days).mapToObj(LocalDate::ofEpochDay).toList(),
                    firstSeen,
                    lastSeen);
        }
    }
}
