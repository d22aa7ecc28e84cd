package io.sightline.engine;

import io.sightline.event.ContainerContext;
import io.sightline.event.ProcessKey;
import io.sightline.storyboard.Storyboard.GraphEdge;
import io.sightline.storyboard.Storyboard.GraphNode;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a trail's storyboard graph keeps from one build to the next. A trail that grows by a few
 * processes a publish would otherwise draw all of its thousands of processes again each time: an
 * id string, an evidence list sorted, a label and edges per process, and a set of its members.
 *
 * <p>A process's drawing is kept on the process and reused while nothing it is drawn from moved:
 * its records and folded repeats, its executable, arguments, container and parent, and whether
 * that parent is on the trail. A process the trail took whole has every record as evidence; for
 * one the trail only entered (the server that was exploited) the trail's records decide which are
 * evidence, so their count is part of the check. The members' keys are added as members join, and
 * taken again when a member left (a folded repeat).
 */
final class MemberGraphs {

    private final Set<ProcessKey> memberKeys = new HashSet<>();
    private int membersKeyed;
    private ProcessNode lastKeyed;

    /** Whether a process with this key is on the trail, {@code members} being the trail's members now. */
    boolean onTrail(List<ProcessNode> members, ProcessKey key) {
        // Members leave only by folding, which shifts the later ones: the last keyed member is
        // then no longer where it was, and the keys are taken again.
        if (membersKeyed > 0 && (members.size() < membersKeyed || members.get(membersKeyed - 1) != lastKeyed)) {
            memberKeys.clear();
            membersKeyed = 0;
        }
        for (; membersKeyed < members.size(); membersKeyed++) {
            lastKeyed = members.get(membersKeyed);
            memberKeys.add(lastKeyed.key);
        }
        return memberKeys.contains(key);
    }

    /** The member's drawing from an earlier build if it still fits, else {@code draw}'s. */
    static Drawn of(ProcessNode member, int trailRecords, boolean parentOnTrail, Supplier<Drawn> draw) {
        Kept kept = member.drawing;
        if (kept == null || !kept.fits(member, trailRecords, parentOnTrail)) {
            kept = new Kept(
                    member.recordsAdded(),
                    member.repeats,
                    member.tainted,
                    member.tainted ? -1 : trailRecords,
                    member.executable,
                    member.arguments,
                    member.container,
                    member.parent,
                    parentOnTrail,
                    draw.get());
            member.drawing = kept;
        }
        return kept.drawn();
    }

    /**
     * One process's node, the host and container nodes it runs in, the edge placing it (to its
     * container, or to its host outside containers), its container's edge to the host, and the
     * edge from its parent when the parent is on the trail.
     */
    record Drawn(
            GraphNode node,
            GraphNode hostNode,
            Optional<GraphNode> containerNode,
            GraphEdge placed,
            Optional<GraphEdge> containerOnHost,
            Optional<GraphEdge> spawned) {}

    /** A drawing and what it was drawn from; strings and the container by identity, as the engine shares them. */
    record Kept(
            long recordsAdded,
            int repeats,
            boolean tainted,
            int trailRecords,
            String executable,
            String arguments,
            Optional<ContainerContext> container,
            ProcessNode parent,
            boolean parentOnTrail,
            Drawn drawn) {

        boolean fits(ProcessNode member, int trailRecordsNow, boolean parentOnTrailNow) {
            return recordsAdded == member.recordsAdded()
                    && repeats == member.repeats
                    && tainted == member.tainted
                    && (tainted || trailRecords == trailRecordsNow)
                    && executable == member.executable
                    && arguments == member.arguments
                    && container == member.container
                    && parent == member.parent
                    && parentOnTrail == parentOnTrailNow;
        }
    }
}
