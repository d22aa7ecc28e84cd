package io.sightline.server.remediation;

import io.sightline.asset.Inventory;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.server.live.View;
import java.util.List;

/**
 * A published {@link View} in the shapes the remediation module reads: an {@link Inventory} and an
 * {@link AnalysisResult}. Both are fresh copies, so request threads never touch the engine's own
 * inventory.
 *
 * <p>TODO: the copy holds clusters, hosts, pods and containers, which is what the planner and the
 * gate read; services, endpoints, image metadata and former container ids are not in the view.
 */
final class ViewAnalysis {

    private ViewAnalysis() {}

    static Inventory inventory(View view) {
        Inventory inventory = new Inventory();
        View.Assets assets = view.assets();
        assets.clusters().forEach(inventory::add);
        assets.hosts().forEach(inventory::add);
        assets.containers().forEach(inventory::add);
        assets.pods().forEach(inventory::add);
        return inventory;
    }

    static AnalysisResult analysis(View view) {
        return new AnalysisResult(
                inventory(view),
                view.catalogue(),
                view.storyboards(),
                view.images(),
                view.reports(),
                List.of(),
                List.of(),
                view.events(),
                0,
                0);
    }
}
