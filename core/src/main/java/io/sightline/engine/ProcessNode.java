package io.sightline.engine;

import io.sightline.event.ContainerContext;
import io.sightline.event.ProcessKey;
import io.sightline.event.ProcessRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One process in the causal graph. A node may exist before its own exec arrives (a child or a
 * kprobe came first); it is filled in when the exec does. Memory: the key, a few strings shared
 * with the parsed records, and one packed long per record about the process, and its flows.
 */
final class ProcessNode {

    private static final long[] NO_RECORDS = new long[0];
    private static final int RECORDS_KEPT_UNTAINTED = 256;
    /** The newest kept connects a settling connect is compared with (see {@link #settle}). */
    private static final int SETTLED_COMPARED = 32;

    final ProcessKey key;
    String executable = "";
    String arguments = "";
    Optional<ContainerContext> container = Optional.empty();
    Instant start;
    boolean execSeen;
    boolean classified;
    boolean spawnStepWritten;
    io.sightline.event.ApiCall execSession;
    ProcessNode parent;
    /** The parent was named by pid only, so a later exec of that pid may take this child over. */
    boolean parentByPid;

    final List<ProcessNode> children = new ArrayList<>(2);
    private long[] records = NO_RECORDS;
    private int recordCount;
    private long recordsAdded;
    /** Flows not yet behind the engine's link horizon, in arrival order; while tainted, every flow. */
    private java.util.ArrayDeque<Flow> flows;
    /** Connects behind the link horizon, one per remote end, oldest first; off every trail only. */
    private java.util.ArrayDeque<Flow> settled;

    String execId;
    long exitNanos;
    /** The newest event time of a record about this process or naming it as a parent. */
    long lastSeenNanos = Long.MIN_VALUE;

    private String name;
    private String nameExecutable;
    private String label;
    private String labelExecutable;
    private String labelArguments;

    /** Later runs of the same command by the same parent folded into this one (see the engine's foldRepeat). */
    int repeats;
    /** The keys and exec ids of folded runs that find this process (see the engine's {@code alias}); null for none. */
    java.util.ArrayDeque<Alias> aliases;
    /** The run of a command this process stands for, as its trail's {@code repeats} key; null for none. */
    Trail.Repeat standsFor;

    /** How this process was last drawn in its trail's storyboard (see {@link MemberGraphs}). */
    MemberGraphs.Kept drawing;

    boolean evicted;
    boolean acceptedInbound;
    Trail trail;
    boolean tainted;

    /** A folded process's key and exec id (null when it had none). */
    record Alias(ProcessKey key, String execId) {}

    ProcessNode(ProcessKey key, Instant start) {
        this.key = key;
        this.start = start;
    }

    void describe(ProcessRef ref) {
        if (executable.isEmpty() || !execSeen) {
            executable = ref.executable();
            arguments = ref.arguments();
        }
        if (container.isEmpty()) {
            container = ref.container();
        }
    }

    /** Records about this process, each packed as file index and line (see the engine). */
    void addRecord(long ref) {
        if (recordCount == RECORDS_KEPT_UNTAINTED && !tainted) {
            // A long-lived process off every trail keeps only its recent records: if it joins a
            // trail later, what it did long before is not part of the attack.
            System.arraycopy(records, recordCount / 2, records, 0, recordCount - recordCount / 2);
            recordCount -= recordCount / 2;
        }
        if (recordCount == records.length) {
            records = java.util.Arrays.copyOf(records, Math.max(2, recordCount * 2));
        }
        records[recordCount++] = ref;
        recordsAdded++;
    }

    /** Records ever added, including those a long-lived process off every trail has since let go. */
    long recordsAdded() {
        return recordsAdded;
    }

    void forEachRecord(java.util.function.LongConsumer action) {
        for (int i = 0; i < recordCount; i++) {
            action.accept(records[i]);
        }
    }

    int recordCount() {
        return recordCount;
    }

    boolean hasFlows() {
        return (flows != null && !flows.isEmpty()) || (settled != null && !settled.isEmpty());
    }

    void addFlow(Flow flow) {
        if (flows == null) {
            flows = new java.util.ArrayDeque<>(2);
        }
        flows.addLast(flow);
    }

    /**
     * Moves a flow of a process off every trail behind the link horizon, where nothing matches
     * it to the other end any more: an accept is dropped, and a connect is kept (until the
     * retention) only when none of the {@link #SETTLED_COMPARED} connects kept before it went to
     * the same remote end, as a repeat adds no causality (the kept one counts it). Returns whether
     * it was kept.
     */
    boolean settle(Flow flow) {
        boolean held = flows != null
                && (flows.peekFirst() == flow ? flows.pollFirst() != null : flows.removeFirstOccurrence(flow));
        if (!held || flow.inbound) {
            return false;
        }
        if (settled == null) {
            settled = new java.util.ArrayDeque<>(2);
        }
        long remote = flow.remoteKey();
        java.util.Iterator<Flow> newestFirst = settled.descendingIterator();
        for (int i = 0; i < SETTLED_COMPARED && newestFirst.hasNext(); i++) {
            Flow kept = newestFirst.next();
            if (kept.remoteKey() == remote) {
                kept.repeats++;
                return false;
            }
        }
        settled.addLast(flow);
        return true;
    }

    /** Forgets the kept connects older than {@code cutoff}, handing each to {@code dropped}. */
    void dropSettledBefore(long cutoff, java.util.function.Consumer<Flow> dropped) {
        while (settled != null && !settled.isEmpty() && settled.peekFirst().nanos() < cutoff) {
            dropped.accept(settled.pollFirst());
        }
    }

    /** The kept connects behind the link horizon, then the recent flows. */
    List<Flow> flows() {
        if (settled == null || settled.isEmpty()) {
            return flows == null ? List.of() : List.copyOf(flows);
        }
        List<Flow> all = new ArrayList<>(settled);
        if (flows != null) {
            all.addAll(flows);
        }
        return all;
    }

    /** The executable's file name; kept until the executable changes, as the rules ask for it on every exec. */
    String name() {
        if (name == null || nameExecutable != executable) {
            int slash = executable.lastIndexOf('/');
            name = slash >= 0 ? executable.substring(slash + 1) : executable;
            nameExecutable = executable;
        }
        return name;
    }

    String host() {
        return key.host();
    }

    Optional<String> containerId() {
        return container.map(c -> c.id().id());
    }

    Trail trail() {
        return trail == null ? null : trail.root();
    }

    /**
     * Whether the executable runs from where dropped payloads do (a temporary folder, shared
     * memory, a hidden folder): its label then keeps the whole path, so {@code /tmp/.x/id} never
     * reads as {@code id}.
     */
    private boolean droppedPath() {
        return executable.startsWith("/tmp/")
                || executable.startsWith("/var/tmp/")
                || executable.startsWith("/dev/shm/")
                || executable.contains("/.");
    }

    /**
     * A short label for trails, credentials masked: {@code curl -H "Authorization: Bearer <redacted>"},
     * the executable by its file name unless it runs from a dropped path. A storyboard's graph
     * labels every member each time it is built, so the label is kept until the executable or the
     * arguments change.
     */
    String label(CommandLabels labels) {
        if (label == null || labelExecutable != executable || labelArguments != arguments) {
            label = labels.of(droppedPath() ? executable : name(), arguments);
            labelExecutable = executable;
            labelArguments = arguments;
        }
        return label;
    }
}
