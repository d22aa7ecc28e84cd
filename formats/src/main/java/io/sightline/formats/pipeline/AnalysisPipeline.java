package io.sightline.formats.pipeline;

import static java.util.Objects.requireNonNull;

import io.sightline.engine.EngineConfig;
import io.sightline.engine.StoryboardEngine;
import io.sightline.engine.rarity.PatternHistory;
import io.sightline.engine.rules.RuleSet;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.InputLoader;
import io.sightline.formats.rules.RuleFile;
import io.sightline.rank.ImageCatalogue;
import io.sightline.rank.ImageRanker;
import io.sightline.rank.LoadedPackages;
import io.sightline.vex.VexFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job as one call: read inventory, scan reports and telemetry, stitch storyboards, note
 * which vulnerable packages running containers executed or loaded, rank images. The CLI's {@code analyze}, {@code gate} and {@code remediate --from} share it.
 */
public final class AnalysisPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisPipeline.class);

    private static final List<String> LAYOUT = List.of("inventory", "scans", "telemetry");

    private AnalysisPipeline() {}

    /**
     * @param base the folder evidence file names are relative to
     * @param inputs files or folders to read, formats detected by content
     * @param knownExploited CVE ids of the KEV catalogue
     */
    public static AnalysisResult run(Path base, List<Path> inputs, Set<String> knownExploited, EngineConfig config) {
        return run(base, inputs, new Enrichment(knownExploited, Map.of()), config);
    }

    /**
     * @param base the folder evidence file names are relative to
     * @param inputs files or folders to read, formats detected by content; VEX documents among
     *     them are applied to the scan reports before ranking
     * @param enrichment KEV ids and EPSS scores used by ranking
     */
    public static AnalysisResult run(Path base, List<Path> inputs, Enrichment enrichment, EngineConfig config) {
        return run(base, inputs, enrichment, config, RuleFile.builtIn());
    }

    /**
     * @param base the folder evidence file names are relative to
     * @param inputs files or folders to read, formats detected by content; VEX documents among
     *     them are applied to the scan reports before ranking
     * @param enrichment KEV ids and EPSS scores used by ranking
     * @param rules the behaviours the engine recognises ({@link RuleFile#builtIn()} and users' files)
     */
    public static AnalysisResult run(
            Path base, List<Path> inputs, Enrichment enrichment, EngineConfig config, RuleSet rules) {
        return run(base, inputs, enrichment, config, rules, PatternHistory.EMPTY);
    }

    /**
     * @param base the folder evidence file names are relative to
     * @param inputs files or folders to read, formats detected by content; VEX documents among
     *     them are applied to the scan reports before ranking
     * @param enrichment KEV ids and EPSS scores used by ranking
     * @param rules the behaviours the engine recognises ({@link RuleFile#builtIn()} and users' files)
     * @param history what earlier runs saw of behaviour patterns, for rarity; the result's
     *     {@link AnalysisResult#patternCounts()} are what this run adds to it
     */
    public static AnalysisResult run(
            Path base,
            List<Path> inputs,
            Enrichment enrichment,
            EngineConfig config,
            RuleSet rules,
            PatternHistory history) {
        requireNonNull(inputs, "inputs is null");
        requireNonNull(history, "history is null");
        requireNonNull(enrichment, "enrichment is null");
        requireNonNull(rules, "rules is null");
        long started = System.nanoTime();

        InputLoader loader = new InputLoader(base);
        loader.addDocuments(inputs);
        if (loader.files().isEmpty() && !loader.hasTelemetry()) {
            throw new IllegalArgumentException("no input files found in " + inputs);
        }

        List<ScanReport> reports = new VexFilter(loader.vexStatements()).apply(loader.reports());
        ImageCatalogue catalogue = ImageCatalogue.build(loader.inventory(), reports, enrichment.knownExploited());
        Stitched stitched = stitch(loader, catalogue, config, rules, history, loader::streamTelemetry);
        long late = stitched.engine().lateEvents();
        boolean sortedByTime = late > 0;
        if (sortedByTime) {
            // A file far out of time order: the stream forgot processes behind the retention
            // before the records that link them came. The files are finite; read them sorted.
            LOG.info("Telemetry out of time order lateEvents={}; stitching it again sorted by time", late);
            stitched = stitch(
                    loader,
                    catalogue,
                    config,
                    rules,
                    history,
                    sink -> loader.streamTelemetrySorted(config.retention(), sink));
        }
        StoryboardEngine engine = stitched.engine();
        LoadedPackages loaded = stitched.loaded();

        var storyboards = engine.storyboards();
        var images = new ImageRanker(catalogue, enrichment.epss(), loaded).rank(storyboards);
        return new AnalysisResult(
                loader.inventory(),
                catalogue,
                storyboards,
                images,
                reports,
                withRecordsAhead(loader.skipped(), engine, config),
                loader.files(),
                engine.eventsSeen(),
                late,
                Duration.ofNanos(System.nanoTime() - started).toMillis(),
                engine.takePatternCounts(),
                sortedByTime);
    }

    private record Stitched(StoryboardEngine engine, LoadedPackages loaded) {}

    private static Stitched stitch(
            InputLoader loader,
            ImageCatalogue catalogue,
            EngineConfig config,
            RuleSet rules,
            PatternHistory history,
            Consumer<Consumer<RuntimeEvent>> telemetry) {
        StoryboardEngine engine = new StoryboardEngine(loader.inventory(), catalogue, config, rules, history);
        LoadedPackages loaded = LoadedPackages.watching(loader.inventory(), catalogue);
        telemetry.accept(event -> {
            engine.accept(event);
            loaded.accept(event);
        });
        return new Stitched(engine, loaded);
    }

    /** The skipped records, and a note for each record the engine found dated implausibly far ahead. */
    private static List<SkippedRecord> withRecordsAhead(
            List<SkippedRecord> skipped, StoryboardEngine engine, EngineConfig config) {
        List<SkippedRecord> all = new ArrayList<>(skipped);
        engine.recordsAhead()
                .forEach(record -> all.add(new SkippedRecord(
                        record.file(),
                        record.line(),
                        "time more than " + config.retention().toSeconds() + " s (the retention) ahead of the records"
                                + " before and after it (a clock jump or a corrupt timestamp); record kept and"
                                + " stitched, but it did not move the engine's clock")));
        return all;
    }

    /**
     * The inputs of a folder laid out as inventory/, scans/, telemetry/, or the folder itself. A
     * folder whose sub-folders have that layout is refused: it holds several environments, and
     * analysing them as one would mix their assets and trails.
     */
    public static List<Path> layout(Path folder) {
        List<Path> parts =
                LAYOUT.stream().map(folder::resolve).filter(Files::isDirectory).toList();
        if (!parts.isEmpty()) {
            return parts;
        }
        try (Stream<Path> children = Files.list(folder)) {
            List<String> environments = children.filter(Files::isDirectory)
                    .filter(child -> LAYOUT.stream().map(child::resolve).anyMatch(Files::isDirectory))
                    .map(child -> child.getFileName().toString())
                    .sorted()
                    .toList();
            if (!environments.isEmpty()) {
                throw new IllegalArgumentException(folder + " holds several analysis folders ("
                        + String.join(", ", environments) + "); analyse one of them");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        return List.of(folder);
    }
}
