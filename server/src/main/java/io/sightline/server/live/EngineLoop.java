package io.sightline.server.live;

import static java.util.Objects.requireNonNull;

import io.sightline.engine.EngineConfig;
import io.sightline.engine.rarity.PatternHistory;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.store.IngestLog;
import io.sightline.store.LogEntry;
import io.sightline.store.PatternHistoryStore;
import io.sightline.store.StoreException;
import io.sightline.storyboard.StoryboardChange;
import io.sightline.storyboard.StoryboardChanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the engine. On start it replays the ingest log written before this
 * process began; then it applies entries as ingest appends them, in log order, a batch at a time,
 * and publishes a new {@link View} and the storyboard changes at once when it was idle, else at
 * most once per {@link #PUBLISH_INTERVAL}: a publish rebuilds the storyboards that changed, which
 * for a trail of thousands of processes costs milliseconds, and a stream of small batches would
 * otherwise spend the engine thread on snapshots (measured with the bench's {@code --paced}).
 *
 * <p>Invariants: an entry is in the queue only after the log committed it, and entries enter the
 * queue in seq order (appending and enqueueing happen under one lock), so the engine sees exactly
 * the order a later replay of the log will see. The queue is bounded by permits: {@link #submit}
 * refuses when fewer than the batch's size are free, before anything is written.
 *
 * <p>With a {@link PatternHistoryStore}, the engine judges rarity with the history loaded at start,
 * and the thread writes the engine's pattern counts back after the replay, then after a batch when
 * {@link #PATTERNS_KEPT_EVERY} has passed since the last write, and once more on {@link #close}.
 *
 * <p>Thread safe.
 */
public final class EngineLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
    private static final int BATCH = 1_000;
    /** At most one publish per interval while records keep coming; the delay it adds is at most this. */
    public static final Duration PUBLISH_INTERVAL = Duration.ofMillis(20);

    private static final int REPLAY_PUBLISH_EVERY = 10_000;
    private static final Duration PATTERNS_KEPT_EVERY = Duration.ofMinutes(1);

    private final IngestLog log;
    private final Workspace workspace;
    private final int capacity;
    private final Semaphore permits;
    private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final StoryboardChanges changes = new StoryboardChanges();
    private final List<Consumer<List<StoryboardChange>>> listeners = new CopyOnWriteArrayList<>();
    private final Object appendLock = new Object();
    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progressed = progressLock.newCondition();
    private final ReentrantLock holdLock = new ReentrantLock();
    private final long replayTo;
    private final Thread thread;
    private volatile View view;
    private volatile boolean replaying = true;
    private volatile boolean stopped;
    private final Optional<PatternHistoryStore> patterns;
    private long patternsKeptNanos;

    public EngineLoop(IngestLog log, Set<String> knownExploited, EngineConfig config, int capacity) {
        this(log, knownExploited, config, capacity, Optional.empty());
    }

    /** An engine loop that judges rarity with the history in {@code patterns} and writes its counts back there. */
    public EngineLoop(
            IngestLog log,
            Set<String> knownExploited,
            EngineConfig config,
            int capacity,
            Optional<PatternHistoryStore> patterns) {
        this.log = requireNonNull(log, "log is null");
        this.patterns = requireNonNull(patterns, "patterns is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
        PatternHistory history = patterns.map(PatternHistoryStore::load).orElse(PatternHistory.EMPTY);
        long mergedThrough = patterns.map(PatternHistoryStore::mergedThroughSeq).orElse(0L);
        if (patterns.isPresent()) {
            LOG.info("Pattern history loaded patterns={} mergedThroughSeq={}", history.size(), mergedThrough);
        }
        this.workspace = new Workspace(log, knownExploited, config, history, mergedThrough);
        this.view = workspace.view();
        this.replayTo = log.lastSeq();
        this.thread = Thread.ofPlatform().name("sightline-engine").unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    /**
     * Writes the entries to the log and queues them for the engine.
     *
     * @return the entries as placed in the log
     * @throws QueueFullException when the engine is behind by more than the capacity allows;
     *     nothing was written
     */
    public List<LogEntry> submit(List<LogEntry.Pending> pending) throws QueueFullException {
        return submit(pending, IngestLog.Companion.NONE);
    }

    /**
     * Writes the entries and {@code companion} to the log in one transaction and queues the
     * entries for the engine. With no entries the companion alone is written.
     *
     * @return the entries as placed in the log
     * @throws QueueFullException when the engine is behind by more than the capacity allows;
     *     nothing was written
     */
    public List<LogEntry> submit(List<LogEntry.Pending> pending, IngestLog.Companion companion)
            throws QueueFullException {
        return submit(pending, null, companion);
    }

    /**
     * Writes the telemetry records and {@code companion} to the log in one transaction and
     * queues them for the engine with the events each maps to, mapped as they arrived (their
     * source a placeholder; each gets its record in the log as it is queued), so that the engine
     * thread does not read them again.
     *
     * @param events per record, in the order of {@code pending}
     * @return the entries as placed in the log
     * @throws QueueFullException when the engine is behind by more than the capacity allows;
     *     nothing was written
     */
    public List<LogEntry> submitMapped(
            List<LogEntry.Pending> pending, List<List<RuntimeEvent>> events, IngestLog.Companion companion)
            throws QueueFullException {
        requireNonNull(events, "events is null");
        if (events.size() != pending.size()) {
            throw new IllegalArgumentException(
                    "expected the events of each of " + pending.size() + " records, got " + events.size());
        }
        return submit(pending, events, companion);
    }

    private List<LogEntry> submit(
            List<LogEntry.Pending> pending, List<List<RuntimeEvent>> events, IngestLog.Companion companion)
            throws QueueFullException {
        requireNonNull(pending, "pending is null");
        requireNonNull(companion, "companion is null");
        if (pending.isEmpty()) {
            if (companion != IngestLog.Companion.NONE) {
                synchronized (appendLock) {
                    log.append(pending, companion);
                }
            }
            return List.of();
        }
        if (pending.size() > capacity) {
            throw new IllegalArgumentException(
                    "a batch of " + pending.size() + " records is more than the queue holds (" + capacity + ")");
        }
        if (stopped || !permits.tryAcquire(pending.size())) {
            throw new QueueFullException(queue.size(), capacity);
        }
        try {
            synchronized (appendLock) {
                List<LogEntry> placed = log.append(pending, companion);
                for (int i = 0; i < placed.size(); i++) {
                    LogEntry entry = placed.get(i);
                    queue.add(new Queued(entry, events == null ? null : logged(entry, events.get(i))));
                }
                return placed;
            }
        } catch (RuntimeException e) {
            permits.release(pending.size());
            throw e;
        }
    }

    /** The events as the record they came from in the log names them. */
    private static List<RuntimeEvent> logged(LogEntry entry, List<RuntimeEvent> events) {
        SourceRecord source = Workspace.sourceOf(entry);
        List<RuntimeEvent> logged = new ArrayList<>(events.size());
        for (RuntimeEvent event : events) {
            logged.add(event.withSource(source));
        }
        return logged;
    }

    /** An entry the log holds, and its events when they were mapped as it arrived, else null. */
    private record Queued(LogEntry entry, List<RuntimeEvent> events) {}

    public View view() {
        return view;
    }

    public boolean replaying() {
        return replaying;
    }

    public int queued() {
        return queue.size();
    }

    public int capacity() {
        return capacity;
    }

    public void addListener(Consumer<List<StoryboardChange>> listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Waits until the engine applied every entry up to {@code seq}; false on timeout. */
    public boolean awaitApplied(long seq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        progressLock.lock();
        try {
            while (view.appliedSeq() < seq) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progressed.awaitNanos(left);
            }
            return true;
        } finally {
            progressLock.unlock();
        }
    }

    /**
     * Keeps the engine from starting another batch until the returned handle is closed: for
     * tests that need the queue to fill.
     */
    public Hold holdForTest() {
        holdLock.lock();
        return holdLock::unlock;
    }

    /** A hold on the engine thread; closing it lets the engine go on. */
    @FunctionalInterface
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Stops the thread, then writes the pattern counts it has not written; entries still queued
     * are in the log and are applied on the next start.
     */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Engine thread did not stop in 10 s; its pattern counts since the last write are not kept");
            return;
        }
        keepPatterns();
    }

    /** Writes the engine's pattern counts to the history; a store failure loses them, and says so. */
    private void keepPatterns() {
        patternsKeptNanos = System.nanoTime();
        patterns.ifPresent(store -> {
            try {
                workspace.keepPatterns((counts, throughSeq) -> {
                    store.merge(counts, throughSeq);
                    LOG.debug("Pattern counts kept patterns={} throughSeq={}", counts.size(), throughSeq);
                });
            } catch (StoreException e) {
                LOG.warn("Pattern counts not kept; rarity history misses them cause={}", e.getMessage());
            }
        });
    }

    private void run() {
        try {
            replayLog();
            List<Queued> batch = new ArrayList<>(BATCH);
            boolean unpublished = false;
            long nextPublish = System.nanoTime();
            while (!stopped) {
                Queued first = unpublished
                        ? queue.poll(Math.max(0, nextPublish - System.nanoTime()), TimeUnit.NANOSECONDS)
                        : queue.take();
                if (first != null) {
                    batch.add(first);
                    apply(batch);
                    unpublished = true;
                }

                long now = System.nanoTime();
                if (unpublished && now - nextPublish >= 0) {
                    publish();
                    unpublished = false;
                    nextPublish = now + PUBLISH_INTERVAL.toNanos();
                }
                if (now - patternsKeptNanos >= PATTERNS_KEPT_EVERY.toNanos()) {
                    keepPatterns();
                }
            }
        } catch (InterruptedException e) {
            LOG.info("Engine thread stopped appliedSeq={} queued={}", workspace.appliedSeq(), queue.size());
        } catch (RuntimeException e) {
            LOG.error("Engine thread failed appliedSeq={}; ingest stops being applied", workspace.appliedSeq(), e);
            stopped = true;
        }
    }

    private void apply(List<Queued> batch) throws InterruptedException {
        holdLock.lockInterruptibly();
        try {
            queue.drainTo(batch, BATCH - 1);
            batch.forEach(queued -> workspace.apply(queued.entry(), queued.events()));
        } finally {
            holdLock.unlock();
        }
        permits.release(batch.size());
        batch.clear();
    }

    private void replayLog() {
        replayEntries();
        keepPatterns();
    }

    private void replayEntries() {
        if (replayTo == 0) {
            replaying = false;
            LOG.info("Ingest log empty; engine started fresh");
            return;
        }
        long started = System.nanoTime();
        LOG.info("Replaying ingest log entries={}", replayTo);
        long[] count = {0};
        log.read(1, replayTo, entry -> {
            if (stopped) {
                throw new IllegalStateException("engine stopped during log replay at seq " + entry.seq());
            }
            workspace.apply(entry);
            if (++count[0] % REPLAY_PUBLISH_EVERY == 0) {
                publish();
            }
        });
        replaying = false;
        publish();
        LOG.info(
                "Replayed ingest log entries={} elapsedMs={}",
                count[0],
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private void publish() {
        View next = workspace.view();
        List<StoryboardChange> changed = changes.next(next.storyboards());
        progressLock.lock();
        try {
            view = next;
            progressed.signalAll();
        } finally {
            progressLock.unlock();
        }
        if (!changed.isEmpty()) {
            for (Consumer<List<StoryboardChange>> listener : listeners) {
                try {
                    listener.accept(changed);
                } catch (RuntimeException e) {
                    LOG.warn("Storyboard change listener failed cause={}", e.toString());
                }
            }
        }
    }

    /** The engine is behind: the caller should retry later. */
    public static final class QueueFullException extends Exception {

        private static final long serialVersionUID = 1L;

        QueueFullException(int queued, int capacity) {
            super("the engine is behind: " + queued + " of " + capacity + " queued records waiting; retry later");
        }
    }
}
