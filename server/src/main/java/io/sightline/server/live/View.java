package io.sightline.server.live;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.Cluster;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Host;
import io.sightline.asset.Pod;
import io.sightline.finding.ScanReport;
import io.sightline.rank.ImageCatalogue;
import io.sightline.rank.RankedImage;
import io.sightline.storyboard.Storyboard;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the API reads: an immutable picture of the engine's state after a batch, published by the
 * engine thread and read by any request thread.
 *
 * @param appliedSeq the last ingest-log entry applied
 * @param events runtime events fed to the engine
 * @param skipped log entries the engine could not apply (a format that changed since ingest)
 */
public record View(
        long appliedSeq,
        long events,
        long skipped,
        List<Storyboard> storyboards,
        List<RankedImage> images,
        Assets assets,
        List<ScanReport> reports,
        ImageCatalogue catalogue) {

    public View {
        storyboards = List.copyOf(storyboards);
        images = List.copyOf(images);
        requireNonNull(assets, "assets is null");
        reports = List.copyOf(reports);
        requireNonNull(catalogue, "catalogue is null");
    }

    public Optional<Storyboard> storyboard(String id) {
        return storyboards.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The inventory as lists, copied when it changes. */
    public record Assets(
            Collection<Cluster> clusters,
            Collection<Host> hosts,
            Collection<Pod> pods,
            Collection<ContainerAsset> containers) {

        public static final Assets EMPTY = new Assets(List.of(), List.of(), List.of(), List.of());

        public Assets {
            clusters = List.copyOf(clusters);
            hosts = List.copyOf(hosts);
            pods = List.copyOf(pods);
            containers = List.copyOf(containers);
        }
    }
}
