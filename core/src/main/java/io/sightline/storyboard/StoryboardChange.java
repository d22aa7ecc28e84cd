package io.sightline.storyboard;

import static java.util.Objects.requireNonNull;

import io.sightline.finding.Severity;
import java.util.List;
import java.util.Optional;

/**
 * One change between two snapshots of the storyboards, as the event stream sends it.
 *
 * @param id the storyboard that changed (for a merge: the one that remains)
 * @param records its evidence record count now
 * @param previousSeverity for {@link Type#SEVERITY_CHANGED}
 * @param merged for {@link Type#MERGED}: the ids that were folded into {@code id}
 */
public record StoryboardChange(
        Type type,
        String id,
        Severity severity,
        int records,
        Optional<Severity> previousSeverity,
        List<String> merged) {

    public StoryboardChange {
        requireNonNull(type, "type is null");
        requireNonNull(id, "id is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(previousSeverity, "previousSeverity is null");
        merged = List.copyOf(merged);
    }

    /** The kinds of change. */
    public enum Type {
        CREATED("created"),
        GREW("grew"),
        SEVERITY_CHANGED("severity_changed"),
        MERGED("merged"),
        /** Its trail went quiet: the storyboard is kept as it was, under the same id. */
        CLOSED("closed"),
        /** A record tied to a closed storyboard came: it is open again and grows under the same id. */
        REOPENED("reopened");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
