package io.sightline.server.ingest;

import static java.util.Objects.requireNonNull;

import io.sightline.store.TailPositions;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tailed files and the one thread that polls them. With a zero poll interval nothing polls
 * on its own (tests call {@link TetragonTailer#pollOnce}).
 */
public final class Tailing implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tailing.class);

    private final IngestConfig config;
    private final List<TetragonTailer> tailers;
    private Optional<ScheduledExecutorService> poller = Optional.empty();

    public Tailing(IngestConfig config, IngestService ingest, TailPositions positions) {
        this.config = requireNonNull(config, "config is null");
        this.tailers = config.tetragonFiles().stream()
                .map(file -> new TetragonTailer(file, ingest, positions))
                .toList();
    }

    public List<TetragonTailer> tailers() {
        return tailers;
    }

    /** Starts polling every file at the configured interval. */
    public synchronized void start() {
        if (tailers.isEmpty() || config.tailPollInterval().isZero()) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("sightline-tail").daemon(true).factory());
        long millis = Math.max(1, config.tailPollInterval().toMillis());
        for (TetragonTailer tailer : tailers) {
            LOG.info("Tailing Tetragon export file={} pollMs={}", tailer.path(), millis);
            executor.scheduleWithFixedDelay(() -> poll(tailer), 0, millis, TimeUnit.MILLISECONDS);
        }
        poller = Optional.of(executor);
    }

    @Override
    public synchronized void close() {
        poller.ifPresent(executor -> {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("Tail thread did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        tailers.forEach(TetragonTailer::close);
    }

    private static void poll(TetragonTailer tailer) {
        try {
            tailer.pollOnce();
        } catch (IOException | RuntimeException e) {
            // Retried at the next poll from the last committed position; nothing was half-logged.
            LOG.warn("Tailing failed file={} cause={}; retrying at the next poll", tailer.path(), e.toString());
        }
    }
}
