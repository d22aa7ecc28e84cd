package io.sightline.bench;

import com.alibaba.fastjson2.JSONReader;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import io.sightline.engine.EngineConfig;
import io.sightline.engine.StoryboardEngine;
import io.sightline.event.RuntimeEvent;
import io.sightline.formats.InputLoader;
import io.sightline.formats.KevCatalogue;
import io.sightline.formats.telemetry.TelemetryReader;
import io.sightline.rank.ImageCatalogue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The storyboard engine's benchmark: {@code java -jar bench/target/sightline-bench.jar DIR}, where
 * DIR is a scenario folder (make a large one with {@code scenario-gen --background-events N}).
 *
 * <p>It prints, in one run: the tokenise-only ceiling of three JSON readers over the same lines,
 * end to end from JSON lines to storyboards (the files parsed in parallel and merged in event
 * time, as {@code analyze} does), and the
 * engine alone over already-decoded events with its per-event latency and the heap it retains
 * per event. Each figure is the best of {@code --repeat} runs after one warm-up run.
 */
public final class Bench {

    private static final JsonFactory JACKSON = new JsonFactory();
    private static final ObjectMapper TREE = new ObjectMapper();

    private final Path folder;
    private final List<Path> telemetry;
    private final Options options;
    private InputLoader loader;
    private ImageCatalogue catalogue;

    private Bench(Path folder, Options options) {
        this.folder = folder;
        this.telemetry = telemetryFiles(folder);
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("sightline-bench: " + e.getMessage());
            System.err.println("usage: sightline-bench DIR [--repeat N] [--only tokenise|end-to-end|engine|retained]"
                    + " [--histogram CLASSES]"
                    + " [--soak EVENTS [--soak-attack CLOSE_AFTER]] [--paced EVENTS_PER_SECOND]"
                    + "   (DIR: a scenario folder)");
            System.exit(2);
            return;
        }
        new Bench(Path.of(args[0]), options).run();
    }

    private void run() throws Exception {
        loadAssets();
        if (options.soakEvents() > 0) {
            Supplier<StoryboardEngine> engines = options.soakAttackCloseAfter().isEmpty()
                    ? this::newEngine
                    : () -> newEngine(options.soakAttackCloseAfter().get());
            new Soak(engines, decodedEvents(), options.soakAttackCloseAfter().isPresent()).run(options.soakEvents());
            return;
        }
        if (options.pacedRate() > 0) {
            new Paced(this::newEngine, decodedEvents()).run(options.pacedRate(), options.repeat());
            return;
        }
        long bytes = 0;
        for (Path file : telemetry) {
            bytes += Files.size(file);
        }
        System.out.printf(
                Locale.ROOT,
                "input: %s, %d telemetry files, %.1f MB, %d cores%n",
                folder,
                telemetry.size(),
                bytes / 1e6,
                Runtime.getRuntime().availableProcessors());

        if (options.runs("tokenise")) {
            System.out.println("1. tokenise only (ceiling), one thread:");
            report("   jackson streaming", best(this::tokeniseJackson), bytes);
            report("   jackson tree     ", best(this::treeJackson), bytes);
            report("   fastjson2 skip   ", best(this::tokeniseFastjson), bytes);
        }
        if (options.runs("end-to-end")) {
            System.out.println("2. end to end, JSON lines to storyboards:");
            report("   decode only      ", best(this::decodeOnly), bytes);
            report("   merged, all cores", best(this::endToEnd), bytes);
        }
        if (options.runs("engine")) {
            System.out.println("3. engine only, decoded events, one thread:");
            engineOnly();
        }
        if (options.runs("engine") || options.runs("retained")) {
            retainedWhenStreamed();
        }
    }

    private void loadAssets() {
        loader = new InputLoader(folder);
        List<Path> documents = Stream.of("inventory", "scans")
                .map(folder::resolve)
                .filter(Files::isDirectory)
                .toList();
        loader.addDocuments(documents);
        catalogue = ImageCatalogue.build(loader.inventory(), loader.reports(), KevCatalogue.bundled());
    }

    private Measure tokeniseJackson() {
        return overLines(line -> {
            try (JsonParser parser = JACKSON.createParser(line)) {
                while (parser.nextToken() != null) {
                    // tokens only
                }
            } catch (IOException e) {
                // a broken line costs what it costs; the ceiling ignores it
            }
        });
    }

    private Measure treeJackson() {
        return overLines(line -> {
            try {
                TREE.readTree(line);
            } catch (IOException e) {
                // as above
            }
        });
    }

    private Measure tokeniseFastjson() {
        return overLines(line -> {
            try (JSONReader reader = JSONReader.of(line)) {
                reader.skipValue();
            } catch (RuntimeException e) {
                // as above
            }
        });
    }

    private Measure overLines(Consumer<String> work) {
        Started started = Started.now();
        long count = 0;
        for (Path file : telemetry) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    work.accept(line);
                    count++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return started.measure(count);
    }

    private Measure decodeOnly() {
        long[] count = {0};
        Started started = Started.now();
        for (Path file : telemetry) {
            TelemetryReader.read(file, folder.relativize(file).toString(), event -> count[0]++);
        }
        return started.measure(count[0]);
    }

    /**
     * The path {@code analyze} takes: one parsing thread per file, merged in event time, into the
     * engine on the caller's thread.
     */
    private Measure endToEnd() {
        StoryboardEngine engine = newEngine();
        InputLoader telemetryOnly = new InputLoader(folder);
        telemetryOnly.addDocuments(telemetry);
        Started started = Started.now();
        telemetryOnly.streamTelemetry(engine::accept);
        engine.storyboards();
        return started.measure(engine.eventsSeen());
    }

    private List<RuntimeEvent> decodedEvents() {
        List<RuntimeEvent> events = new ArrayList<>();
        InputLoader telemetryOnly = new InputLoader(folder);
        telemetryOnly.addDocuments(telemetry);
        telemetryOnly.streamTelemetry(events::add);
        return events;
    }

    private void engineOnly() {
        long empty = usedHeapAfterGc();
        List<RuntimeEvent> events = decodedEvents();
        System.out.printf(
                Locale.ROOT,
                "   decoded events held for the runs: %.1f MB (%.0f bytes/event)%n",
                (usedHeapAfterGc() - empty) / 1e6,
                (double) (usedHeapAfterGc() - empty) / events.size());

        Measure fastest = null;
        for (int run = 0; run <= options.repeat(); run++) {
            StoryboardEngine engine = newEngine();
            long started = System.nanoTime();
            for (int i = 0; i < events.size(); i++) {
                engine.accept(events.get(i));
            }
            engine.storyboards();
            Measure measure = new Measure(events.size(), System.nanoTime() - started, 0, 0);
            if (run > 0 && (fastest == null || measure.nanos() < fastest.nanos())) {
                fastest = measure;
            }
        }

        // Timing each event costs two clock reads, a tenth of what the engine spends on one, so
        // the latencies come from a run of their own.
        long[] latencies = new long[events.size()];
        StoryboardEngine timed = newEngine();
        for (int i = 0; i < events.size(); i++) {
            long before = System.nanoTime();
            timed.accept(events.get(i));
            latencies[i] = System.nanoTime() - before;
        }
        report("   engine           ", fastest, 0);
        Arrays.sort(latencies);
        System.out.printf(
                Locale.ROOT,
                "   per-event latency (ingest to storyboard state): p50 %.1f µs, p99 %.1f µs," + " max %.1f ms%n",
                latencies[latencies.length / 2] / 1e3,
                latencies[(int) (latencies.length * 0.99)] / 1e3,
                latencies[latencies.length - 1] / 1e6);

        StoryboardEngine allocating = newEngine();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        events.forEach(allocating::accept);
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        System.out.printf(
                Locale.ROOT, "   allocated by the engine: %.0f bytes/event%n", (double) allocated / events.size());
    }

    /**
     * The heap the engine holds after the telemetry was streamed through it as {@code analyze} and
     * the server do (no decoded event held elsewhere, so every string and record the engine keeps
     * counts): the heap after a full GC with the engine, less the heap after dropping it.
     */
    private void retainedWhenStreamed() {
        StoryboardEngine[] engine = {newEngine()};
        InputLoader telemetryOnly = new InputLoader(folder);
        telemetryOnly.addDocuments(telemetry);
        telemetryOnly.streamTelemetry(engine[0]::accept);
        long events = engine[0].eventsSeen();
        int processes = engine[0].processCount();
        int storyboards = engine[0].storyboards().size();
        long with = usedHeapAfterGc();
        ClassHistogram withEngine = options.histogram() > 0 ? ClassHistogram.take() : null;
        engine[0] = null;
        long without = usedHeapAfterGc();
        System.out.printf(
                Locale.ROOT,
                "   retained by the engine, events streamed: %.1f MB for %d events = %.1f bytes/event"
                        + " (%d processes kept, %d storyboards)%n",
                (with - without) / 1e6,
                events,
                (double) (with - without) / events,
                processes,
                storyboards);
        if (withEngine != null) {
            ClassHistogram.print(withEngine.largestGrowthSince(ClassHistogram.take(), options.histogram()), events);
        }
    }

    private StoryboardEngine newEngine() {
        return new StoryboardEngine(loader.inventory(), catalogue, EngineConfig.DEFAULTS);
    }

    /** An engine whose storyboards close after {@code closeAfter} of quiet and are kept twice that closed. */
    private StoryboardEngine newEngine(Duration closeAfter) {
        return new StoryboardEngine(
                loader.inventory(),
                catalogue,
                EngineConfig.DEFAULTS.withLifecycle(closeAfter, closeAfter.multipliedBy(2)));
    }

    private Measure best(Run run) throws Exception {
        run.measure();
        Measure fastest = null;
        for (int i = 0; i < options.repeat(); i++) {
            Measure measure = run.measure();
            if (fastest == null || measure.nanos() < fastest.nanos()) {
                fastest = measure;
            }
        }
        return fastest;
    }

    /**
     * Prints the run's wall-clock rate and, when measured, its rate per second of CPU the whole
     * process spent (decoders, GC and all): on a machine other work shares, the CPU rate moves far
     * less than the wall-clock one.
     */
    private static void report(String label, Measure measure, long bytes) {
        double seconds = measure.nanos() / 1e9;
        String throughput = bytes > 0 ? String.format(Locale.ROOT, ", %.0f MB/s", bytes / 1e6 / seconds) : "";
        String cpu = measure.cpuNanos() > 0
                ? String.format(
                        Locale.ROOT, ", %,.0f records per CPU-second", measure.count() / (measure.cpuNanos() / 1e9))
                : "";
        String allocated = measure.allocated() > 0
                ? String.format(
                        Locale.ROOT,
                        ", %,.0f bytes allocated per record",
                        (double) measure.allocated() / measure.count())
                : "";
        System.out.printf(
                Locale.ROOT,
                "%s %,12.0f records/s  (%d records in %.2f s%s%s%s)%n",
                label,
                measure.count() / seconds,
                measure.count(),
                seconds,
                throughput,
                cpu,
                allocated);
    }

    /**
     * Bytes allocated so far by every thread of the process, live or ended: unlike time, the same
     * for the same work however busy the machine is. 0 where the JVM does not count it.
     */
    private static long allocatedBytes() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                        && threads.isThreadAllocatedMemoryEnabled()
                ? threads.getTotalThreadAllocatedBytes()
                : 0;
    }

    /** CPU time of the whole process so far, or 0 where the JVM does not report it. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime())
                : 0;
    }

    static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static List<Path> telemetryFiles(Path folder) {
        Path telemetry = folder.resolve("telemetry");
        try (Stream<Path> files = Files.list(Files.isDirectory(telemetry) ? telemetry : folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    @FunctionalInterface
    private interface Run {
        Measure measure() throws Exception;
    }

    /** {@code cpuNanos} and {@code allocated} (bytes allocated by every thread meanwhile) are 0 when not measured. */
    private record Measure(long count, long nanos, long cpuNanos, long allocated) {}

    /** Where the clocks and the allocation count stood when a measured run started. */
    private record Started(long nanos, long cpuNanos, long allocated) {

        static Started now() {
            return new Started(System.nanoTime(), processCpuNanos(), allocatedBytes());
        }

        Measure measure(long count) {
            return new Measure(
                    count, System.nanoTime() - nanos, processCpuNanos() - cpuNanos, allocatedBytes() - allocated);
        }
    }

    /**
     * The command line after DIR: {@code --repeat N}, {@code --only PART}, {@code --soak EVENTS},
     * {@code --soak-attack CLOSE_AFTER} (the soak repeats the attack too, and storyboards close
     * after that much quiet), {@code --paced EVENTS_PER_SECOND}.
     */
    private record Options(
            int repeat,
            Optional<String> only,
            long soakEvents,
            Optional<Duration> soakAttackCloseAfter,
            long pacedRate,
            int histogram) {

        /** The options, or an exception saying which argument is wrong and what was expected. */
        static Options parse(String[] args) {
            if (args.length < 1 || args[0].startsWith("--")) {
                throw new IllegalArgumentException("expected a scenario folder first");
            }
            if (!Files.isDirectory(Path.of(args[0]))) {
                throw new IllegalArgumentException("expected a scenario folder, " + args[0] + " is none");
            }
            int repeat = 3;
            Optional<String> only = Optional.empty();
            long soak = 0;
            Optional<Duration> soakAttack = Optional.empty();
            long paced = 0;
            int histogram = 0;
            for (int i = 1; i < args.length; i += 2) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--repeat" -> repeat = (int) positive(args[i], value);
                    case "--only" -> only = Optional.of(part(value));
                    case "--soak" -> soak = positive(args[i], value);
                    case "--soak-attack" -> soakAttack = Optional.of(duration(value));
                    case "--paced" -> paced = positive(args[i], value);
                    case "--histogram" -> histogram = (int) Math.min(positive(args[i], value), 1000);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (soakAttack.isPresent() && soak == 0) {
                throw new IllegalArgumentException("--soak-attack needs --soak EVENTS");
            }
            return new Options(repeat, only, soak, soakAttack, paced, histogram);
        }

        private static long positive(String option, String value) {
            long number;
            try {
                number = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " expects a whole number, got '" + value + "'", e);
            }
            if (number < 1 || number > Integer.MAX_VALUE && option.equals("--repeat")) {
                throw new IllegalArgumentException(option + " expects a number of 1 or more, got " + value);
            }
            return number;
        }

        private static String part(String value) {
            if (!List.of("tokenise", "end-to-end", "engine", "retained").contains(value)) {
                throw new IllegalArgumentException(
                        "--only expects tokenise, end-to-end, engine or retained, got '" + value + "'");
            }
            return value;
        }

        private static Duration duration(String value) {
            try {
                Duration duration = Duration.parse(value);
                if (duration.isNegative() || duration.isZero()) {
                    throw new IllegalArgumentException("--soak-attack expects a positive duration, got " + value);
                }
                return duration;
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "--soak-attack expects an ISO-8601 duration such as PT1H, got '" + value + "'", e);
            }
        }

        boolean runs(String part) {
            return only.map(part::equals).orElse(true);
        }
    }
}
