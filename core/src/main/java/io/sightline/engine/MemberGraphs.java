package io.sightline.engine;

import io.sightline.event.ContainerContext;
import io.sightline.storyboard.Storyboard.GraphEdge;
import io.sightline.storyboard.Storyboard.GraphNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The graph nodes of a trail's processes as its storyboard was last built. A trail that grows by
 * one process a publish would otherwise draw all of its thousands of processes again each time:
 * an id string, an evidence list sorted, a label and edges per process.
 *
 * <p>A process's drawing is reused while nothing it is drawn from moved: its records, its
 * executable, arguments, container and parent, and whether that parent is on the trail. A
 * process the trail took whole has every record as evidence; for one the trail only entered (the
 * server that was exploited) the trail's records decide which are evidence, so their count is
 * part of the check.
 */
final class MemberGraphs {

    private final Map<ProcessNode, Kept> last;
    private final Map<ProcessNode, Kept> kept = new HashMap<>();

    MemberGraphs() {
        this(Map.of());
    }

    private MemberGraphs(Map<ProcessNode, Kept> last) {
        this.last = last;
    }

    /** An empty set of drawings to fill for the next build, reusing what this build drew. */
    MemberGraphs next() {
        return new MemberGraphs(kept);
    }

    /** The member's drawing from the last build if it still fits, else {@code draw}'s. */
    Drawn of(ProcessNode member, int trailRecords, boolean parentOnTrail, Supplier<Drawn> draw) {
        Stamp stamp = Stamp.of(member, trailRecords, parentOnTrail);
        Kept earlier = last.get(member);
        Kept now = earlier != null && earlier.stamp().equals(stamp) ? earlier : new Kept(stamp, draw.get());
        kept.put(member, now);
        return now.drawn();
    }

    /** One process's node, the host and container nodes it runs in, and its edges. */
    record Drawn(GraphNode node, GraphNode hostNode, Optional<GraphNode> containerNode, List<GraphEdge> edges) {}

    private record Kept(Stamp stamp, Drawn drawn) {}

    /** What a drawing was made from; strings and the container compared by identity, as the engine shares them. */
    private record Stamp(
            long recordsAdded,
            boolean tainted,
            int trailRecords,
            String executable,
            String arguments,
            Optional<ContainerContext> container,
            ProcessNode parent,
            boolean parentOnTrail) {

        static Stamp of(ProcessNode member, int trailRecords, boolean parentOnTrail) {
            return new Stamp(
                    member.recordsAdded(),
                    member.tainted,
                    member.tainted ? -1 : trailRecords,
                    member.executable,
                    member.arguments,
                    member.container,
                    member.parent,
                    parentOnTrail);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Stamp s
                    && recordsAdded == s.recordsAdded
                    && tainted == s.tainted
                    && trailRecords == s.trailRecords
                    && executable == s.executable
                    && arguments == s.arguments
                    && container == s.container
                    && parent == s.parent
                    && parentOnTrail == s.parentOnTrail;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(recordsAdded) * 31 + trailRecords;
        }
    }
}
