package io.sightline.server.live;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.asset.Inventory;
import io.sightline.engine.EngineConfig;
import io.sightline.engine.StoryboardEngine;
import io.sightline.event.SkippedRecord;
import io.sightline.event.SourceRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.DocumentParser;
import io.sightline.formats.RecordException;
import io.sightline.formats.telemetry.TelemetryReader;
import io.sightline.rank.ImageCatalogue;
import io.sightline.rank.ImageRanker;
import io.sightline.rank.LoadedPackages;
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

    Workspace(IngestLog log, Set<String> knownExploited, EngineConfig config) {
        this.log = requireNonNull(log, "log is null");
        this.knownExploited = Set.copyOf(knownExploited);
        this.config = requireNonNull(config, "config is null");
        this.catalogue = ImageCatalogue.build(inventory, reports, this.knownExploited);
        this.engine = newEngine();
        this.loaded = LoadedPackages.watching(inventory, catalogue);
    }

    void apply(LogEntry entry) {
        requireNonNull(entry, "entry is null");
        try {
            switch (entry.kind()) {
                case TELEMETRY -> applyRecord(entry);
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
    }

    View view() {
        List<Storyboard> storyboards = engine.storyboards();
        return new View(
                appliedSeq,
                engine.eventsSeen(),
                skipped,
                storyboards,
                new ImageRanker(catalogue, java.util.Map.of(), loaded).rank(storyboards),
                assets,
                reports,
                catalogue);
    }

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
        });
        LOG.info(
                "Inventory arrived after telemetry; re-stitched the log upToSeq={} elapsedMs={}",
                upToSeq,
                (System.nanoTime() - started) / 1_000_000);
    }

    private StoryboardEngine newEngine() {
        // The catalogue is rebuilt whenever inventory or reports arrive; the engine asks whichever is current.
        return new StoryboardEngine(inventory, digest -> catalogue.exposure(digest), config);
    }

    /** The evidence name of a document entry. */
    static String documentName(LogEntry entry) {
        return entry.name().isEmpty() ? entry.stream() + "/" + entry.streamSeq() : entry.name();
    }

    private void applyRecord(LogEntry entry) throws RecordException, JsonProcessingException {
        JsonNode record = JSON.readTree(entry.body());
        SourceRecord source = new SourceRecord(entry.stream(), Math.toIntExact(entry.streamSeq()));
        TelemetryReader.mapRecord(record, source).forEach(event -> {
            engine.accept(event);
            loaded.accept(event);
        });
        telemetrySeen = true;
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
