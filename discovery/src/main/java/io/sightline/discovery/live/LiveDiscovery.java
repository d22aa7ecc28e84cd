package io.sightline.discovery.live;

import static java.util.Objects.requireNonNull;

import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventoryWriter;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.k8s.KubernetesSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an inventory live: informers for each cluster, a full relist of every source beside them
 * at a fixed interval, and the inventory files rewritten whenever the live objects changed.
 *
 * <p>Relists of clusters go through {@link KubernetesSource#relist()}, which sweeps a kind only
 * after a complete list and never undoes what an informer saw after that list began. The other
 * sources (AWS accounts, Docker hosts), which have no watch, are synced whole by {@code others} at
 * start and at each relist.
 *
 * <p>Changes are looked for every {@code flushInterval}, and only when the store was written since
 * the last look; each change goes to the listener and the files are rewritten (each atomically, and
 * a file whose kind has no live object left is deleted).
 *
 * <p>Thread-safe: {@link #relist()} and {@link #flush()} may be called from any thread while the
 * schedule runs; they are serialised.
 */
public final class LiveDiscovery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveDiscovery.class);

    private final AssetStore store;
    private final List<KubernetesSource> clusters;
    private final Supplier<List<SourceReport>> others;
    private final Settings settings;
    private final Listener listener;
    private final InventoryDiff diff = new InventoryDiff();
    private final InventoryWriter writer = new InventoryWriter();
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    // TODO: relists and change checks share one thread, so what the informers see while a slow
    // relist runs (an AWS account of many regions) is printed and written only after it; a relist
    // would need its own thread and a store snapshot per flush to lift that.
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sightline-live-discovery");
        thread.setDaemon(true);
        return thread;
    });
    private Set<Path> written = Set.of();

    /**
     * @param others syncs every source that is not a watched cluster, once per call
     */
    public LiveDiscovery(
            AssetStore store,
            List<KubernetesSource> clusters,
            Supplier<List<SourceReport>> others,
            Settings settings,
            Listener listener) {
        this.store = requireNonNull(store, "store is null");
        this.clusters = List.copyOf(clusters);
        this.others = requireNonNull(others, "others is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.listener = requireNonNull(listener, "listener is null");
        store.addListener((source, tracked) -> dirty.set(true));
    }

    /**
     * Starts every cluster's informers and syncs the other sources, writes the files, then schedules
     * the relists and the change checks. Returns the reports of that first look; what it found is
     * the baseline, not reported as changes.
     */
    public List<SourceReport> start() {
        List<SourceReport> reports = new ArrayList<>();
        clusters.forEach(cluster -> reports.add(cluster.watch()));
        reports.addAll(others.get());
        synchronized (this) {
            diff.next(store);
            dirty.set(false);
            write();
        }
        long relist = settings.relistInterval().toMillis();
        long flush = settings.flushInterval().toMillis();
        schedule.scheduleWithFixedDelay(guarded("relist", this::relist), relist, relist, TimeUnit.MILLISECONDS);
        schedule.scheduleWithFixedDelay(guarded("flush", this::flush), flush, flush, TimeUnit.MILLISECONDS);
        LOG.info(
                "live discovery started clusters={} relistInterval={} out={}",
                clusters.size(),
                settings.relistInterval(),
                settings.out().map(Path::toString).orElse("none"));
        return reports;
    }

    /**
     * Relists every source now, then looks for changes. A cluster that relisted whole but has a kind
     * without a running informer (it failed to start, or stopped after its own relist failed) has
     * those informers started again.
     */
    public synchronized List<SourceReport> relist() {
        List<SourceReport> reports = new ArrayList<>();
        for (KubernetesSource cluster : clusters) {
            SourceReport relisted = cluster.relist();
            reports.add(relisted);
            if (relisted.ok() && !cluster.watching() && !schedule.isShutdown()) {
                LOG.info("restarting informers source={}", cluster.name());
                SourceReport restarted = cluster.watch();
                if (!restarted.ok()) {
                    reports.add(restarted);
                }
            }
        }
        reports.addAll(others.get());
        if (!schedule.isShutdown()) {
            // A relist cut short by close() reports interruptions, not the sources' state.
            listener.relisted(reports);
        }
        flush();
        return reports;
    }

    /** Reports the changes since the last look and rewrites the files when there are any. */
    public synchronized List<InventoryChange> flush() {
        if (!dirty.getAndSet(false)) {
            return List.of();
        }
        List<InventoryChange> changes = diff.next(store);
        if (!changes.isEmpty()) {
            changes.forEach(listener::changed);
            write();
        }
        return changes;
    }

    @Override
    public void close() {
        schedule.shutdownNow();
        try {
            if (!schedule.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("live discovery still relisting after 10 s; closing the sources anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clusters.forEach(KubernetesSource::close);
        LOG.info("live discovery stopped");
    }

    private void write() {
        if (settings.out().isEmpty()) {
            return;
        }
        Path folder = settings.out().orElseThrow();
        Set<Path> now = new HashSet<>(writer.write(store, folder));
        try {
            for (Path stale : written) {
                if (!now.contains(stale)) {
                    Files.deleteIfExists(stale);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete a stale inventory file in " + folder, e);
        }
        written = Set.copyOf(now);
    }

    /** A failed run is logged and the schedule goes on: a scheduled task that throws is never run again. */
    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("live discovery {} failed; retried at the next interval cause={}", what, e.toString());
            }
        };
    }

    /**
     * @param relistInterval time between the end of one full relist and the start of the next
     * @param flushInterval time between two looks for changes
     * @param out where the inventory files are written, if anywhere
     */
    public record Settings(Duration relistInterval, Duration flushInterval, Optional<Path> out) {

        public static final Duration DEFAULT_RELIST_INTERVAL = Duration.ofMinutes(10);
        public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

        public Settings {
            positive(relistInterval, "relistInterval");
            positive(flushInterval, "flushInterval");
            requireNonNull(out, "out is null");
        }

        private static void positive(Duration interval, String name) {
            requireNonNull(interval, name + " is null");
            if (interval.isNegative() || interval.isZero() || interval.toMillis() == 0) {
                throw new IllegalArgumentException(name + " must be at least 1 ms, got " + interval);
            }
        }
    }

    /** Told of each change and of each relist's reports, on the schedule's thread. */
    public interface Listener {

        void changed(InventoryChange change);

        void relisted(List<SourceReport> reports);
    }
}
