package io.sightline.formats.pipeline;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.Inventory;
import io.sightline.engine.rarity.RunCount;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.ScanReport;
import io.sightline.formats.InputLoader;
import io.sightline.rank.ImageCatalogue;
import io.sightline.rank.RankedImage;
import io.sightline.storyboard.Storyboard;
import java.util.List;

/**
 * What one analysis produced: storyboards, the ranked images, the scan reports after VEX (with
 * their suppressed findings), and what was read or skipped. {@code lateEvents} counts records
 * that arrived later than the engine's lateness bound behind the newest record of their file;
 * when there were any, {@code sortedByTime} says the telemetry was read again sorted by event
 * time and stitched from that. {@code patternCounts} are the behaviour patterns the engine
 * counted, for a caller that keeps a history of them.
 */
public record AnalysisResult(
        Inventory inventory,
        ImageCatalogue catalogue,
        List<Storyboard> storyboards,
        List<RankedImage> images,
        List<ScanReport> reports,
        List<SkippedRecord> skipped,
        List<InputLoader.FileSummary> files,
        long events,
        long lateEvents,
        long elapsedMillis,
        List<RunCount> patternCounts,
        boolean sortedByTime) {

    public AnalysisResult {
        requireNonNull(inventory, "inventory is null");
        requireNonNull(catalogue, "catalogue is null");
        storyboards = List.copyOf(storyboards);
        images = List.copyOf(images);
        reports = List.copyOf(reports);
        skipped = List.copyOf(skipped);
        files = List.copyOf(files);
        patternCounts = List.copyOf(patternCounts);
    }

    /** A result that keeps no pattern counts (the server's views). */
    public AnalysisResult(
            Inventory inventory,
            ImageCatalogue catalogue,
            List<Storyboard> storyboards,
            List<RankedImage> images,
            List<ScanReport> reports,
            List<SkippedRecord> skipped,
            List<InputLoader.FileSummary> files,
            long events,
            long lateEvents,
            long elapsedMillis) {
        this(
                inventory,
                catalogue,
                storyboards,
                images,
                reports,
                skipped,
                files,
                events,
                lateEvents,
                elapsedMillis,
                List.of(),
                false);
    }
}
