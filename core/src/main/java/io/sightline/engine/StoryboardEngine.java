package io.sightline.engine;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.Inventory;
import io.sightline.asset.Service;
import io.sightline.asset.ServiceEndpoint;
import io.sightline.engine.rarity.BehaviourPattern;
import io.sightline.engine.rarity.PatternHistory;
import io.sightline.engine.rarity.RunCount;
import io.sightline.engine.rules.BuiltInRules;
import io.sightline.engine.rules.Rule;
import io.sightline.engine.rules.RuleSet;
import io.sightline.event.ApiCall;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.ProcessEvent;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessExit;
import io.sightline.event.ProcessKey;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import io.sightline.storyboard.Storyboard;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stitches runtime events into storyboards, one event at a time.
 *
 * <p>Every event updates a causal graph of processes (keyed by {@link ProcessKey}, so two sensors
 * reporting one exec meet in one node and a reused pid never joins an older process). Behaviours
 * (the rules of a {@link RuleSet}, and a server spawning a shell) seed trails at the suspicious
 * process and tag them with ATT&CK techniques; a trail then grows down the process tree, across
 * connections (a connect on one side matched to the accept on the other, through Service virtual
 * IPs), to the Kubernetes API calls a trail's process made, and to other connections to the
 * attacker addresses it used. Trails that meet merge. Events may arrive in any order: a node
 * exists before its exec arrives, and every cross-record link is looked up from both sides.
 *
 * <p>Cost per event: a constant number of hash probes, plus the size of a subtree when a process
 * joins a trail (each node joins at most once). Memory: one node per process and one reference
 * per record and per flow.
 *
 * <p>Memory is bounded by the retention (see {@link EngineConfig#retention()}): flows, API calls
 * and exited processes that no trail holds are forgotten once the newest event is further ahead
 * than the retention, and a process off every trail that no record named for twelve retentions
 * is forgotten even if its exit never came. What a trail holds is kept while its storyboard is open.
 *
 * <p>Rarity: the engine counts the patterns it sees (every spawn, and the file or connect behaviour
 * a rule started a trail with) per workload, at most {@link
 * io.sightline.engine.rarity.RarityConfig#maxPatterns()} of them, and judges a trail's seeds with
 * them and the {@link PatternHistory} it was given (see {@link Rarity}); {@link
 * #takePatternCounts()} hands the counts to the caller to keep.
 *
 * <p>A storyboard whose trail saw no new record for {@link EngineConfig#closeAfter()} (event time,
 * a day by default) closes: the engine keeps its last snapshot, which {@link #storyboards()} still
 * returns (marked closed), and a {@link Skeleton}: the id, the techniques and ratings, and the
 * identities of the trail's processes that had not exited, its attacker addresses and its scope.
 * Everything else (the processes, their flows and records, the trail's indexes) is released. A
 * later record about one of those processes (same process key or exec id), or a connection to one
 * of the attacker addresses from the storyboard's scope, reopens it under the same id: the new
 * trail starts from the skeleton and its storyboard is the closed snapshot's plus what came since.
 * A process that had exited when the storyboard closed does not reopen it. A closed storyboard is
 * forgotten {@link EngineConfig#closedKeptFor()} after it closed (a week by default), which bounds
 * memory on an endless stream; until then it costs its snapshot and its skeleton. Closing is
 * checked once per retention of event time, so a storyboard closes at most a retention late.
 *
 * <p>Sensor alerts that stand alone (on no trail) close the same way, grouped as their storyboard
 * groups them, once the newest alert of the group is that old; nothing reopens such a storyboard
 * (a later alert of the same rule and scope starts a new one). One that never goes quiet keeps
 * its first alert and its 255 most recent.
 *
 * <p>TODO: the way in (a server a trail entered without taking it whole)
 * is not in the skeleton, so exploiting it again after the close starts a new storyboard.
 *
 * <p>Not thread-safe: one thread feeds it.
 */
public final class StoryboardEngine {

    /** Recent flows kept per attacker-candidate address: enough to pull in the way in. */
    private static final int FLOWS_KEPT_PER_EXTERNAL_ADDRESS = 32;

    /**
     * How long after a login service accepts a connection the process of the session it opens starts: OpenSSH
     * forks (and re-executes itself, or {@code sshd-session}) at once, before authentication.
     */
    private static final long SESSION_START_WINDOW_NANOS = Duration.ofSeconds(2).toNanos();

    /** Timestamp granularity between an accept and the fork it causes (Sysmon and auditd keep milliseconds). */
    private static final long SESSION_START_SLACK_NANOS = Duration.ofMillis(250).toNanos();

    /** Login-service processes kept per host as session candidates, and accepts waiting for their session. */
    private static final int SESSIONS_KEPT_PER_HOST = 64;

    /**
     * A process off every trail that no record named for this many retentions (an hour by
     * default) is forgotten even without its exit: an exit lost on the way would keep it forever.
     */
    private static final int IDLE_RETENTIONS = 12;

    private static final long FORGET_EVERY_NANOS = Duration.ofMillis(100).toNanos();
    /** The records a process keeps as evidence of the repeats folded into it (see {@link #foldRepeat}). */
    static final int FOLDED_EVIDENCE = 32;
    /** The most processes a run may hold and still fold (see {@link #foldRepeat}). */
    private static final int FOLDED_TREE = 16;
    /** The folded runs per process whose key and exec id still find it (see {@link #alias}). */
    private static final int FOLDED_ALIASES = 256;

    private static final int RECENT_REFS = 1 << 12;

    private static final int AHEAD_RECORDS_KEPT = 100;

    /** Alerts kept of a storyboard of alerts that stand alone: the first, and the most recent. */
    private static final int ALERTS_KEPT_PER_GROUP = 256;

    /** Records of one stream in a row, dated ahead together, that confirm a jump of that stream alone. */
    private static final int AHEAD_CONFIRMATIONS = 32;

    private final Inventory inventory;
    private final ImageRisk imageRisk;
    private final EngineConfig config;
    private final HostNames hostNames;
    private final CompiledRules rules;

    private final Map<ProcessKey, ProcessNode> nodes = new HashMap<>();
    /**
     * The node of each recently seen reference instance, direct-mapped by identity: readers hand
     * the same {@link ProcessRef} instance for a process again and again (Tetragon repeats the
     * process and its parent in every record), and a hit spares the key and its hash probe.
     */
    private final ProcessRef[] recentRefs = new ProcessRef[RECENT_REFS];

    private final ProcessNode[] recentNodes = new ProcessNode[RECENT_REFS];
    private final Map<String, ProcessNode> nodesByExecId = new HashMap<>();
    private final Map<HostPid, List<ProcessNode>> nodesByHostPid = new HashMap<>();
    private final FlowIndex connectsByClient = new FlowIndex();
    private final FlowIndex acceptsByClient = new FlowIndex();
    private final Map<String, ArrayDeque<Flow>> flowsToExternal = new HashMap<>();
    private final ArrayDeque<Flow> flowsByAge = new ArrayDeque<>();
    private final ArrayDeque<ProcessNode> exitsByAge = new ArrayDeque<>();
    /** Exited processes on a trail, behind the link horizon, waiting for the retention to fold. */
    private final ArrayDeque<ProcessNode> foldsByAge = new ArrayDeque<>();

    private final ArrayDeque<KeptApiCall> apiCallsByAge = new ArrayDeque<>();
    private long newestNanos = Long.MIN_VALUE;
    private long aheadNanos = Long.MIN_VALUE;
    private int aheadFile;
    private final List<SourceRecord> aheadRun = new ArrayList<>();
    private final List<SourceRecord> aheadRecords = new ArrayList<>();
    private long evictedProcesses;
    private long foldedProcesses;
    /**
     * Flow addresses by text. One that no flow named for a retention is forgotten by the sweep that
     * forgets idle processes, and gets a new number if it comes back: an endless stream of
     * addresses (pods come and go) would otherwise grow this without bound. A flow still indexed
     * that old (dated ahead by more than the retention, see {@link #advanceClock}) then no
     * longer matches a flow that named the address anew.
     */
    private final Map<String, Address> addresses = new HashMap<>();

    private long addressesNumbered;
    private final Map<String, Integer> fileIds = new HashMap<>();
    private final List<String> fileNames = new ArrayList<>();
    private final Map<String, List<Trail>> trailsByAttackerAddress = new HashMap<>();
    private final Map<String, ArrayDeque<KeptApiCall>> apiCallsBySource = new HashMap<>();
    private final Map<String, List<ApiWindow>> apiWindowsBySource = new HashMap<>();
    private final List<LooseDetection> looseDetections = new ArrayList<>();
    private final List<Trail> trails = new ArrayList<>();
    private final TrailSnapshots trailSnapshots = new TrailSnapshots();
    /** The newest event time of each file, by its index in {@link #fileNames}. */
    private long[] newestByFile = new long[0];

    private long nextIdleSweepNanos = Long.MIN_VALUE;
    private long nextForgetNanos = Long.MIN_VALUE;
    private final PatternHistory history;
    private final RunPatterns patterns;
    private final Scopes scopes;
    private final Map<String, List<ExecSession>> execSessionsByPod = new HashMap<>();
    private final Map<String, ArrayDeque<ProcessNode>> loginProcessesByHost = new HashMap<>();
    private final Map<String, ArrayDeque<PendingSession>> pendingSessionsByHost = new HashMap<>();
    private long eventsSeen;
    private long lateEvents;

    private final Skeletons skeletons = new Skeletons();
    private final CommandLabels labels = new CommandLabels();
    private final CompiledRules.ExpressionCache expressions;
    private long nextCloseSweepNanos = Long.MIN_VALUE;
    private long trailsMade;

    /** An engine with Sightline's built-in rules ({@link BuiltInRules}). */
    public StoryboardEngine(Inventory inventory, ImageRisk imageRisk, EngineConfig config) {
        this(inventory, imageRisk, config, CompiledRules.BUILT_IN, PatternHistory.EMPTY);
    }

    /** An engine whose behaviours come from this rule set. */
    public StoryboardEngine(Inventory inventory, ImageRisk imageRisk, EngineConfig config, RuleSet rules) {
        this(inventory, imageRisk, config, rules, PatternHistory.EMPTY);
    }

    /** An engine whose behaviours come from this rule set, judging rarity with this history of earlier runs. */
    public StoryboardEngine(
            Inventory inventory, ImageRisk imageRisk, EngineConfig config, RuleSet rules, PatternHistory history) {
        this(inventory, imageRisk, config, new CompiledRules(requireNonNull(rules, "rules is null")), history);
    }

    private StoryboardEngine(
            Inventory inventory,
            ImageRisk imageRisk,
            EngineConfig config,
            CompiledRules rules,
            PatternHistory history) {
        this.inventory = requireNonNull(inventory, "inventory is null");
        this.imageRisk = requireNonNull(imageRisk, "imageRisk is null");
        this.config = requireNonNull(config, "config is null");
        this.history = requireNonNull(history, "history is null");
        this.hostNames = new HostNames(inventory);
        this.rules = rules;
        this.expressions = rules.newExpressionCache();
        this.patterns = new RunPatterns(config.rarity().maxPatterns());
        this.scopes = new Scopes(inventory);
    }

    public void accept(RuntimeEvent event) {
        requireNonNull(event, "event is null");
        eventsSeen++;
        noteLateness(event, fileId(event.source().file()));
        switch (event) {
            case ProcessExec exec -> onExec(exec);
            case ProcessExit exit -> onExit(exit);
            case NetworkFlow flow -> onFlow(flow);
            case FileAccess access -> onFileAccess(access);
            case ApiCall call -> onApiCall(call);
            case Detection detection -> onDetection(detection);
        }
        forgetWhatRetentionHasPassed();
        closeQuietStoryboards();
    }

    /** Exited processes forgotten because no trail touched them within the retention. */
    public long evictedProcesses() {
        return evictedProcesses;
    }

    /** Runs of a command folded into an earlier run of it by the same parent (see {@link #foldRepeat}). */
    public long foldedProcesses() {
        return foldedProcesses;
    }

    /** The members the open trails hold, folded ones not yet dropped from their lists included. */
    int membersHeld() {
        return liveTrails().stream().mapToInt(Trail::membersHeld).sum();
    }

    private void onExit(ProcessExit exit) {
        ProcessNode node = onProcessRecord(exit);
        if (node.exitNanos == 0) {
            node.exitNanos = EventNanos.of(exit.time());
            exitsByAge.addLast(node);
        }
    }

    /**
     * Drops, oldest first, what no trail holds once it is behind the link horizon or the
     * retention (see {@link EngineConfig#linkHorizon()}). Each item is handled once, so the cost
     * is constant per event on average. The queues are looked at once per {@link
     * #FORGET_EVERY_NANOS} of event time, not per event: what is held lives that much longer at
     * most, and an event spares reads of queue heads that are rarely due.
     */
    private void forgetWhatRetentionHasPassed() {
        if (newestNanos < nextForgetNanos) {
            return;
        }
        nextForgetNanos = newestNanos + FORGET_EVERY_NANOS;
        long horizon = newestNanos - config.linkHorizon().toNanos();
        long cutoff = newestNanos - config.retention().toNanos();

        // Exits first, so that the flows of a process forgotten now are dropped, not kept.
        forgetExitedProcesses(horizon);

        settleFlows(horizon);

        forgetApiCalls(horizon);

        while (!foldsByAge.isEmpty() && foldsByAge.peekFirst().exitNanos < cutoff) {
            ProcessNode node = foldsByAge.pollFirst();
            if (node.tainted && !node.evicted) {
                foldRepeat(node, cutoff);
            }
        }
        if (newestNanos >= nextIdleSweepNanos) {
            forgetIdleProcesses(newestNanos - config.retention().toNanos() * IDLE_RETENTIONS, cutoff);
            nextIdleSweepNanos = newestNanos + config.retention().toNanos();
        }
    }

    /**
     * An exited process off every trail is forgotten once its exit is behind the link horizon,
     * unless processes it started are still held: then it goes with the last of them (see {@link
     * #forget}), so that a trail seeded later at a child still starts where the child came from.
     * One on a trail waits for the retention, to fold.
     */
    private void forgetExitedProcesses(long horizon) {
        while (!exitsByAge.isEmpty() && exitsByAge.peekFirst().exitNanos < horizon) {
            ProcessNode node = exitsByAge.pollFirst();
            if (node.evicted) {
                continue;
            }
            if (node.trail == null && node.children.isEmpty()) {
                evict(node);
            } else if (node.tainted) {
                foldsByAge.addLast(node);
            }
        }
    }

    /**
     * Flows behind the link horizon leave the indexes that match a connect to its accept; off every
     * trail an accept is dropped and a connect is kept only when it went somewhere new (see {@link
     * ProcessNode#settle}). A trail's process keeps its flows for the trail.
     */
    private void settleFlows(long horizon) {
        while (!flowsByAge.isEmpty() && flowsByAge.peekFirst().nanos() < horizon) {
            Flow flow = flowsByAge.pollFirst();
            flow.expired = true;
            unindexClient(flow);
            ProcessNode node = flow.node;
            if (node.tainted || node.evicted || !node.settle(flow)) {
                unindexExternal(flow);
            }
        }
    }

    private void forgetApiCalls(long horizon) {
        while (!apiCallsByAge.isEmpty() && apiCallsByAge.peekFirst().nanos < horizon) {
            KeptApiCall call = apiCallsByAge.pollFirst();
            List<String> sourceIps = call.sourceIps;
            for (int i = 0; i < sourceIps.size(); i++) {
                String ip = sourceIps.get(i);
                ArrayDeque<KeptApiCall> calls = apiCallsBySource.get(ip);
                if (calls != null && calls.peekFirst() == call) {
                    calls.pollFirst();
                    if (calls.isEmpty()) {
                        apiCallsBySource.remove(ip);
                    }
                }
            }
        }
    }

    /**
     * Forgets the processes off every trail that no record has named since {@code cutoff}: their
     * exit was lost, or they are daemons that went quiet. A record naming one again makes it
     * anew (Tetragon and Falco describe the process and its parent in every record). One pass
     * over the nodes per retention of event time, so the cost per event stays constant on average;
     * the same pass drops the connects the others kept from before {@code retained}, and the
     * addresses no flow named since then.
     */
    private void forgetIdleProcesses(long cutoff, long retained) {
        List<ProcessNode> idle = new ArrayList<>();
        for (ProcessNode node : nodes.values()) {
            if (node.trail == null && node.lastSeenNanos < cutoff) {
                idle.add(node);
            } else if (!node.tainted) {
                node.dropSettledBefore(retained, this::unindexExternal);
            }
        }
        idle.forEach(this::evict);
        addresses.values().removeIf(address -> address.lastUsedNanos < retained);
    }

    private void unindexClient(Flow flow) {
        if (!flow.indexed) {
            return;
        }
        flow.indexed = false;
        FlowIndex index = flow.inbound ? acceptsByClient : connectsByClient;
        long client = flow.clientKey();
        Flow head = index.get(client);
        if (head == flow) {
            if (flow.nextSameClient == null) {
                index.remove(client);
            } else {
                index.put(client, flow.nextSameClient);
            }
        } else {
            for (Flow walk = head; walk != null; walk = walk.nextSameClient) {
                if (walk.nextSameClient == flow) {
                    walk.nextSameClient = flow.nextSameClient;
                    break;
                }
            }
        }
    }

    private void unindexExternal(Flow flow) {
        if (!flow.inbound) {
            ArrayDeque<Flow> external = flowsToExternal.get(flow.remoteAddress.text);
            if (external != null && external.remove(flow) && external.isEmpty()) {
                flowsToExternal.remove(flow.remoteAddress.text);
            }
        }
    }

    /**
     * Folds a process on a trail, with what it ran, into an earlier run of the same command by the
     * same parent, once its exit is behind the retention (nothing can link to it any more): a
     * serving process that runs the same shell all day would otherwise grow its storyboard, and
     * the engine's memory, by a few nodes per run. Only a run that added no causality folds: every
     * process in it (at most {@link #FOLDED_TREE}) exited behind the retention with no record but
     * its exec and exit, no connection, link or exec session, and the runs match command for
     * command. The first run keeps the count, and the records of the folded runs as evidence up
     * to {@link #FOLDED_EVIDENCE}; the rest leave the storyboard, and the step counts every run. A
     * process whose parent has exited is left to its parent's run.
     */
    private void foldRepeat(ProcessNode node, long cutoff) {
        Trail root = node.trail();
        if (node.parent == null || node.parent.exitNanos != 0) {
            return;
        }
        List<ProcessNode> run = plainRun(root, node, cutoff);
        if (run.isEmpty()) {
            return;
        }
        Trail.Repeat command = new Trail.Repeat(node.parent, signature(node));
        ProcessNode first = root.repeats.get(command);
        if (first == null || first.evicted || first.trail() != root) {
            root.repeats.put(command, node);
            node.standsFor = command;
            return;
        }
        first.repeats++;
        for (ProcessNode process : run) {
            process.forEachRecord(ref -> {
                if (first.recordCount() < FOLDED_EVIDENCE) {
                    first.addRecord(ref);
                } else {
                    root.records.remove(record(ref));
                }
            });
        }
        List<ProcessNode> firstRun = descendants(first);
        for (int i = run.size() - 1; i >= 0; i--) {
            ProcessNode process = run.get(i);
            forget(process);
            alias(process, firstRun.size() == run.size() ? firstRun.get(i) : first);
        }
        // Members are forgotten only here, so the evicted ones are the folded runs.
        root.membersFolded(run.size());
        foldedProcesses += run.size();
    }

    /** The process and its descendants, breadth first; past {@link #FOLDED_TREE} of them, more than that. */
    private static List<ProcessNode> descendants(ProcessNode node) {
        List<ProcessNode> all = new ArrayList<>();
        all.add(node);
        for (int i = 0; i < all.size() && all.size() <= FOLDED_TREE; i++) {
            all.addAll(all.get(i).children);
        }
        return all;
    }

    /**
     * Points a folded process's key and exec id at the process of the first run that stands for
     * it: a record that names the folded process later (a child it forked that execs late, a
     * sensor's late record) then lands on the storyboard. The {@link #FOLDED_ALIASES} most recent
     * are kept per process, which bounds what a server's runs cost: an older run named again makes
     * a process of its own.
     */
    private void alias(ProcessNode folded, ProcessNode target) {
        nodes.put(folded.key, target);
        if (folded.execId != null) {
            nodesByExecId.put(folded.execId, target);
        }
        if (target.aliases == null) {
            target.aliases = new ArrayDeque<>(4);
        }
        target.aliases.addLast(new ProcessNode.Alias(folded.key, folded.execId));
        if (target.aliases.size() > FOLDED_ALIASES) {
            unalias(target, target.aliases.pollFirst());
        }
    }

    private void unalias(ProcessNode target, ProcessNode.Alias alias) {
        nodes.remove(alias.key(), target);
        if (alias.execId() != null) {
            nodesByExecId.remove(alias.execId(), target);
        }
    }

    /** The process and its descendants when every one of them is plain (see {@link #foldRepeat}), else none. */
    private static List<ProcessNode> plainRun(Trail root, ProcessNode node, long cutoff) {
        List<ProcessNode> run = descendants(node);
        boolean plain = run.size() <= FOLDED_TREE && run.stream().allMatch(process -> plain(root, process, cutoff));
        return plain ? run : List.of();
    }

    private static boolean plain(Trail root, ProcessNode process, long cutoff) {
        return process.execSeen
                && process.exitNanos != 0
                && process.exitNanos < cutoff
                && !process.hasFlows()
                && process.recordsAdded() <= 2
                && process.execSession == null
                && process.repeats == 0
                && process != root.firstMember()
                && !linked(root, process);
    }

    /** The commands a run made, the process's then each child's in the order they ran: what two runs must share to fold. */
    private static String signature(ProcessNode node) {
        StringBuilder text = new StringBuilder();
        signature(node, text);
        return text.toString();
    }

    /** Each field after its length, so that no command line can pass for a child's. */
    private static void signature(ProcessNode node, StringBuilder text) {
        text.append(node.executable.length()).append(':').append(node.executable);
        text.append(node.arguments.length()).append(':').append(node.arguments);
        text.append(node.children.size()).append('[');
        for (ProcessNode child : node.children) {
            signature(child, text);
        }
        text.append(']');
    }

    private static boolean linked(Trail root, ProcessNode node) {
        String key = node.key.toString();
        for (Trail.Link link : root.links) {
            if (link.from().equals(node.key) || link.to().equals(key)) {
                return true;
            }
        }
        return false;
    }

    private void evict(ProcessNode node) {
        for (ProcessNode next = node; next != null; next = forget(next)) {
            evictedProcesses++;
        }
    }

    /**
     * Drops the process from every index and from its parent; returns the parent when it exited off
     * every trail behind the link horizon and was kept only for this, its last child, else null.
     */
    private ProcessNode forget(ProcessNode node) {
        if (node.standsFor != null && node.trail != null) {
            node.trail().repeats.remove(node.standsFor, node);
        }
        if (node.aliases != null) {
            node.aliases.forEach(alias -> unalias(node, alias));
            node.aliases = null;
        }
        node.evicted = true;
        nodes.remove(node.key);
        HostPid hostPid = new HostPid(node.key.host(), node.key.pid());
        List<ProcessNode> samePid = nodesByHostPid.get(hostPid);
        if (samePid != null) {
            samePid.remove(node);
            if (samePid.isEmpty()) {
                nodesByHostPid.remove(hostPid);
            }
        }
        if (node.execId != null) {
            nodesByExecId.remove(node.execId, node);
        }
        node.dropSettledBefore(Long.MAX_VALUE, this::unindexExternal);
        node.children.forEach(child -> child.parent = null);
        ProcessNode parent = node.parent;
        if (parent == null) {
            return null;
        }
        parent.children.remove(node);
        boolean waited = parent.children.isEmpty()
                && parent.trail == null
                && !parent.evicted
                && parent.exitNanos != 0
                && parent.exitNanos < newestNanos - config.linkHorizon().toNanos();
        return waited ? parent : null;
    }

    public long eventsSeen() {
        return eventsSeen;
    }

    /**
     * Records that arrived more than the configured lateness behind the newest record of their
     * own stream. They were stitched all the same; the count tells how late the sensors deliver.
     */
    public long lateEvents() {
        return lateEvents;
    }

    private void noteLateness(RuntimeEvent event, int fileId) {
        long time = EventNanos.of(event.time());
        advanceClock(event, time, fileId);
        long newest = newestByFile[fileId];
        long counted = Math.min(time, newestNanos);
        if (counted > newest) {
            newestByFile[fileId] = counted;
        } else if (newest - time > config.lateness().toNanos()) {
            lateEvents++;
        }
    }

    /**
     * The engine's clock, which retention counts from, is the newest event time, except that records dated
     * further ahead than the retention do not move it on their own (a node whose clock jumped, corrupt
     * timestamps): they would make the engine forget everything it holds at once. The first such record opens a run held as ahead; it is stitched all the same. A record of
     * another stream from that time or later confirms the jump (a quiet spell ended everywhere), and so do
     * {@link #AHEAD_CONFIRMATIONS} records of the run's own stream in a row; then the clock follows. A record
     * that falls back more than the retention behind the run contradicts it, and the run's records are noted
     * ({@link #recordsAhead()}).
     */
    private void advanceClock(RuntimeEvent event, long time, int fileId) {
        long bound = config.retention().toNanos();
        if (aheadNanos != Long.MIN_VALUE) {
            if (time >= aheadNanos - bound) {
                if (fileId == aheadFile && aheadRun.size() < AHEAD_CONFIRMATIONS) {
                    aheadRun.add(event.source());
                    aheadNanos = Math.min(aheadNanos, time);
                    return;
                }
                newestNanos = Math.max(newestNanos, aheadNanos);
            } else {
                aheadRun.stream()
                        .limit(Math.max(0, AHEAD_RECORDS_KEPT - aheadRecords.size()))
                        .forEach(aheadRecords::add);
            }
            aheadNanos = Long.MIN_VALUE;
            aheadRun.clear();
        }
        if (newestNanos == Long.MIN_VALUE || time <= newestNanos + bound) {
            newestNanos = Math.max(newestNanos, time);
            return;
        }
        aheadNanos = time;
        aheadFile = fileId;
        aheadRun.add(event.source());
    }

    /**
     * Records dated further ahead than the retention of the records before them, in runs that a later
     * record contradicted by falling back: stitched, but they did not move the engine's clock (at most 100).
     */
    public List<SourceRecord> recordsAhead() {
        return List.copyOf(aheadRecords);
    }

    public int processCount() {
        return nodes.size();
    }

    /** The current storyboards, most severe first. */
    public List<Storyboard> storyboards() {
        return snapshot().build(liveTrails(), looseDetections, trailSnapshots, skeletons.closedStoryboards());
    }

    private StoryboardSnapshot snapshot() {
        Rarity rarity = new Rarity(history, patterns, config.commonPattern(), config.rarity());
        return new StoryboardSnapshot(inventory, imageRisk, rarity, labels, this::record);
    }

    /**
     * The patterns seen since the last call (or since the engine was built), for the caller to
     * merge into its history; the engine keeps counting them for its own judgement.
     */
    public List<RunCount> takePatternCounts() {
        return patterns.take();
    }

    /** How many distinct patterns the engine counts now (at most {@code maxPatterns}). */
    public int patternsCounted() {
        return patterns.size();
    }

    private List<Trail> liveTrails() {
        Set<Trail> roots = new LinkedHashSet<>();
        trails.forEach(trail -> roots.add(trail.root()));
        return List.copyOf(roots);
    }

    /** The trails of the open storyboards. */
    public int trailCount() {
        return liveTrails().size();
    }

    /** The closed storyboards the engine holds (see {@link EngineConfig#closedKeptFor()}), reopened ones included. */
    public int closedStoryboardCount() {
        return skeletons.size();
    }

    /**
     * Closes the storyboards whose trail saw no record for {@link EngineConfig#closeAfter()} and
     * forgets those closed longer than {@link EngineConfig#closedKeptFor()}. One pass over the
     * trails per retention of event time, so the cost per event stays constant on average.
     */
    private void closeQuietStoryboards() {
        if (newestNanos < nextCloseSweepNanos) {
            return;
        }
        nextCloseSweepNanos = newestNanos + config.retention().toNanos();
        long quietSince = newestNanos - config.closeAfter().toNanos();
        List<Trail> open = new ArrayList<>();
        for (Trail root : liveTrails()) {
            if (root.lastSeen == null || EventNanos.of(root.lastSeen) < quietSince) {
                close(root);
            } else {
                open.add(root);
            }
        }
        trails.clear();
        trails.addAll(open);
        closeQuietAlerts(quietSince);
        skeletons.forgetClosedBefore(newestNanos - config.closedKeptFor().toNanos());
    }

    /**
     * Closes the storyboards of sensor alerts that stand alone (on no trail) whose newest alert is
     * older than {@code quietSince}: their snapshot is kept like a trail's, with nothing that
     * reopens it (a later alert of the same rule and scope starts a new one), and their alerts
     * are let go, as are those whose process joined a trail since. Cost: the alerts held, once
     * per retention of event time; only the storyboards that close are built.
     */
    private void closeQuietAlerts(long quietSince) {
        Set<SourceRecord> closing = new java.util.HashSet<>();
        Map<SourceRecord, String> crowded = new HashMap<>();
        StoryboardSnapshot snapshot = null;
        for (Map.Entry<String, List<Detection>> group :
                StoryboardSnapshot.alertGroups(looseDetections).entrySet()) {
            List<Detection> alerts = group.getValue();
            if (newestOf(alerts) < quietSince) {
                snapshot = snapshot == null ? snapshot() : snapshot;
                Storyboard closed = snapshot.fromDetections(alerts);
                closing.addAll(closed.records());
                skeletons.add(new Skeleton(
                        closed.withClosedAt(clockInstant()),
                        -1,
                        newestNanos,
                        new Skeleton.Identities(Set.of(), Set.of(), Set.of(), Set.of(), Set.of()),
                        new Skeleton.Ratings(Map.of(), List.of())));
            } else if (alerts.size() > ALERTS_KEPT_PER_GROUP) {
                alerts.forEach(alert -> crowded.put(alert.source(), group.getKey()));
            }
        }
        Set<LooseDetection> dropped = thinOut(crowded);
        looseDetections.removeIf(loose -> closing.contains(loose.detection().source())
                || loose.node().filter(n -> n.tainted).isPresent()
                || dropped.contains(loose));
    }

    private static long newestOf(List<Detection> alerts) {
        long newest = Long.MIN_VALUE;
        for (Detection alert : alerts) {
            newest = Math.max(newest, EventNanos.of(alert.time()));
        }
        return newest;
    }

    /**
     * Of each storyboard of alerts that holds more than {@link #ALERTS_KEPT_PER_GROUP} (by
     * record), the alerts to drop: all but the first (its id comes from it) and the most recent.
     * A rule that fires all day in one container would otherwise grow one storyboard for ever.
     */
    private Set<LooseDetection> thinOut(Map<SourceRecord, String> crowded) {
        Set<LooseDetection> dropped = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (crowded.isEmpty()) {
            return dropped;
        }
        Map<String, LooseDetection> first = new HashMap<>();
        for (LooseDetection loose : looseDetections) {
            Optional.ofNullable(crowded.get(loose.detection().source())).ifPresent(g -> first.putIfAbsent(g, loose));
        }
        Map<String, Integer> kept = new HashMap<>();
        for (int i = looseDetections.size() - 1; i >= 0; i--) {
            LooseDetection loose = looseDetections.get(i);
            String group = crowded.get(loose.detection().source());
            if (group != null
                    && first.get(group) != loose
                    && kept.merge(group, 1, Integer::sum) >= ALERTS_KEPT_PER_GROUP) {
                dropped.add(loose);
            }
        }
        return dropped;
    }

    private Instant clockInstant() {
        return EventNanos.instant(newestNanos);
    }

    /** Keeps the storyboard's last snapshot and skeleton (a trail with no evidence leaves none), and releases the trail. */
    private void close(Trail root) {
        List<Storyboard> last = snapshot().build(List.of(root), List.of(), new TrailSnapshots(), List.of());
        root.continues.forEach(skeletons::remove);
        if (!last.isEmpty()) {
            skeletons.add(new Skeleton(
                    last.getFirst().withClosedAt(clockInstant()),
                    root.sequence,
                    newestNanos,
                    survivors(root),
                    new Skeleton.Ratings(root.techniques, root.detections)));
        }
        release(root);
    }

    /**
     * What reopens a closed storyboard: its processes that had not exited and the addresses and
     * scope it used, and, for a storyboard that was reopened before, what reopened it then and has
     * not exited since.
     */
    private Skeleton.Identities survivors(Trail root) {
        Set<ProcessKey> members = new java.util.HashSet<>();
        Set<String> execIds = new java.util.HashSet<>();
        Set<String> containers = new LinkedHashSet<>(root.extraContainers);
        Set<String> bareHosts = new LinkedHashSet<>();
        for (Skeleton earlier : root.continues) {
            members.addAll(earlier.members);
            execIds.addAll(earlier.execIds);
            containers.addAll(earlier.containers);
            bareHosts.addAll(earlier.bareHosts);
        }
        for (ProcessNode member : root.members()) {
            member.containerId().ifPresentOrElse(containers::add, () -> bareHosts.add(member.host()));
            boolean alive = member.exitNanos == 0;
            if (member.tainted && alive) {
                members.add(member.key);
                Optional.ofNullable(member.execId).ifPresent(execIds::add);
            } else if (!alive) {
                members.remove(member.key);
                Optional.ofNullable(member.execId).ifPresent(execIds::remove);
            }
        }
        Set<String> addresses = new LinkedHashSet<>();
        root.externalAddresses.stream().filter(Behaviours::isPublicAddress).forEach(addresses::add);
        return new Skeleton.Identities(members, execIds, addresses, containers, bareHosts);
    }

    /**
     * Forgets the trail's processes (a process on it that had not exited comes back as a new node
     * when a record names it, and the skeleton takes it in then) and lets go of the way in, which
     * the ordinary retention then forgets. Drops the trail from every index that names it.
     */
    private void release(Trail root) {
        long horizon = newestNanos - config.linkHorizon().toNanos();
        for (ProcessNode member : root.members()) {
            member.drawing = null;
            if (member.evicted) {
                continue;
            }
            if (member.tainted) {
                ProcessNode waited = forget(member);
                if (waited != null) {
                    evict(waited);
                }
            } else {
                member.trail = null;
                if (member.exitNanos != 0 && member.exitNanos < horizon && member.children.isEmpty()) {
                    evict(member);
                }
            }
            ArrayDeque<ProcessNode> logins = loginProcessesByHost.get(member.host());
            if (logins != null) {
                logins.removeIf(n -> n.evicted);
            }
        }
        for (String address : root.externalAddresses) {
            List<Trail> using = trailsByAttackerAddress.get(address);
            if (using != null && using.removeIf(t -> t.root() == root) && using.isEmpty()) {
                trailsByAttackerAddress.remove(address);
            }
        }
        apiWindowsBySource
                .values()
                .forEach(windows -> windows.removeIf(w -> w.trail().root() == root));
        apiWindowsBySource.values().removeIf(List::isEmpty);
        pendingSessionsByHost
                .values()
                .forEach(pending -> pending.removeIf(p -> p.trail().root() == root));
        root.release();
    }

    /** A record names a process of a closed storyboard that had not exited: the storyboard reopens with it. */
    private void reopenBySurvivor(ProcessNode node) {
        skeletons.ofMember(node.key, node.execId).ifPresent(skeleton -> taint(node, openTrailOf(skeleton)));
    }

    /** A connection to a closed storyboard's attacker address from its scope reopens it. */
    private void reopenByAttackerAddress(Flow flow) {
        if (flow.node.tainted) {
            return;
        }
        for (Skeleton skeleton : skeletons.closedUsing(flow.remoteAddress.text)) {
            if (skeleton.inScope(flow.node)) {
                joinAttackerAddress(openTrailOf(skeleton), flow);
                return;
            }
        }
    }

    /** The trail that continues the storyboard: the one a record reopened it with, or a new one. */
    private Trail openTrailOf(Skeleton skeleton) {
        if (skeleton.reopened != null) {
            return skeleton.reopened.root();
        }
        Trail trail = new Trail(skeleton.sequence);
        trail.continueFrom(skeleton);
        trails.add(trail);
        skeleton.reopened = trail;
        for (String address : skeleton.attackerAddresses) {
            trail.externalAddresses.add(address);
            trailsByAttackerAddress
                    .computeIfAbsent(address, k -> new ArrayList<>(1))
                    .add(trail);
        }
        return trail;
    }

    private void onExec(ProcessExec exec) {
        ProcessNode node = onProcessRecord(exec);
        node.execSeen = true;
        node.executable = exec.process().executable();
        node.arguments = exec.process().arguments();
        if (node.parent != null) {
            patterns.count(Behaviours.spawnPattern(scopes.of(node), node.parent, node), exec.time());
        }
        if (node.parent != null && rules.isRuntimeShim(node.parent)) {
            node.container.flatMap(c -> c.pod()).ifPresent(pod -> findExecSession(node, pod.toString()));
        }

        seedOnExec(node);
        if (node.tainted) {
            classifyExec(node, exec.time());
        }
    }

    private ProcessNode onProcessRecord(ProcessEvent event) {
        ProcessNode node = upsert(event.process());
        if (event.parent().isPresent()) {
            ProcessRef ref = event.parent().get();
            ProcessNode parent = upsert(ref);
            parent.lastSeenNanos = Math.max(parent.lastSeenNanos, EventNanos.of(event.time()));
            node.parentByPid = !ref.startKnown();
            link(node, parent);
        }
        addRecord(node, event.source(), event.time());
        return node;
    }

    private void onFlow(NetworkFlow parsed) {
        ProcessNode node = onProcessRecord(parsed);
        Flow flow = new Flow(
                node,
                parsed,
                intern(parsed.local().address()),
                intern(parsed.remote().address()));
        node.addFlow(flow);
        flowsByAge.addLast(flow);

        if (flow.inbound) {
            flow.indexed = true;
            flow.nextSameClient = acceptsByClient.put(flow.remoteKey(), flow);
            boolean firstAccept = !node.acceptedInbound;
            node.acceptedInbound = true;
            linkAcceptToTaintedConnect(flow);
            if (firstAccept) {
                node.children.forEach(this::seedOnExec);
            }
            return;
        }

        String remote = flow.remoteAddress.text;
        if (flow.remoteAddress.isPublic) {
            ArrayDeque<Flow> external = flowsToExternal.computeIfAbsent(remote, k -> new ArrayDeque<>(2));
            if (external.size() == FLOWS_KEPT_PER_EXTERNAL_ADDRESS) {
                external.pollFirst();
            }
            external.addLast(flow);
            joinTrailsUsingAddress(flow);
            reopenByAttackerAddress(flow);
        }
        if (node.tainted) {
            indexConnect(flow);
            onTaintedFlow(node, flow);
            return;
        }
        // A seed puts the process on a trail with its flows, this one included.
        Optional<Rule> seedRule = rules.connectSeed(node, flow);
        if (seedRule.isPresent()) {
            seed(
                    node,
                    seedRule.get(),
                    Optional.of(Behaviours.connectPattern(scopes.of(node), node, flow.remotePort)),
                    flow.time());
        }
    }

    /**
     * Indexes a connect by its client end, for the accept on the other side to find. Only the
     * connects of processes on a trail are indexed: an accept links to a connect only when the
     * connect's process is on a trail, and a process that joins one later indexes its flows then
     * (see {@link #taint}). Most connects are benign and never cost a map entry.
     */
    private void indexConnect(Flow flow) {
        if (!flow.inbound && !flow.indexed && !flow.expired) {
            flow.indexed = true;
            flow.nextSameClient = connectsByClient.put(flow.localKey(), flow);
        }
    }

    private void onFileAccess(FileAccess access) {
        ProcessNode node = onProcessRecord(access);
        String path = access.path();

        if (access.mode() == FileAccess.Mode.WRITE && rules.isWebScript(path) && rules.isServer(node)) {
            Trail trail = node.trail != null ? node.trail() : newTrail();
            enter(node, trail, access.source(), access.time());
            trail.root().tag(Behaviours.WEB_SHELL);
            step(node.trail(), access.time(), node, node.name() + " writes " + path);
        }
        if (!node.tainted) {
            Optional<Rule> seedRule = rules.fileSeed(node, path, access.mode());
            if (seedRule.isPresent()) {
                seed(
                        node,
                        seedRule.get(),
                        Optional.of(Behaviours.filePattern(scopes.of(node), node, path)),
                        access.time());
            }
        }
        if (!node.tainted) {
            return;
        }
        Trail trail = node.trail();
        Optional<String> text = Optional.empty();
        for (CompiledRules.Match match : rules.fileTags(node, path, access.mode())) {
            trail.tag(match.technique());
            text = text.or(match::step);
        }
        if (text.isEmpty() && access.mode() == FileAccess.Mode.WRITE) {
            text = Optional.of(node.name() + " writes " + path);
        }
        text.ifPresent(line -> step(trail, access.time(), node, line));
    }

    /**
     * Starts a trail at a process on none, labelled with the rule's technique. A file or connect
     * behaviour is counted here, when its rule fires (counting every file access and connect would
     * cost a pattern per event); a spawn was counted at its exec.
     */
    private void seed(ProcessNode node, Rule rule, Optional<BehaviourPattern> counted, Instant time) {
        Trail trail = newTrail();
        trail.tag(rule.technique());
        counted.ifPresent(pattern -> {
            patterns.count(pattern, time);
            trail.ruleSeedPatterns.add(pattern);
        });
        if (counted.isEmpty() && node.parent != null) {
            trail.ruleSeedPatterns.add(Behaviours.spawnPattern(scopes.of(node), node.parent, node));
        }
        taint(node, trail);
    }

    private void onApiCall(ApiCall call) {
        KeptApiCall kept = new KeptApiCall(call);
        apiCallsByAge.addLast(kept);
        if (call.subresource().filter("exec"::equals).isPresent()
                && call.namespace().isPresent()
                && call.name().isPresent()) {
            ExecSession session = new ExecSession(call);
            String pod = call.namespace().get() + "/" + call.name().get();
            execSessionsByPod.computeIfAbsent(pod, k -> new ArrayList<>(1)).add(session);
            nodes.values().stream()
                    .filter(n -> n.execSession == null && n.parent != null && rules.isRuntimeShim(n.parent))
                    .filter(n -> n.container
                            .flatMap(c -> c.pod())
                            .map(Object::toString)
                            .filter(pod::equals)
                            .isPresent())
                    .filter(n -> session.covers(n.start, config.clockSkew()))
                    .forEach(n -> attachExecSession(n, session));
        }
        List<String> sourceIps = call.sourceIps();
        for (int i = 0; i < sourceIps.size(); i++) {
            String ip = sourceIps.get(i);
            apiCallsBySource.computeIfAbsent(ip, k -> new ArrayDeque<>(2)).addLast(kept);
            for (ApiWindow window : apiWindowsBySource.getOrDefault(ip, List.of())) {
                if (window.covers(call.time())) {
                    attachApiCall(window.trail.root(), window.caller, kept);
                }
            }
        }
    }

    private void onDetection(Detection detection) {
        Optional<ProcessNode> found = detection.process().map(ref -> findOrCreate(ref, detection));
        if (found.isEmpty()) {
            onContainerDetection(detection);
            return;
        }
        ProcessNode node = found.get();
        addRecord(node, detection.source(), detection.time());
        if (!node.tainted && detection.severity().atLeast(Severity.MEDIUM)) {
            taint(node, newTrail());
        }
        if (node.tainted) {
            noteDetection(node.trail(), detection);
        } else {
            looseDetections.add(new LooseDetection(detection, Optional.of(node)));
        }
    }

    private void onContainerDetection(Detection detection) {
        Optional<String> container = detection.container().map(c -> c.id().id());
        for (Endpoint remote : detection.remotes()) {
            for (Trail trail : trailsByAttackerAddress.getOrDefault(remote.address(), List.of())) {
                Trail root = trail.root();
                if (container.isEmpty() || spansContainer(root, container.get())) {
                    root.records.add(detection.source());
                    noteDetection(root, detection);
                    return;
                }
            }
        }
        if (detection.severity().atLeast(Severity.MEDIUM)) {
            Trail trail = newTrail();
            trail.records.add(detection.source());
            trail.seen(detection.time());
            container.ifPresent(trail.extraContainers::add);
            detection.remotes().stream()
                    .map(Endpoint::address)
                    .filter(Behaviours::isPublicAddress)
                    .forEach(address -> registerAttackerAddress(trail, address));
            noteDetection(trail, detection);
            return;
        }
        looseDetections.add(new LooseDetection(detection, Optional.empty()));
    }

    private void noteDetection(Trail trail, Detection detection) {
        Trail root = trail.root();
        root.detections.add(detection.sensor() + " " + detection.severity().label() + ": " + detection.rule());
        detection.techniques().forEach(id -> Techniques.byId(id).ifPresent(root::tag));
        root.seen(detection.time());
    }

    private void seedOnExec(ProcessNode node) {
        if (node.tainted) {
            return;
        }
        ProcessNode parent = node.parent;
        if (parent != null && rules.isShell(node.name()) && rules.isServer(parent)) {
            Trail trail = parent.trail != null ? parent.trail() : newTrail();
            enter(parent, trail, null, node.start);
            Trail root = trail.root();
            root.tag(Behaviours.EXPLOIT_PUBLIC_APP);
            root.seedPatterns.add(Behaviours.spawnPattern(scopes.of(node), parent, node));
            step(root, node.start, node, parent.name() + " (serving requests) spawns " + node.label(labels));
            node.spawnStepWritten = true;
            taint(node, root);
            return;
        }
        Optional<Rule> seedRule = rules.execSeed(node, expressions);
        if (seedRule.isPresent()) {
            seed(node, seedRule.get(), Optional.empty(), node.start);
        }
    }

    /** Tags what a process on a trail did, from its executable and arguments. */
    private void classifyExec(ProcessNode node, Instant time) {
        if (node.classified) {
            return;
        }
        node.classified = true;
        Trail trail = node.trail();
        for (CompiledRules.Match match : rules.execTags(node, expressions)) {
            trail.tag(match.technique());
            match.step().ifPresent(line -> step(trail, time, node, line));
        }
        if (node.parent != null && node.parent.container.isPresent() && node.container.isEmpty()) {
            trail.tag(Behaviours.ESCAPE_TO_HOST);
            step(trail, time, node, "leaves the container for the host: " + node.label(labels));
            return;
        }
        if (!node.spawnStepWritten) {
            step(trail, time, node, node.label(labels));
        }
    }

    private void findExecSession(ProcessNode node, String pod) {
        for (ExecSession session : execSessionsByPod.getOrDefault(pod, List.of())) {
            if (session.covers(node.start, config.clockSkew())) {
                attachExecSession(node, session);
                return;
            }
        }
    }

    /**
     * Ties a process that the container runtime started in a pod to the {@code kubectl exec}
     * request that asked for it: the request's user becomes the identity behind the process. When
     * anything below that process is on a trail, the whole session is: it is how the attacker
     * got in.
     */
    private void attachExecSession(ProcessNode node, ExecSession session) {
        node.execSession = session.call;
        Deque<ProcessNode> pending = new ArrayDeque<>(List.of(node));
        while (!pending.isEmpty()) {
            ProcessNode next = pending.pop();
            if (next.tainted) {
                addExecSession(next.trail(), node);
                return;
            }
            next.children.forEach(pending::push);
        }
    }

    /** The nearest ancestor (or the process itself) that a {@code kubectl exec} started. */
    private static Optional<ProcessNode> execSessionAbove(ProcessNode node) {
        ProcessNode walk = node;
        for (int depth = 0; walk != null && depth < 16; depth++, walk = walk.parent) {
            if (walk.execSession != null) {
                return Optional.of(walk);
            }
        }
        return Optional.empty();
    }

    private void addExecSession(Trail trail, ProcessNode node) {
        ApiCall call = node.execSession;
        taint(node, trail);
        Trail root = trail.root();
        if (root.records.add(call.source())) {
            root.identities.add(call.user());
            root.tag(Behaviours.CONTAINER_ADMIN_COMMAND);
            step(
                    root,
                    call.time(),
                    node,
                    call.user() + " runs kubectl exec in " + call.namespace().orElse("") + "/"
                            + call.name().orElse(""));
        }
    }

    private void onTaintedFlow(ProcessNode node, Flow flow) {
        Trail trail = node.trail();
        if (flow.inbound) {
            return;
        }
        String remote = flow.remoteAddress.text;
        List<CompiledRules.Match> matches = rules.connectTags(node, flow);
        boolean external = flow.remoteAddress.isPublic;
        if (external || rules.isMetadataAddress(remote)) {
            trail.root().links.add(new Trail.Link(node.key, remote, "connected"));
        }
        if (external) {
            registerAttackerAddress(trail, remote);
        }
        String text = node.name() + " connects to " + flow.remote();
        Optional<String> ruleText = Optional.empty();
        for (CompiledRules.Match match : matches) {
            trail.root().tag(match.technique());
            ruleText = ruleText.or(match::step);
        }
        text = ruleText.orElse(text);
        if (!external && rules.isMetadataAddress(remote)) {
            trail.root().externalAddresses.add(remote);
        } else if (!external) {
            text = linkInternalFlow(node, flow, text);
        }
        if (!flow.told) {
            step(trail.root(), flow.time(), node, text, 1 + flow.repeats);
        }
        pullInEarlierCallers(trail.root(), remote);
    }

    /**
     * The first time the trail dials an address, the connections its untainted members (the server it entered
     * through) made to that address join it: an exploit's callbacks, such as Log4Shell's LDAP lookup and class
     * download from the host the reverse shell then reaches. Private addresses count too, since an attacker on the
     * same network is common; addresses the inventory knows (pods, hosts, Services) and the metadata service do
     * not, since a server talks to those all day. Cost: once per trail and address, the members' kept flows.
     */
    private void pullInEarlierCallers(Trail root, String address) {
        if (inventory.isKnownAddress(address) || rules.isMetadataAddress(address) || !root.dialled.add(address)) {
            return;
        }
        for (ProcessNode member : root.members()) {
            if (member.tainted) {
                continue;
            }
            member.dropSettledBefore(newestNanos - config.retention().toNanos(), this::unindexExternal);
            for (Flow earlier : member.flows()) {
                if (!earlier.inbound
                        && earlier.remoteAddress.text.equals(address)
                        && root.records.add(earlier.source())) {
                    root.links.add(new Trail.Link(member.key, address, "connected"));
                    step(
                            root,
                            earlier.time(),
                            member,
                            member.name() + " connects to " + earlier.remote() + " (an address the trail uses)",
                            1 + earlier.repeats);
                }
            }
        }
    }

    private String linkInternalFlow(ProcessNode node, Flow flow, String text) {
        Trail trail = node.trail();
        Optional<Service> service = inventory.serviceByIp(flow.remoteAddress.text);
        if (service.isPresent()) {
            Service s = service.get();
            trail.services.add(s.namespace() + "/" + s.name());
            if (isKubernetesApi(s)) {
                openApiWindow(trail, flow);
                return text + " (Kubernetes API)";
            }
            text += " (Service " + s.namespace() + "/" + s.name() + ")";
        } else if (isKubernetesApiEndpoint(flow.remote())) {
            openApiWindow(trail, flow);
            return text + " (Kubernetes API)";
        }
        for (Flow accept = acceptsByClient.get(flow.localKey()); accept != null; accept = accept.nextSameClient) {
            if (sameConnection(flow, accept)) {
                linkLateral(trail, node, accept);
            }
        }
        return text;
    }

    private void linkAcceptToTaintedConnect(Flow accept) {
        for (Flow connect = connectsByClient.get(accept.remoteKey());
                connect != null;
                connect = connect.nextSameClient) {
            if (connect.node.tainted && sameConnection(connect, accept)) {
                linkLateral(connect.node.trail(), connect.node, accept);
            }
        }
    }

    private void linkLateral(Trail trail, ProcessNode client, Flow accept) {
        enter(accept.node, trail, accept.source(), accept.time());
        Trail root = trail.root();
        root.links.add(new Trail.Link(client.key, accept.node.key.toString(), "entered"));
        root.tag(Behaviours.EXPLOIT_REMOTE_SERVICE);
        step(
                root,
                accept.time(),
                accept.node,
                accept.node.name() + " accepts a connection from the trail (" + accept.remote() + ")");
        if (rules.isLoginService(accept.node)) {
            findSession(new PendingSession(root, client, accept));
        }
    }

    /**
     * A login service serves every user from one listener, so the trail does not take the listener in: it takes
     * the session process the accepted connection opened, the login-service process on that host that started
     * first within {@link #SESSION_START_WINDOW_NANOS} of the accept (a child of the listener, or a fork whose
     * parent no sensor reported), and everything run in it. When that process is not known yet, the accept waits
     * for it (see {@link #noteLoginProcess}). Two connections accepted within the window can swap sessions.
     */
    private void findSession(PendingSession pending) {
        String host = pending.accept().node.key.host();
        ArrayDeque<ProcessNode> candidates = loginProcessesByHost.get(host);
        if (candidates != null) {
            for (ProcessNode candidate : candidates) {
                if (!candidate.evicted && pending.opened(candidate)) {
                    candidates.remove(candidate);
                    openSession(pending, candidate);
                    return;
                }
            }
        }
        keepRecent(
                pendingSessionsByHost.computeIfAbsent(host, k -> new ArrayDeque<>(2)),
                pending,
                p -> p.accept().nanos());
    }

    /** A login-service process seen for the first time: the session of an accept waiting for one, or a candidate. */
    private void noteLoginProcess(ProcessNode node) {
        if (!rules.isLoginService(node)) {
            return;
        }
        String host = node.key.host();
        ArrayDeque<PendingSession> waiting = pendingSessionsByHost.get(host);
        if (waiting != null) {
            for (PendingSession pending : waiting) {
                if (pending.opened(node)) {
                    waiting.remove(pending);
                    openSession(pending, node);
                    return;
                }
            }
        }
        keepRecent(loginProcessesByHost.computeIfAbsent(host, k -> new ArrayDeque<>(4)), node, n -> n.key.startNanos());
    }

    /**
     * Adds {@code item} behind what the deque holds of one host, after dropping from the front what is older than
     * the retention before it and, when the deque is full, the oldest.
     */
    private <T> void keepRecent(ArrayDeque<T> deque, T item, java.util.function.ToLongFunction<T> nanos) {
        long oldest = nanos.applyAsLong(item) - config.retention().toNanos();
        while (!deque.isEmpty()
                && (deque.size() == SESSIONS_KEPT_PER_HOST || nanos.applyAsLong(deque.peekFirst()) < oldest)) {
            deque.pollFirst();
        }
        deque.addLast(item);
    }

    private void openSession(PendingSession pending, ProcessNode session) {
        Trail root = pending.trail().root();
        taint(session, root);
        root = session.trail().root();
        root.links.add(new Trail.Link(pending.client().key, session.key.toString(), "entered"));
        step(
                root,
                session.start,
                session,
                pending.accept().node.name() + " opens a session for the trail's connection ("
                        + pending.accept().remote() + "): " + session.name());
    }

    /** An accept from a trail by a login service, and the trail's process that connected. */
    private record PendingSession(Trail trail, ProcessNode client, Flow accept) {

        /** Whether {@code process} is the session this accept opened: its start and its place say so. */
        boolean opened(ProcessNode process) {
            ProcessNode listener = accept.node;
            if (process == listener || (process.parent != null && process.parent != listener)) {
                return false;
            }
            long after = process.key.startNanos() - accept.nanos();
            return after >= -SESSION_START_SLACK_NANOS && after <= SESSION_START_WINDOW_NANOS;
        }
    }

    /**
     * A connect and an accept are one connection when the client ends agree (the accept's remote
     * is the connect's local end), the times agree within the clock skew, and the server end is
     * the address dialled or a backend of the Service dialled.
     */
    private boolean sameConnection(Flow connect, Flow accept) {
        if (connect.localKey() != accept.remoteKey()) {
            return false;
        }
        if (Math.abs(connect.nanos() - accept.nanos()) > config.clockSkew().toNanos()) {
            return false;
        }
        if (connect.remoteKey() == accept.localKey()) {
            return true;
        }
        return inventory
                .serviceByIp(connect.remoteAddress.text)
                .map(service -> inventory.endpointsOf(service, connect.remotePort).stream()
                        .anyMatch(e -> e.address().equals(accept.localAddress.text) && e.port() == accept.localPort))
                .orElse(false);
    }

    private boolean isKubernetesApi(Service service) {
        return service.namespace().equals("default") && service.name().equals("kubernetes");
    }

    private boolean isKubernetesApiEndpoint(Endpoint remote) {
        return inventory.endpoints().stream()
                .filter(e -> e.namespace().equals("default") && e.service().equals("kubernetes"))
                .map(ServiceEndpoint::address)
                .anyMatch(remote.address()::equals);
    }

    private void openApiWindow(Trail trail, Flow flow) {
        Trail root = trail.root();
        root.tag(Behaviours.CONTAINER_API);
        root.tag(Behaviours.CONTAINER_DISCOVERY);
        String source = flow.localAddress.text;
        Instant time = flow.time();
        ApiWindow window =
                new ApiWindow(root, flow.node, time.minus(config.clockSkew()), time.plus(config.apiCallWindow()));
        apiWindowsBySource.computeIfAbsent(source, k -> new ArrayList<>(1)).add(window);
        for (KeptApiCall call : apiCallsBySource.getOrDefault(source, new ArrayDeque<>())) {
            if (window.covers(call.time())) {
                attachApiCall(root, flow.node, call);
            }
        }
    }

    private void attachApiCall(Trail trail, ProcessNode caller, KeptApiCall call) {
        if (!trail.records.add(call.source())) {
            return;
        }
        trail.links.add(new Trail.Link(caller.key, call.user, "called-api-as"));
        trail.identities.add(call.user);
        trail.seen(call.time());
        step(trail, call.time(), null, call.user + " " + call.verb + " " + call.requestUri + " -> " + call.status);
    }

    private void registerAttackerAddress(Trail trail, String address) {
        Trail root = trail.root();
        if (!root.externalAddresses.add(address)) {
            return;
        }
        trailsByAttackerAddress
                .computeIfAbsent(address, k -> new ArrayList<>(1))
                .add(root);
        for (Flow flow : List.copyOf(flowsToExternal.getOrDefault(address, new ArrayDeque<>()))) {
            if (!flow.node.tainted && spansProcessScope(root, flow.node)) {
                enter(flow.node, root, flow.source(), flow.time());
                root.root().links.add(new Trail.Link(flow.node.key, address, "connected"));
                step(
                        root.root(),
                        flow.time(),
                        flow.node,
                        flow.node.name() + " connects to " + flow.remote() + " (attacker address)",
                        1 + flow.repeats);
                flow.told = true;
            }
        }
    }

    /** A flow to an address a trail already used joins that trail when it comes from its scope. */
    private void joinTrailsUsingAddress(Flow flow) {
        if (flow.node.tainted) {
            return;
        }
        for (Trail trail : trailsByAttackerAddress.getOrDefault(flow.remoteAddress.text, List.of())) {
            Trail root = trail.root();
            if (spansProcessScope(root, flow.node)) {
                joinAttackerAddress(root, flow);
                return;
            }
        }
    }

    private void joinAttackerAddress(Trail root, Flow flow) {
        enter(flow.node, root, flow.source(), flow.time());
        root.root().links.add(new Trail.Link(flow.node.key, flow.remoteAddress.text, "connected"));
        step(
                root.root(),
                flow.time(),
                flow.node,
                flow.node.name() + " connects to " + flow.remote() + " (attacker address)");
        flow.told = true;
    }

    /** Same container, or the same host for a process outside any container. */
    private boolean spansProcessScope(Trail trail, ProcessNode node) {
        Optional<String> container = node.containerId();
        if (container.isPresent()) {
            return spansContainer(trail, container.get());
        }
        return trail.members().stream()
                .anyMatch(m -> m.container.isEmpty() && m.host().equals(node.host()));
    }

    private boolean spansContainer(Trail trail, String containerId) {
        if (trail.extraContainers.contains(containerId)) {
            return true;
        }
        return trail.members().stream()
                .anyMatch(m -> m.containerId().filter(containerId::equals).isPresent());
    }

    /** A record as one long: the file's index in the engine's file table, and the line. */
    private long ref(SourceRecord record) {
        return ((long) fileId(record.file()) << 32) | record.line();
    }

    /**
     * The file's index in the engine's file table. A reader gives every record of a file the same
     * name instance and there are few files, so a scan by identity nearly always answers.
     */
    private int fileId(String file) {
        for (int i = 0; i < fileNames.size(); i++) {
            if (fileNames.get(i) == file) {
                return i;
            }
        }
        Integer id = fileIds.get(file);
        if (id == null) {
            id = fileNames.size();
            fileIds.put(file, id);
            fileNames.add(file);
            newestByFile = java.util.Arrays.copyOf(newestByFile, fileNames.size());
            newestByFile[id] = Long.MIN_VALUE;
        }
        return id;
    }

    private SourceRecord record(long ref) {
        return new SourceRecord(fileNames.get((int) (ref >>> 32)), (int) ref);
    }

    /** One instance of each address, numbered: pod and service addresses repeat in nearly every flow. */
    private Address intern(String text) {
        Address address = addresses.get(text);
        if (address == null) {
            address = new Address(text, ++addressesNumbered);
            addresses.put(text, address);
        }
        address.lastUsedNanos = newestNanos;
        return address;
    }

    /** The addresses interned now: those a flow named within the last one or two retentions. */
    int addressesKept() {
        return addresses.size();
    }

    private Trail newTrail() {
        Trail trail = new Trail(trailsMade++);
        trails.add(trail);
        return trail;
    }

    /**
     * Puts one record of a process on a trail without taking the whole process: the way in (the
     * server that was exploited) keeps serving ordinary requests that are not part of the attack.
     */
    private void enter(ProcessNode node, Trail trail, SourceRecord record, Instant time) {
        Trail root = trail.root();
        if (node.trail == null) {
            node.trail = root;
            root.join(node);
        } else if (node.trail() != root) {
            root = Trail.union(node.trail(), root);
            node.trail = root;
        }
        if (record != null) {
            root.records.add(record);
        }
        root.seen(time);
    }

    /** Puts a process, every record about it and all its descendants on a trail. */
    private void taint(ProcessNode start, Trail trail) {
        Deque<ProcessNode> pending = new ArrayDeque<>();
        pending.push(start);
        while (!pending.isEmpty()) {
            ProcessNode node = pending.pop();
            if (node.tainted) {
                if (node.trail() != trail.root()) {
                    Trail.union(node.trail(), trail);
                }
                continue;
            }
            Trail root = trail.root();
            if (node.trail != null && node.trail() != root) {
                root = Trail.union(node.trail(), root);
            } else if (node.trail == null) {
                root.join(node);
            }
            node.trail = root;
            node.tainted = true;
            Trail joined = root;
            node.forEachRecord(ref -> joined.records.add(record(ref)));
            root.seen(node.start);
            if (node.execSeen) {
                classifyExec(node, node.start);
            }
            execSessionAbove(node).ifPresent(session -> addExecSession(node.trail(), session));
            node.dropSettledBefore(newestNanos - config.retention().toNanos(), this::unindexExternal);
            for (Flow flow : node.flows()) {
                indexConnect(flow);
                onTaintedFlow(node, flow);
            }
            node.children.forEach(pending::push);
        }
    }

    private void addRecord(ProcessNode node, SourceRecord record, Instant time) {
        node.addRecord(ref(record));
        node.lastSeenNanos = Math.max(node.lastSeenNanos, EventNanos.of(time));
        if (node.tainted) {
            Trail root = node.trail();
            root.records.add(record);
            root.seen(time);
        }
    }

    private ProcessNode upsert(ProcessRef ref) {
        if (!ref.startKnown()) {
            return upsertSeenAlive(ref);
        }
        int slot = System.identityHashCode(ref) & (RECENT_REFS - 1);
        ProcessNode node = recentRefs[slot] == ref ? recentNodes[slot] : null;
        boolean created = false;
        if (node == null || node.evicted) {
            ProcessKey key = new ProcessKey(hostNames.canonical(ref.host()), ref.pid(), EventNanos.of(ref.startTime()));
            node = nodes.get(key);
            if (node == null) {
                node = newNode(key, ref.startTime());
                adoptChildrenByPid(node);
                created = true;
            }
            recentRefs[slot] = ref;
            recentNodes[slot] = node;
        }
        node.describe(ref);
        if (created) {
            noteLoginProcess(node);
        }
        boolean named = false;
        if (ref.execId().isPresent() && !ref.execId().get().equals(node.execId)) {
            // A node's own exec id stays indexed until the node is evicted, so only another id
            // (a second sensor's, a folded run's) needs the index.
            String id = ref.execId().get();
            if (nodesByExecId.putIfAbsent(id, node) == null && node.execId == null) {
                node.execId = id;
                named = true;
            }
        }
        if ((created || named) && !node.tainted && !skeletons.isEmpty()) {
            reopenBySurvivor(node);
        }
        return node;
    }

    private ProcessNode newNode(ProcessKey key, Instant start) {
        ProcessNode node = new ProcessNode(key, start);
        nodes.put(key, node);
        nodesByHostPid
                .computeIfAbsent(new HostPid(key.host(), key.pid()), k -> new ArrayList<>(1))
                .add(node);
        return node;
    }

    /**
     * A process known by pid only (auditd's parent) is the newest process of that pid that started
     * by the time it was seen. Before any such process is known, it is one node per pid standing
     * for a process that started before the sensors saw it, dated by its earliest sighting; an
     * exec of that pid arriving later takes over the children that started after it (see {@link
     * #adoptChildrenByPid}). A description fills in only what an exec did not say.
     */
    private ProcessNode upsertSeenAlive(ProcessRef ref) {
        String host = hostNames.canonical(ref.host());
        ProcessNode node = nodesByHostPid.getOrDefault(new HostPid(host, ref.pid()), List.of()).stream()
                .filter(n -> n.key.startNanos() != ProcessRef.UNKNOWN_START)
                .filter(n -> !n.start.isAfter(ref.startTime()))
                .max((a, b) -> a.start.compareTo(b.start))
                .orElse(null);
        if (node == null) {
            ProcessKey key = new ProcessKey(host, ref.pid(), ProcessRef.UNKNOWN_START);
            node = nodes.get(key);
            if (node == null) {
                node = newNode(key, ref.startTime());
            } else if (ref.startTime().isBefore(node.start)) {
                node.start = ref.startTime();
            }
        }
        if (!ref.executable().isEmpty()) {
            node.describe(ref);
        }
        return node;
    }

    /**
     * Children linked by pid alone to an earlier process of the same pid (or to the one of unknown
     * start) that started after this process did are this process's: its exec arrived late.
     */
    private void adoptChildrenByPid(ProcessNode node) {
        for (ProcessNode same : List.copyOf(nodesByHostPid.get(new HostPid(node.host(), node.key.pid())))) {
            boolean earlier = same.key.startNanos() == ProcessRef.UNKNOWN_START || same.start.isBefore(node.start);
            if (same == node || !earlier) {
                continue;
            }
            for (ProcessNode child : List.copyOf(same.children)) {
                if (child.parentByPid && !child.start.isBefore(node.start)) {
                    link(child, node);
                }
            }
        }
    }

    private void link(ProcessNode child, ProcessNode parent) {
        if (child.parent == parent || child == parent) {
            return;
        }
        if (child.parent != null) {
            child.parent.children.remove(child);
        }
        child.parent = parent;
        parent.children.add(child);
        if (parent.tainted) {
            taint(child, parent.trail());
        } else if (child.execSeen) {
            seedOnExec(child);
        }
    }

    /**
     * Finds the node another sensor built for the process a detection names: the exact key, or the
     * same host and pid with a start time within a millisecond (GuardDuty's precision); else a new
     * node whose parent is the newest live process with the detection's parent pid.
     */
    private ProcessNode findOrCreate(ProcessRef ref, Detection detection) {
        ProcessKey sensorKey = ref.key();
        ProcessNode exact = nodes.get(
                new ProcessKey(hostNames.canonical(sensorKey.host()), sensorKey.pid(), sensorKey.startNanos()));
        if (exact != null) {
            return exact;
        }
        Optional<ProcessNode> near = ref.execId().map(nodesByExecId::get);
        if (near.isPresent()) {
            return near.get();
        }
        for (ProcessNode candidate : candidatesFor(ref)) {
            if (Duration.between(candidate.start, ref.startTime()).abs().toMillis() <= 1) {
                return candidate;
            }
        }
        ProcessNode node = upsert(ref);
        if (detection.parentPid().isPresent()) {
            newestBefore(hostNames.canonical(ref.host()), detection.parentPid().getAsLong(), ref.startTime())
                    .ifPresent(parent -> link(node, parent));
        }
        return node;
    }

    private List<ProcessNode> candidatesFor(ProcessRef ref) {
        List<ProcessNode> sameHost =
                nodesByHostPid.getOrDefault(new HostPid(hostNames.canonical(ref.host()), ref.pid()), List.of());
        if (!sameHost.isEmpty() || ref.container().isEmpty()) {
            return sameHost;
        }
        String container = ref.container().get().id().id();
        return nodes.values().stream()
                .filter(n -> n.key.pid() == ref.pid())
                .filter(n -> n.containerId()
                        .filter(id -> id.startsWith(container) || container.startsWith(id))
                        .isPresent())
                .toList();
    }

    private Optional<ProcessNode> newestBefore(String host, long pid, Instant time) {
        return nodesByHostPid.getOrDefault(new HostPid(host, pid), List.of()).stream()
                .filter(n -> !n.start.isAfter(time))
                .max((a, b) -> a.start.compareTo(b.start));
    }

    /** The key of the processes one pid on one host has been. */
    private record HostPid(String host, long pid) {}

    private void step(Trail trail, Instant time, ProcessNode node, String text) {
        step(trail, time, node, text, 1);
    }

    private void step(Trail trail, Instant time, ProcessNode node, String text, long times) {
        if (trail == null) {
            return;
        }
        String host = node == null ? "" : node.host();
        String container = node == null ? "" : node.containerId().orElse("");
        trail.root().steps.add(new Trail.Step(time == null ? Instant.EPOCH : time, host, container, text), times);
    }

    record ApiWindow(Trail trail, ProcessNode caller, Instant from, Instant to) {

        boolean covers(Instant time) {
            return !time.isBefore(from) && !time.isAfter(to);
        }
    }

    record LooseDetection(Detection detection, Optional<ProcessNode> node) {}

    /** A {@code kubectl exec} request: processes the runtime starts in the pod soon after are its. */
    record ExecSession(ApiCall call) {

        boolean covers(Instant processStart, Duration skew) {
            return !processStart.isBefore(call.time().minus(skew).minusSeconds(5))
                    && !processStart.isAfter(call.time().plus(skew));
        }
    }
}
