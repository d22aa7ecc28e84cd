package io.sightline.formats;

import io.sightline.engine.EngineConfig;
import io.sightline.event.RuntimeEvent;
import io.sightline.formats.telemetry.ReadSummary;
import io.sightline.formats.telemetry.TelemetryReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Replays several telemetry files as one stream in event-time order, the way the sensors would
 * have delivered them together. Each file is parsed on its own thread into a bounded queue of
 * batches; the caller's thread always takes the earliest head. Files are each roughly in time order already,
 * so memory stays at one queue per file whatever their size, and parsing uses every core.
 *
 * <p>A record dated further ahead than {@link #OUT_OF_LINE} of the record before it in its file, while one of
 * the next {@link #LOOKAHEAD} records falls back, is out of line (a clock jump of a few records, corrupt
 * timestamps): it is merged at its predecessor's time, so that it does not hold back the rest of its file
 * behind every other file. It keeps its own time; the engine decides what that time means.
 */
final class TimeMerge {

    private static final int QUEUE = 16;
    private static final int BATCH = 512;
    private static final long OUT_OF_LINE = EngineConfig.DEFAULTS.lateness().toNanos();
    private static final int LOOKAHEAD = 32;

    private TimeMerge() {}

    /** One file to replay: where it is and the name its records carry. */
    record Source(Path path, String name) {}

    /** Streams the files into {@code sink} in time order and returns each file's summary. */
    static List<ReadSummary> replay(List<Source> sources, Consumer<RuntimeEvent> sink) {
        List<Lane> lanes = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            lanes.add(new Lane(i, sources.get(i)));
        }
        lanes.forEach(Lane::start);

        PriorityQueue<Head> heads =
                new PriorityQueue<>(Comparator.comparingLong((Head h) -> h.key).thenComparingInt(h -> h.lane.index));
        lanes.forEach(lane -> lane.next().ifPresent(heads::add));
        while (!heads.isEmpty()) {
            Head head = heads.poll();
            sink.accept(head.event);
            head.lane.next().ifPresent(heads::add);
        }
        return lanes.stream().map(Lane::summary).toList();
    }

    /** A lane's next event and the time it is merged at (its own, unless it is out of line; see {@link Lane}). */
    private record Head(Lane lane, RuntimeEvent event, long key) {}

    /** One file's reader thread and the queue between it and the merge. */
    private static final class Lane {

        private static final Object END = new Object();

        private final int index;
        private final Source source;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
        private List<RuntimeEvent> filling = new ArrayList<>(BATCH);
        private List<RuntimeEvent> draining = List.of();
        private int drained;
        private boolean ended;
        private long lastKey = Long.MIN_VALUE;
        private volatile ReadSummary summary;
        private volatile RuntimeException failure;
        private Thread thread;

        Lane(int index, Source source) {
            this.index = index;
            this.source = source;
        }

        void start() {
            thread = Thread.ofPlatform()
                    .daemon()
                    .name("telemetry-" + source.name())
                    .start(() -> {
                        try {
                            summary = TelemetryReader.read(source.path(), source.name(), this::add);
                        } catch (RuntimeException e) {
                            failure = e;
                        } finally {
                            put(filling);
                            put(END);
                        }
                    });
        }

        java.util.Optional<Head> next() {
            if (!fill()) {
                return java.util.Optional.empty();
            }
            RuntimeEvent event = draining.get(drained++);
            long time = nanos(event);
            long key = time;
            if (lastKey != Long.MIN_VALUE && time > lastKey + OUT_OF_LINE && fill() && fallsBack(time)) {
                key = lastKey;
            }
            lastKey = key;
            return java.util.Optional.of(new Head(this, event, key));
        }

        /**
         * Whether one of the next {@link #LOOKAHEAD} events of this batch falls back behind {@code time}: then
         * the event at {@code time} opens a run out of line with its file, not a jump of the whole file.
         */
        private boolean fallsBack(long time) {
            int end = Math.min(draining.size(), drained + LOOKAHEAD);
            for (int i = drained; i < end; i++) {
                if (nanos(draining.get(i)) < time - OUT_OF_LINE) {
                    return true;
                }
            }
            return false;
        }

        /** Whether an event is ready at {@code drained}, taking the next batch when the current one is done. */
        private boolean fill() {
            while (drained == draining.size()) {
                if (ended) {
                    return false;
                }
                Object item;
                try {
                    item = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while merging " + source.name(), e);
                }
                if (item == END) {
                    ended = true;
                    join();
                    if (failure != null) {
                        throw failure;
                    }
                    return false;
                }
                @SuppressWarnings("unchecked")
                List<RuntimeEvent> batch = (List<RuntimeEvent>) item;
                draining = batch;
                drained = 0;
            }
            return true;
        }

        private static long nanos(RuntimeEvent event) {
            return event.time().getEpochSecond() * 1_000_000_000L + event.time().getNano();
        }

        private void add(RuntimeEvent event) {
            filling.add(event);
            if (filling.size() == BATCH) {
                put(filling);
                filling = new ArrayList<>(BATCH);
            }
        }

        ReadSummary summary() {
            return summary;
        }

        private void put(Object item) {
            try {
                queue.put(item);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading " + source.name(), e);
            }
        }

        private void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading " + source.name(), e);
            }
        }
    }
}
