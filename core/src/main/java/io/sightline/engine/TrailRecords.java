package io.sightline.engine;

import io.sightline.event.SourceRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A trail's evidence: each record once, in the order it came, and the records sorted, which a
 * storyboard lists. A trail of thousands of processes gains a few records between two publishes,
 * so the sorted list is kept and the newcomers are sorted and merged into it, not the whole set
 * sorted again.
 */
final class TrailRecords {

    private final Set<SourceRecord> held = new HashSet<>();
    private List<SourceRecord> arrived = new ArrayList<>();
    /** The first {@code sorted.size()} records of {@link #arrived}, in order. */
    private List<SourceRecord> sorted = List.of();
    /** Records were removed from {@link #held} and are still in the lists. */
    private boolean removed;

    /** Whether the record is new to the trail. */
    boolean add(SourceRecord record) {
        if (!held.add(record)) {
            return false;
        }
        arrived.add(record);
        return true;
    }

    void addAll(TrailRecords other) {
        other.compact();
        other.arrived.forEach(this::add);
    }

    /** Lets go of a record the trail no longer shows (one of many repeats of the same process). */
    void remove(SourceRecord record) {
        removed |= held.remove(record);
    }

    boolean contains(SourceRecord record) {
        return held.contains(record);
    }

    int size() {
        return held.size();
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** The records in the order they came. */
    Stream<SourceRecord> stream() {
        compact();
        return arrived.stream();
    }

    void clear() {
        held.clear();
        arrived.clear();
        sorted = List.of();
        removed = false;
    }

    /** Drops the removed records from both lists, keeping the sorted one a prefix of those that came. */
    private void compact() {
        if (!removed) {
            return;
        }
        arrived = new ArrayList<>(arrived.stream().filter(held::contains).toList());
        sorted = sorted.stream().filter(held::contains).toList();
        removed = false;
    }

    /** Every record, sorted by file and line: the last sorted list with the newcomers merged in. */
    List<SourceRecord> sorted() {
        compact();
        if (sorted.size() == arrived.size()) {
            return sorted;
        }
        List<SourceRecord> newcomers = new ArrayList<>(arrived.subList(sorted.size(), arrived.size()));
        newcomers.sort(null);
        List<SourceRecord> merged = new ArrayList<>(arrived.size());
        int a = 0;
        int b = 0;
        while (a < sorted.size() && b < newcomers.size()) {
            merged.add(sorted.get(a).compareTo(newcomers.get(b)) <= 0 ? sorted.get(a++) : newcomers.get(b++));
        }
        merged.addAll(sorted.subList(a, sorted.size()));
        merged.addAll(newcomers.subList(b, newcomers.size()));
        sorted = Collections.unmodifiableList(merged);
        return sorted;
    }
}
