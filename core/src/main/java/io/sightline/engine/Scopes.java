package io.sightline.engine;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Inventory;
import io.sightline.asset.Pod;
import io.sightline.asset.PodKey;
import io.sightline.event.ContainerContext;
import java.util.Optional;

/**
 * Where a pattern counts as routine or rare: the pod's workload when the inventory knows it
 * ({@code ci/Deployment/gitlab-runner}), else the namespace and the container's name ({@code
 * ci/build}), both stable across pod restarts, where the pod's generated name is not; a container
 * outside Kubernetes by its name ({@code container:web}); a process outside containers by its host
 * ({@code host:runner-3}).
 *
 * <p>Cost: a hash probe into the inventory per call, and a container lookup when the sensor named
 * no pod.
 */
final class Scopes {

    private final Inventory inventory;

    Scopes(Inventory inventory) {
        this.inventory = inventory;
    }

    String of(ProcessNode node) {
        if (node.container.isEmpty()) {
            return "host:" + node.host();
        }
        ContainerContext context = node.container.get();
        Optional<PodKey> pod = context.pod();
        Optional<String> name = context.name();
        if (pod.isEmpty() || name.isEmpty()) {
            Optional<ContainerAsset> known = inventory.container(context.id().id());
            pod = pod.or(() -> known.flatMap(ContainerAsset::pod));
            name = name.or(() -> known.map(ContainerAsset::name));
        }
        if (pod.isEmpty()) {
            return "container:" + name.orElse(context.id().shortId());
        }
        PodKey key = pod.get();
        Optional<String> workload = inventory.pod(key).flatMap(Pod::workload).map(Object::toString);
        String within = workload.isPresent() ? workload.get() : name.orElse(key.name());
        return key.namespace() + "/" + within;
    }
}
