package io.sightline.engine;

import io.sightline.event.ProcessKey;
import io.sightline.storyboard.Storyboard;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine keeps of a closed storyboard: its last snapshot (still served), the sequence that
 * orders it among trails when it meets another, the ratings its severity came from, and what a
 * later record must name to reopen it: a process of the trail that had not exited (by key or exec
 * id), or one of its attacker addresses dialled from its scope (its containers, or a host for the
 * processes that ran outside any container).
 *
 * <p>Memory: the snapshot, plus one key and exec id per live process of the trail and one string
 * per address, container and technique.
 */
final class Skeleton {

    final Storyboard closed;
    final long sequence;
    final long closedNanos;
    final Set<ProcessKey> members;
    final Set<String> execIds;
    final Set<String> attackerAddresses;
    final Set<String> containers;
    final Set<String> bareHosts;
    final Map<String, Technique> techniques;
    final List<String> detections;

    /** The trail that continues the storyboard since a record reopened it; null while it is closed. */
    Trail reopened;

    /** Replaced by a later close of the same storyboard, or aged out. */
    boolean forgotten;

    Skeleton(Storyboard closed, long sequence, long closedNanos, Identities identities, Ratings ratings) {
        this.closed = closed;
        this.sequence = sequence;
        this.closedNanos = closedNanos;
        this.members = Set.copyOf(identities.members());
        this.execIds = Set.copyOf(identities.execIds());
        this.attackerAddresses = Set.copyOf(identities.attackerAddresses());
        this.containers = Collections.unmodifiableSet(new LinkedHashSet<>(identities.containers()));
        this.bareHosts = Set.copyOf(identities.bareHosts());
        this.techniques = Collections.unmodifiableMap(new LinkedHashMap<>(ratings.techniques()));
        this.detections = List.copyOf(ratings.detections());
    }

    String id() {
        return closed.id();
    }

    /** Same container as one of the storyboard's processes, or the same host for a process outside any container. */
    boolean inScope(ProcessNode node) {
        return node.containerId().map(containers::contains).orElseGet(() -> bareHosts.contains(node.host()));
    }

    /** What a record must name to reopen the storyboard. */
    record Identities(
            Set<ProcessKey> members,
            Set<String> execIds,
            Set<String> attackerAddresses,
            Set<String> containers,
            Set<String> bareHosts) {}

    /** What the storyboard's severity came from: the techniques and the sensors' own ratings. */
    record Ratings(Map<String, Technique> techniques, List<String> detections) {}
}
