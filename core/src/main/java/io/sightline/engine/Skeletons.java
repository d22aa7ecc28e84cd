package io.sightline.engine;

import io.sightline.event.ProcessKey;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The skeletons of the closed storyboards, indexed by what reopens them, and aged out oldest first.
 * Cost: a hash probe per lookup; a skeleton is added and removed once.
 */
final class Skeletons {

    private final Map<String, Skeleton> byId = new LinkedHashMap<>();
    private final Map<ProcessKey, Skeleton> byMember = new HashMap<>();
    private final Map<String, Skeleton> byExecId = new HashMap<>();
    private final Map<String, List<Skeleton>> byAddress = new HashMap<>();
    private final ArrayDeque<Skeleton> byAge = new ArrayDeque<>();

    void add(Skeleton skeleton) {
        byId.put(skeleton.id(), skeleton);
        skeleton.members.forEach(key -> byMember.put(key, skeleton));
        skeleton.execIds.forEach(id -> byExecId.put(id, skeleton));
        skeleton.attackerAddresses.forEach(address ->
                byAddress.computeIfAbsent(address, k -> new ArrayList<>(1)).add(skeleton));
        byAge.addLast(skeleton);
    }

    void remove(Skeleton skeleton) {
        skeleton.forgotten = true;
        byId.remove(skeleton.id(), skeleton);
        skeleton.members.forEach(key -> byMember.remove(key, skeleton));
        skeleton.execIds.forEach(id -> byExecId.remove(id, skeleton));
        for (String address : skeleton.attackerAddresses) {
            List<Skeleton> same = byAddress.get(address);
            if (same != null && same.remove(skeleton) && same.isEmpty()) {
                byAddress.remove(address);
            }
        }
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    /** The skeleton that lists this process as one of its live members, by key or by exec id. */
    Optional<Skeleton> ofMember(ProcessKey key, String execId) {
        Skeleton skeleton = byMember.get(key);
        if (skeleton == null && execId != null) {
            skeleton = byExecId.get(execId);
        }
        return Optional.ofNullable(skeleton);
    }

    /** The closed (not reopened) storyboards that used this attacker address. */
    List<Skeleton> closedUsing(String address) {
        List<Skeleton> using = byAddress.get(address);
        if (using == null) {
            return List.of();
        }
        return using.stream().filter(s -> s.reopened == null).toList();
    }

    /** The snapshots of the storyboards that are closed now. */
    List<Storyboard> closedStoryboards() {
        return byId.values().stream()
                .filter(s -> s.reopened == null)
                .map(s -> s.closed)
                .toList();
    }

    /** Closed storyboards held, reopened ones included. */
    int size() {
        return byId.size();
    }

    /**
     * Forgets the storyboards that closed before {@code cutoff} and were not reopened since. A
     * reopened one stays until its trail closes again, which replaces it.
     */
    void forgetClosedBefore(long cutoff) {
        while (!byAge.isEmpty() && byAge.peekFirst().closedNanos < cutoff) {
            Skeleton oldest = byAge.pollFirst();
            if (!oldest.forgotten && oldest.reopened == null) {
                remove(oldest);
            }
        }
    }
}
