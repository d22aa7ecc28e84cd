package io.sightline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Pod;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.formats.report.ImageAttention;
import io.sightline.formats.report.NoiseFigure;
import io.sightline.rank.PackageFix;
import io.sightline.rank.RankedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code analyze --format fixlist}: the fix list as JSON for a pipeline. Per image with at least
 * one upgrade, in rank order: the upgrades (package, from, to, the vulnerabilities each clears),
 * whether the image needs action now, and the workloads to roll once the image is rebuilt
 * ({@code namespace/Kind/name} from the pod's owner, else the pod; a container outside Kubernetes
 * by name and host).
 */
final class FixListExport {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FixListExport() {}

    static void write(AnalysisResult analysis, OutputStream out) throws IOException {
        MAPPER.writeValue(out, document(analysis));
        out.write('\n');
    }

    static ObjectNode document(AnalysisResult analysis) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", "sightline-fixlist/v1");
        NoiseFigure noise = NoiseFigure.of(analysis.images(), analysis.storyboards());
        root.put("noise", noise.text());
        List<RankedImage> needing = ImageAttention.needingAction(analysis.images(), analysis.storyboards());
        ArrayNode images = root.putArray("images");
        for (RankedImage image : analysis.images()) {
            if (image.fixes().isEmpty()) {
                continue;
            }
            ObjectNode node = images.addObject();
            node.put("rank", image.rank());
            node.put("image", image.image());
            node.put(
                    "digest",
                    image.repoDigests().isEmpty() ? "" : image.repoDigests().getFirst());
            node.put("config_digest", image.configDigest().orElse(""));
            node.put("score", image.score());
            node.put("needs_action", needing.contains(image));
            node.put("joined_by", image.joinedBy());
            ArrayNode upgrades = node.putArray("upgrades");
            Set<String> cleared = new LinkedHashSet<>();
            for (PackageFix fix : image.fixes()) {
                ObjectNode upgrade = upgrades.addObject();
                upgrade.put("package", fix.packageName());
                upgrade.put("ecosystem", fix.ecosystem());
                upgrade.put("from", fix.installedVersion());
                upgrade.put("to", fix.fixedVersion());
                upgrade.put("minimum_fix_for_worst", fix.minimumFixForWorst());
                upgrade.put("worst", fix.worstId());
                upgrade.put("worst_severity", fix.worst().label());
                upgrade.put("loaded_at_runtime", fix.loadedAtRuntime());
                ArrayNode clears = upgrade.putArray("clears");
                fix.vulnerabilities().forEach(clears::add);
                cleared.addAll(fix.vulnerabilities());
            }
            node.put("findings_cleared", cleared.size());
            ArrayNode roll = node.putArray("workloads_to_roll");
            workloads(analysis, image.containers()).forEach(roll::add);
        }
        return root;
    }

    private static Set<String> workloads(AnalysisResult analysis, List<ContainerAsset> containers) {
        Set<String> workloads = new LinkedHashSet<>();
        for (ContainerAsset container : containers) {
            if (container.pod().isEmpty()) {
                workloads.add("container " + container.name()
                        + container.host().map(h -> " on " + h).orElse(""));
                continue;
            }
            var key = container.pod().get();
            workloads.add(analysis.inventory()
                    .pod(key)
                    .flatMap(Pod::workload)
                    .map(w -> key.namespace() + "/" + w.kind() + "/" + w.name())
                    .orElse(key.namespace() + "/Pod/" + key.name()));
        }
        return workloads;
    }
}
