package io.sightline.engine;

import io.sightline.storyboard.Storyboard;
import io.sightline.storyboard.Storyboard.ContainerEntity;
import io.sightline.storyboard.Storyboard.GraphNode;
import io.sightline.storyboard.Storyboard.TechniqueTag;
import io.sightline.storyboard.Storyboard.TrailStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A reopened storyboard as a user expects it: what it showed when it closed, and what came since.
 * The trail that continues it was seeded with the closed storyboard's techniques and ratings, so
 * its severity already weighs both; the more severe of the two is kept, with its reasons.
 */
final class Continuation {

    private Continuation() {}

    /** {@code fresh}, the storyboard of the trail now, with the closed storyboards it continues folded in. */
    static Storyboard of(Storyboard fresh, List<Skeleton> continues) {
        Storyboard merged = fresh;
        for (Skeleton skeleton : continues) {
            merged = merge(skeleton.closed, merged);
        }
        return merged;
    }

    private static Storyboard merge(Storyboard closed, Storyboard fresh) {
        Storyboard severest = closed.severity().compareTo(fresh.severity()) > 0 ? closed : fresh;
        return new Storyboard(
                fresh.id(),
                severest.severity(),
                severest.severityReasons(),
                earlier(closed.firstSeen(), fresh.firstSeen()),
                later(closed.lastSeen(), fresh.lastSeen()),
                union(closed.hosts(), fresh.hosts()),
                unionBy(closed.containers(), fresh.containers(), ContainerEntity::id),
                union(closed.imageDigests(), fresh.imageDigests()),
                union(closed.services(), fresh.services()),
                union(closed.identities(), fresh.identities()),
                union(closed.externalAddresses(), fresh.externalAddresses()),
                unionBy(closed.techniques(), fresh.techniques(), TechniqueTag::id),
                steps(closed.trail(), fresh.trail()),
                List.copyOf(new TreeSet<>(union(closed.records(), fresh.records()))),
                graph(closed.graph(), fresh.graph()),
                Optional.empty());
    }

    private static List<TrailStep> steps(List<TrailStep> closed, List<TrailStep> fresh) {
        List<TrailStep> steps = new ArrayList<>(closed);
        steps.addAll(fresh);
        steps.sort(Comparator.comparing(TrailStep::time));
        return steps;
    }

    /** One node per id (a process seen before and after the close has the evidence of both), each edge once. */
    private static Storyboard.Graph graph(Storyboard.Graph closed, Storyboard.Graph fresh) {
        Map<String, GraphNode> nodes = new LinkedHashMap<>();
        for (GraphNode node : closed.nodes()) {
            nodes.put(node.id(), node);
        }
        for (GraphNode node : fresh.nodes()) {
            nodes.merge(
                    node.id(),
                    node,
                    (before, after) -> new GraphNode(
                            before.id(),
                            before.kind(),
                            after.label(),
                            before.host(),
                            before.container(),
                            List.copyOf(new TreeSet<>(union(before.records(), after.records())))));
        }
        return new Storyboard.Graph(List.copyOf(nodes.values()), union(closed.edges(), fresh.edges()));
    }

    private static <T> List<T> union(List<T> first, List<T> second) {
        Set<T> all = new LinkedHashSet<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }

    private static <T> List<T> unionBy(List<T> first, List<T> second, Function<T, String> key) {
        Map<String, T> all = new LinkedHashMap<>();
        first.forEach(item -> all.put(key.apply(item), item));
        second.forEach(item -> all.putIfAbsent(key.apply(item), item));
        return List.copyOf(all.values());
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
