package io.sightline.server.live;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.asset.Inventory;
import io.sightline.engine.EngineConfig;
import io.sightline.engine.StoryboardEngine;
import io.sightline.engine.rarity.PatternHistory;
import io.sightline.engine.rarity.RunCount;
import io.sightline.engine.rules.BuiltInRules;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SkippedRecord;
import io.sightline.event.SourceRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.DocumentParser;
import io.sightline.formats.RecordException;
import io.sightline.formats.telemetry.TelemetryReader;
import io.sightline.rank.ImageCatalogue;
import io.sightline.rank.ImageRanker;
import io.sightline.rank.LoadedPackages;
import io.sightline.rank.RankedImage;
import io.sightline.store.IngestLog;
import io.sightline.store.LogEntry;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state the ingest log builds: the inventory, the scan reports, the image catalogue and the
 * storyboard engine. Applying the same log entries in the same order always gives the same state,
 * which is what makes a restart (replaying the log) equal to an uninterrupted run.
 *
 * <p>An entry's evidence name is its stream and its sequence within the stream: the third record
 * POSTed to the Tetragon endpoint is {@code ingest/tetragon:3}. An uploaded document is named by
 * the {@code name} it was uploaded with, or {@code upload/scans/3}.
 *
 * <p>Rarity: the engine judges with the pattern history loaded when the server started, and its
 * counts go back to the store through {@link #keepPatterns}, which notes the log entry they reach
 * ({@code mergedThrough}). An engine fed the log again (a restart's replay, a re-stitch) counts
 * the entries up to that one a second time: their counts are dropped when it passes that entry,
 * so history counts each logged record once. Counts not yet kept when the process dies are lost.
 *
 * <p>Not thread safe: only the engine thread touches it; others read {@link View}s.
 */
final class Workspace {

    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> knownExploited;
    private final EngineConfig config;
    private final IngestLog log;
    private final Inventory inventory = new Inventory();
    private final List<ScanReport> reports = new ArrayList<>();
    private StoryboardEngine engine;
    private LoadedPackages loaded;
    private boolean telemetrySeen;
    private ImageCatalogue catalogue;
    private View.Assets assets = View.Assets.EMPTY;
    private long appliedSeq;
    private long skipped;
    private final PatternHistory history;
    private long mergedThrough;
    private Ranking lastRanking;

    Workspace(IngestLog log, Set<String> knownExploited, EngineConfig config) {
        this(log, knownExploited, config, PatternHistory.EMPTY, 0);
    }

    /**
     * @param history the pattern history the engine judges rarity with
     * @param mergedThrough the last log entry whose pattern counts are in that history already
     */
    Workspace(
            IngestLog log,
            Set<String> knownExploited,
            EngineConfig config,
            PatternHistory history,
            long mergedThrough) {
        this.log = requireNonNull(log, "log is null");
        this.history = requireNonNull(history, "history is null");
        this.mergedThrough = mergedThrough;
        this.knownExploited = Set.copyOf(knownExploited);
        this.config = requireNonNull(config, "config is null");
        this.catalogue = ImageCatalogue.build(inventory, reports, this.knownExploited);
        this.engine = newEngine();
        this.loaded = LoadedPackages.watching(inventory, catalogue);
    }

    void apply(LogEntry entry) {
        apply(entry, null);
    }

    /** {@code events}: the telemetry record's events, mapped as it arrived; null to map them from the log's entry. */
    void apply(LogEntry entry, List<RuntimeEvent> events) {
        requireNonNull(entry, "entry is null");
        try {
            switch (entry.kind()) {
                case TELEMETRY -> {
                    if (events == null) {
                        applyRecord(entry);
                    } else {
                        accept(events);
                    }
                }
                case INVENTORY, SCAN -> applyDocument(entry);
            }
        } catch (RecordException | JsonProcessingException e) {
            skipped++;
            LOG.warn(
                    "Skipped log entry seq={} stream={} streamSeq={} reason={}",
                    entry.seq(),
                    entry.stream(),
                    entry.streamSeq(),
                    e.getMessage());
        }
        appliedSeq = entry.seq();
        dropCountsKeptAlready(entry.seq());
    }

    /**
     * Hands the pattern counts since the last call to {@code keep}, with the last log entry they
     * cover; {@code keep} stores both (see {@link io.sightline.store.PatternHistoryStore#merge(List, long)}).
     */
    void keepPatterns(PatternKeeper keep) {
        List<RunCount> counts = engine.takePatternCounts();
        keep.keep(counts, appliedSeq);
        mergedThrough = Math.max(mergedThrough, appliedSeq);
    }

    /** Where pattern counts go. */
    @FunctionalInterface
    interface PatternKeeper {
        void keep(List<RunCount> counts, long throughSeq);
    }

    private void dropCountsKeptAlready(long seq) {
        if (seq == mergedThrough) {
            engine.takePatternCounts();
        }
    }

    View view() {
        List<Storyboard> storyboards = engine.storyboards();
        return new View(
                appliedSeq,
                engine.eventsSeen(),
                skipped,
                storyboards,
                ranking(storyboards),
                assets,
                reports,
                catalogue);
    }

    /**
     * The images ranked with these storyboards; the last ranking again when it was made with the
     * same catalogue, the same packages seen loaded and the same storyboards (the engine gives
     * back the same instance of a storyboard whose trail did not change). A publish comes every
     * 20 ms while records arrive, and most change no storyboard.
     */
    private List<RankedImage> ranking(List<Storyboard> storyboards) {
        Ranking last = lastRanking;
        if (last != null
                && last.catalogue() == catalogue
                && last.loaded() == loaded
                && last.evidenceFound() == loaded.evidenceFound()
                && sameInstances(last.storyboards(), storyboards)) {
            return last.ranked();
        }
        List<RankedImage> ranked = new ImageRanker(catalogue, java.util.Map.of(), loaded).rank(storyboards);
        lastRanking = new Ranking(catalogue, loaded, loaded.evidenceFound(), storyboards, ranked);
        return ranked;
    }

    private static boolean sameInstances(List<Storyboard> a, List<Storyboard> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private record Ranking(
            ImageCatalogue catalogue,
            LoadedPackages loaded,
            long evidenceFound,
            List<Storyboard> storyboards,
            List<RankedImage> ranked) {}

    long appliedSeq() {
        return appliedSeq;
    }

    /**
     * The engine reads the inventory when it is built (host names, for one) and as events arrive,
     * so inventory that arrives after telemetry would leave earlier records stitched without it.
     * A new engine is fed the telemetry logged so far instead: the result is what the engine gives
     * when the inventory was there from the start, as in {@code analyze}, and a replay of the log
     * rebuilds at the same entries and ends the same. Cost: one pass over the telemetry logged so
     * far, per inventory document that arrives after telemetry.
     *
     * <p>TODO: with live discovery inventory changes all the time; the engine needs to take
     * inventory updates itself (core work) so that this pass is not needed.
     */
    private void restitch(long upToSeq) {
        engine = newEngine();
        loaded = LoadedPackages.watching(inventory, catalogue);
        if (!telemetrySeen) {
            return;
        }
        long started = System.nanoTime();
        log.read(1, upToSeq, entry -> {
            if (entry.kind() == LogEntry.Kind.TELEMETRY) {
                try {
                    applyRecord(entry);
                } catch (RecordException | JsonProcessingException e) {
                    LOG.debug("Skipped log entry again seq={} reason={}", entry.seq(), e.getMessage());
                }
            }
            dropCountsKeptAlready(entry.seq());
        });
        LOG.info(
                "Inventory arrived after telemetry; re-stitched the log upToSeq={} elapsedMs={}",
                upToSeq,
                (System.nanoTime() - started) / 1_000_000);
    }

    private StoryboardEngine newEngine() {
        // The catalogue is rebuilt whenever inventory or reports arrive; the engine asks whichever is current.
        return new StoryboardEngine(
                inventory, digest -> catalogue.exposure(digest), config, BuiltInRules.rules(), history);
    }

    /** The evidence name of a document entry. */
    static String documentName(LogEntry entry) {
        return entry.name().isEmpty() ? entry.stream() + "/" + entry.streamSeq() : entry.name();
    }

    private void applyRecord(LogEntry entry) throws RecordException, JsonProcessingException {
        JsonNode record = JSON.readTree(entry.body());
        accept(TelemetryReader.mapRecord(record, sourceOf(entry)));
    }

    private void accept(List<RuntimeEvent> events) {
        events.forEach(event -> {
            engine.accept(event);
            loaded.accept(event);
        });
        telemetrySeen = true;
    }

    /** The record a telemetry entry's events name: its stream, and its number in the stream. */
    static SourceRecord sourceOf(LogEntry entry) {
        return new SourceRecord(entry.stream(), Math.toIntExact(entry.streamSeq()));
    }

    private void applyDocument(LogEntry entry) throws RecordException, JsonProcessingException {
        JsonNode root = JSON.readTree(entry.body());
        List<SkippedRecord> problems = new ArrayList<>();
        String name = documentName(entry);
        if (DocumentParser.parse(root, name, inventory, reports::add, problems).isEmpty()) {
            throw new RecordException("document " + name + " is of no known format");
        }
        problems.forEach(
                p -> LOG.debug("Document record skipped file={} line={} reason={}", p.file(), p.line(), p.reason()));
        inventory.linkImages();
        catalogue = ImageCatalogue.build(inventory, reports, knownExploited);
        assets = new View.Assets(inventory.clusters(), inventory.hosts(), inventory.pods(), inventory.containers());
        if (entry.kind() == LogEntry.Kind.INVENTORY || telemetrySeen) {
            // A scan report after telemetry changes which package files count as loaded, so
            // the telemetry is seen again against it, as for inventory.
            restitch(entry.seq() - 1);
        } else {
            loaded = LoadedPackages.watching(inventory, catalogue);
        }
    }
}
