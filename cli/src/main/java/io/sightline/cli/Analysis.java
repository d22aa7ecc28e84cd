package io.sightline.cli;

import static java.util.Objects.requireNonNull;

import io.sightline.event.SkippedRecord;
import io.sightline.formats.InputLoader;
import io.sightline.rank.RankedImage;
import io.sightline.storyboard.Storyboard;
import java.util.List;

/** The outcome of one {@code analyze} run: what the text and JSON outputs are made from. */
record Analysis(
        List<Storyboard> storyboards,
        List<RankedImage> images,
        List<SkippedRecord> skipped,
        List<InputLoader.FileSummary> files,
        long events,
        long elapsedMillis) {

    Analysis {
        storyboards = List.copyOf(storyboards);
        images = List.copyOf(images);
        skipped = List.copyOf(skipped);
        files = List.copyOf(files);
        requireNonNull(files, "files is null");
    }
}
