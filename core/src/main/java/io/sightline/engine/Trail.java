package io.sightline.engine;

import io.sightline.engine.rarity.BehaviourPattern;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The growing state of one storyboard: a union-find set, so that two trails that meet become one
 * in near-constant time. Only the root holds the collections; {@link #root()} compresses paths.
 */
final class Trail {

    private Trail parent;
    final long sequence;
    final TrailRecords records = new TrailRecords();
    private final List<ProcessNode> members = new ArrayList<>();
    /** Members folded away (evicted) and still in {@link #members}, dropped when the list is next read. */
    private int foldedMembers;

    final Map<String, Technique> techniques = new LinkedHashMap<>();
    final TrailSteps steps = new TrailSteps();
    final Set<String> externalAddresses = new LinkedHashSet<>();
    final Set<String> services = new LinkedHashSet<>();
    final Set<String> identities = new LinkedHashSet<>();
    final Set<String> extraContainers = new LinkedHashSet<>();
    final List<String> detections = new ArrayList<>();
    /** The spawns by a serving process that started the trail, for rarity. */
    final Set<BehaviourPattern> seedPatterns = new LinkedHashSet<>();
    /** The behaviours of the rules that started the trail, for rarity from history only (see {@link Rarity}). */
    final Set<BehaviourPattern> ruleSeedPatterns = new LinkedHashSet<>();

    final Set<Link> links = new LinkedHashSet<>();
    /** Remote addresses the trail's tainted processes dialled, whose earlier callers on the trail were looked up. */
    final Set<String> dialled = new java.util.HashSet<>();

    Instant firstSeen;
    Instant lastSeen;

    /** The id of the closed storyboard this trail reopened; empty for a trail of its own. */
    Optional<String> reopenedId = Optional.empty();
    /** The first exited run of each command a parent on the trail repeated, that later runs fold into. */
    final Map<Repeat, ProcessNode> repeats = new HashMap<>();

    /** The closed storyboards this trail continues: their evidence is part of its storyboard. */
    final List<Skeleton> continues = new ArrayList<>(0);

    Trail(long sequence) {
        this.sequence = sequence;
    }

    /**
     * The processes on the trail, in the order they joined. Dropping a folded run from a long list
     * costs the whole list, so it is done when the list is next read, or once as many folded as
     * live members wait in it, not at every fold.
     */
    List<ProcessNode> members() {
        if (foldedMembers > 0) {
            members.removeIf(member -> member.evicted);
            foldedMembers = 0;
        }
        return members;
    }

    /** The members held, folded ones still waiting to be dropped included. */
    int membersHeld() {
        return members.size();
    }

    /** The process the trail started at; it never folds, so the list need not be tidied first. */
    ProcessNode firstMember() {
        return members.getFirst();
    }

    void join(ProcessNode node) {
        members.add(node);
    }

    /**
     * That many members were folded into an earlier run of their command (and are evicted). The
     * list is tidied once they are as many as the live ones, which bounds what it holds to twice
     * the live members and costs each fold a constant share of one pass.
     */
    void membersFolded(int count) {
        foldedMembers += count;
        if (2 * foldedMembers >= members.size()) {
            members();
        }
    }

    Trail root() {
        Trail root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        Trail walk = this;
        while (walk.parent != null && walk.parent != root) {
            Trail next = walk.parent;
            walk.parent = root;
            walk = next;
        }
        return root;
    }

    /** Merges two trails; the older one (lower sequence) stays the root so ids stay stable. */
    static Trail union(Trail a, Trail b) {
        Trail ra = a.root();
        Trail rb = b.root();
        if (ra == rb) {
            return ra;
        }
        Trail keep = ra.sequence <= rb.sequence ? ra : rb;
        Trail gone = keep == ra ? rb : ra;
        gone.parent = keep;
        keep.records.addAll(gone.records);
        keep.members().addAll(gone.members());
        gone.techniques.forEach(keep.techniques::putIfAbsent);
        keep.steps.addAll(gone.steps);
        keep.externalAddresses.addAll(gone.externalAddresses);
        keep.services.addAll(gone.services);
        keep.identities.addAll(gone.identities);
        keep.extraContainers.addAll(gone.extraContainers);
        keep.detections.addAll(gone.detections);
        keep.seedPatterns.addAll(gone.seedPatterns);
        keep.ruleSeedPatterns.addAll(gone.ruleSeedPatterns);
        keep.links.addAll(gone.links);
        keep.dialled.addAll(gone.dialled);
        keep.continues.addAll(gone.continues);
        gone.repeats.forEach(keep.repeats::putIfAbsent);
        keep.seen(gone.firstSeen);
        keep.seen(gone.lastSeen);
        gone.records.clear();
        gone.members.clear();
        gone.steps.clear();
        gone.repeats.clear();
        return keep;
    }

    /**
     * Starts this (new) trail as the continuation of a closed storyboard: it takes the id, the
     * techniques and the sensor ratings that made the storyboard's severity, and the containers
     * that are its scope. The rest of what it showed stays in the closed snapshot.
     */
    void continueFrom(Skeleton skeleton) {
        reopenedId = Optional.of(skeleton.id());
        continues.add(skeleton);
        techniques.putAll(skeleton.techniques);
        detections.addAll(skeleton.detections);
        extraContainers.addAll(skeleton.containers);
    }

    /** Drops what the trail holds once its storyboard closed: a stale reference to it then costs little. */
    void release() {
        records.clear();
        members.clear();
        steps.clear();
        links.clear();
        dialled.clear();
        services.clear();
        identities.clear();
        extraContainers.clear();
        detections.clear();
        seedPatterns.clear();
        externalAddresses.clear();
        continues.clear();
        repeats.clear();
    }

    void seen(Instant time) {
        if (time == null) {
            return;
        }
        if (firstSeen == null || time.isBefore(firstSeen)) {
            firstSeen = time;
        }
        if (lastSeen == null || time.isAfter(lastSeen)) {
            lastSeen = time;
        }
    }

    void tag(Technique technique) {
        techniques.putIfAbsent(technique.id(), technique);
    }

    /**
     * A causal link that is not a parent and child: {@code to} is a process key for {@code
     * entered}, an address for {@code connected}, a user for {@code called-api-as}.
     */
    record Link(io.sightline.event.ProcessKey from, String to, String kind) {}

    /** A run of a command by its parent process (by identity): see the engine's {@code signature}. */
    record Repeat(ProcessNode parent, String signature) {}

    /** One line of the compact trail shown to analysts. */
    record Step(Instant time, String host, String container, String text) {}
}
