package io.sightline.remediation.fixes;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Inventory;
import io.sightline.asset.Pod;
import io.sightline.asset.PodKey;
import io.sightline.asset.WorkloadRef;
import io.sightline.image.ImageRef;
import io.sightline.rank.RankedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns ranked images into fix work, joining the inventory for the workloads to roll. */
public final class FixWorkBuilder {

    private final Inventory inventory;
    private final ReportMetadata metadata;

    public FixWorkBuilder(Inventory inventory, ReportMetadata metadata) {
        this.inventory = requireNonNull(inventory, "inventory is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
    }

    public FixWork build(RankedImage image) {
        Optional<String> baseImage = image.reports().stream()
                .map(metadata::baseImage)
                .flatMap(Optional::stream)
                .findFirst();
        Set<ScannerView> views = new LinkedHashSet<>();
        image.reports().forEach(report -> views.addAll(metadata.scannerViews(report)));
        parse(image.image())
                .flatMap(ref -> image.repoDigests().stream()
                        .findFirst()
                        .flatMap(digest -> ReportMetadata.registryView(ref, digest)))
                .ifPresent(views::add);
        return new FixWork(
                image.rank(),
                image.image(),
                image.repoDigests(),
                image.fixes(),
                baseImage,
                rollouts(image.containers()),
                List.copyOf(views),
                image.storyboards(),
                image.reports());
    }

    private List<FixWork.Rollout> rollouts(List<ContainerAsset> containers) {
        Map<WorkloadKey, List<FixWork.RunningContainer>> byWorkload = new LinkedHashMap<>();
        for (ContainerAsset container : containers) {
            if (container.initContainer()) {
                continue;
            }
            Optional<PodKey> podKey = container.pod();
            byWorkload
                    .computeIfAbsent(workloadOf(container), k -> new ArrayList<>())
                    .add(new FixWork.RunningContainer(
                            container.id().id(),
                            container.name(),
                            container.host().orElse(""),
                            podKey.map(PodKey::namespace).orElse(""),
                            podKey.map(PodKey::name).orElse("")));
        }
        List<FixWork.Rollout> rollouts = new ArrayList<>();
        byWorkload.forEach(
                (key, running) -> rollouts.add(new FixWork.Rollout(key.kind(), key.namespace(), key.name(), running)));
        return rollouts;
    }

    private WorkloadKey workloadOf(ContainerAsset container) {
        if (container.pod().isEmpty()) {
            return new WorkloadKey("Container", "", container.name());
        }
        PodKey podKey = container.pod().get();
        Optional<WorkloadRef> workload = inventory.pod(podKey).flatMap(Pod::workload);
        return new WorkloadKey(
                workload.map(WorkloadRef::kind).orElse("Pod"),
                podKey.namespace(),
                workload.map(WorkloadRef::name).orElse(podKey.name()));
    }

    private record WorkloadKey(String kind, String namespace, String name) {}

    private static Optional<ImageRef> parse(String image) {
        try {
            return Optional.of(ImageRef.parse(image));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
