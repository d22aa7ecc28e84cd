package io.sightline.bench;

import io.sightline.engine.StoryboardEngine;
import io.sightline.event.RuntimeEvent;
import io.sightline.storyboard.StoryboardChanges;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Latency from ingest to storyboard update at a fixed arrival rate, as the server's engine thread
 * sees it: event {@code i} arrives at {@code start + i / rate}; the engine thread takes what has
 * arrived (at most {@link #BATCH} events, the server's batch) and stitches it, and publishes as the
 * server does, at once after an idle spell, else at most once per 20 ms: takes the storyboards and
 * diffs them into change events, which is what the server pushes to a UI. An event's latency is
 * from its arrival to the end of the publish that first shows it.
 *
 * <p>Arrival times are scheduled, not observed, so a stall delays every event behind it and shows
 * in the percentiles (no coordinated omission). Decoding is not included: the events are decoded
 * before the clock starts, as for the engine-only figure.
 */
final class Paced {

    /** The server's engine thread applies at most this many queued records before it publishes. */
    private static final int BATCH = 1_000;
    /** The server's {@code EngineLoop.PUBLISH_INTERVAL}: at most one publish per 20 ms while records keep coming. */
    private static final long PUBLISH_INTERVAL_NANOS = 20_000_000;

    private final Supplier<StoryboardEngine> engines;
    private final List<RuntimeEvent> events;

    Paced(Supplier<StoryboardEngine> engines, List<RuntimeEvent> events) {
        this.engines = engines;
        this.events = events;
    }

    void run(long eventsPerSecond, int repeat) {
        System.out.printf(
                Locale.ROOT,
                "4. ingest to storyboard update at %,d events/s, one engine thread, batches of up to %d,"
                        + " publish at most every 20 ms:%n",
                eventsPerSecond,
                BATCH);
        for (int run = 0; run <= repeat; run++) {
            Result result = once(eventsPerSecond);
            System.out.printf(
                    Locale.ROOT,
                    "   %s p50 %.2f ms, p99 %.2f ms, max %.1f ms; %d publishes, %.0f events per publish,"
                            + " a publish p50 %.2f ms, p99 %.2f ms; fed at %,.0f events/s%n",
                    run == 0 ? "warm-up" : "run " + run + "  ",
                    result.percentile(0.50) / 1e6,
                    result.percentile(0.99) / 1e6,
                    result.percentile(1.0) / 1e6,
                    result.publishes(),
                    (double) events.size() / result.publishes(),
                    result.publishCost(0.50) / 1e6,
                    result.publishCost(0.99) / 1e6,
                    events.size() / (result.elapsedNanos() / 1e9));
        }
    }

    private Result once(long eventsPerSecond) {
        StoryboardEngine engine = engines.get();
        StoryboardChanges changes = new StoryboardChanges();
        long[] latencies = new long[events.size()];
        long[] publishNanos = new long[events.size()];
        double nanosPerEvent = 1e9 / eventsPerSecond;
        long start = System.nanoTime();
        int next = 0;
        int firstUnpublished = 0;
        long nextPublish = 0;
        int publishes = 0;
        while (firstUnpublished < events.size()) {
            long now = System.nanoTime() - start;
            int arrived = arrivedBy(now, nanosPerEvent);
            if (arrived > next) {
                int end = Math.min(arrived, next + BATCH);
                for (int i = next; i < end; i++) {
                    engine.accept(events.get(i));
                }
                next = end;
                now = System.nanoTime() - start;
            }

            if (next > firstUnpublished && now >= nextPublish) {
                changes.next(engine.storyboards());
                long published = System.nanoTime() - start;
                publishNanos[publishes++] = published - now;
                for (int i = firstUnpublished; i < next; i++) {
                    latencies[i] = published - arrivalOf(i, nanosPerEvent);
                }
                firstUnpublished = next;
                nextPublish = published + PUBLISH_INTERVAL_NANOS;
            } else if (arrivedBy(System.nanoTime() - start, nanosPerEvent) <= next) {
                long wakeAt = next < events.size() ? arrivalOf(next, nanosPerEvent) : nextPublish;
                if (next > firstUnpublished) {
                    wakeAt = Math.min(wakeAt, nextPublish);
                }
                LockSupport.parkNanos(wakeAt - (System.nanoTime() - start));
            }
        }
        long elapsed = System.nanoTime() - start;
        Arrays.sort(latencies);
        long[] publishCosts = Arrays.copyOf(publishNanos, publishes);
        Arrays.sort(publishCosts);
        return new Result(latencies, publishes, elapsed, publishCosts);
    }

    private int arrivedBy(long elapsedNanos, double nanosPerEvent) {
        return (int) Math.min(events.size(), elapsedNanos / nanosPerEvent + 1);
    }

    private static long arrivalOf(int index, double nanosPerEvent) {
        return (long) (index * nanosPerEvent);
    }

    /** {@code sortedPublishCosts}: how long each publish (storyboards taken and diffed) took, sorted. */
    private record Result(long[] sortedLatencies, int publishes, long elapsedNanos, long[] sortedPublishCosts) {

        long percentile(double fraction) {
            return percentile(sortedLatencies, fraction);
        }

        long publishCost(double fraction) {
            return percentile(sortedPublishCosts, fraction);
        }

        private static long percentile(long[] sorted, double fraction) {
            int index = (int) Math.min(sorted.length - 1, Math.floor(sorted.length * fraction));
            return sorted[index];
        }
    }
}
