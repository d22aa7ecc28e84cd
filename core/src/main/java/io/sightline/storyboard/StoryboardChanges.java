package io.sightline.storyboard;

import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Diffs consecutive storyboard snapshots into changes: created, grew (more evidence), severity
 * changed, merged, closed and reopened. A storyboard that disappears was merged: the engine keeps
 * the older id, and the survivor is the storyboard that now holds the vanished one's first record.
 * A closed storyboard stays in the snapshots (marked {@link Storyboard#closed()}), so closing is a
 * change of its own and never reads as a merge; one the engine has forgotten since (see {@code
 * EngineConfig.closedKeptFor}) disappears without a change.
 *
 * <p>Per storyboard the changes come in this order: {@code CREATED} or {@code REOPENED}, then
 * {@code MERGED} or {@code GREW} (a reopened storyboard grew by definition, so no {@code GREW}
 * follows it), then {@code SEVERITY_CHANGED}, then {@code CLOSED}: a storyboard created and closed
 * between two snapshots is reported as both.
 *
 * <p>Cost per snapshot: linear in the number of storyboards, plus the records of survivors when
 * something merged. Not thread safe: whoever drives the engine (the server's engine thread) owns it.
 */
public final class StoryboardChanges {

    private Map<String, Storyboard> previous = Map.of();

    /**
     * More records, or a later last record: a storyboard whose repeated runs folded can hold fewer
     * records than before and still have grown by the runs since.
     */
    private static boolean grew(Storyboard before, Storyboard now) {
        return now.records().size() > before.records().size() || now.lastSeen().isAfter(before.lastSeen());
    }

    /** The changes from the previous snapshot to {@code current}; the first call sees all as created. */
    public List<StoryboardChange> next(List<Storyboard> current) {
        Map<String, Storyboard> now = new LinkedHashMap<>();
        current.forEach(s -> now.put(s.id(), s));
        List<StoryboardChange> changes = new ArrayList<>();
        Map<String, List<String>> mergedInto = mergedInto(now);
        for (Storyboard s : current) {
            Storyboard before = previous.get(s.id());
            List<String> merged = mergedInto.getOrDefault(s.id(), List.of());
            boolean reopened = before != null && before.closed() && !s.closed();
            if (before == null) {
                changes.add(change(StoryboardChange.Type.CREATED, s, Optional.empty(), merged));
            } else if (reopened) {
                changes.add(change(StoryboardChange.Type.REOPENED, s, Optional.empty(), List.of()));
            }
            if (before != null && !merged.isEmpty()) {
                changes.add(change(StoryboardChange.Type.MERGED, s, Optional.empty(), merged));
            } else if (before != null && !reopened && grew(before, s)) {
                changes.add(change(StoryboardChange.Type.GREW, s, Optional.empty(), List.of()));
            }
            if (before != null && s.severity() != before.severity()) {
                changes.add(
                        change(StoryboardChange.Type.SEVERITY_CHANGED, s, Optional.of(before.severity()), List.of()));
            }
            if (s.closed() && (before == null || !before.closed())) {
                changes.add(change(StoryboardChange.Type.CLOSED, s, Optional.empty(), List.of()));
            }
        }
        previous = now;
        return changes;
    }

    private Map<String, List<String>> mergedInto(Map<String, Storyboard> now) {
        List<Storyboard> gone =
                previous.values().stream().filter(s -> !now.containsKey(s.id())).toList();
        if (gone.isEmpty()) {
            return Map.of();
        }
        Map<String, Set<SourceRecord>> recordsOf = new HashMap<>();
        Map<String, List<String>> merged = new HashMap<>();
        for (Storyboard vanished : gone) {
            if (vanished.records().isEmpty()) {
                continue;
            }
            SourceRecord first = vanished.records().getFirst();
            for (Storyboard survivor : now.values()) {
                Set<SourceRecord> records =
                        recordsOf.computeIfAbsent(survivor.id(), id -> new HashSet<>(survivor.records()));
                if (records.contains(first)) {
                    merged.computeIfAbsent(survivor.id(), id -> new ArrayList<>())
                            .add(vanished.id());
                    break;
                }
            }
        }
        return merged;
    }

    private static StoryboardChange change(
            StoryboardChange.Type type, Storyboard s, Optional<Severity> previousSeverity, List<String> merged) {
        return new StoryboardChange(type, s.id(), s.severity(), s.records().size(), previousSeverity, merged);
    }
}
