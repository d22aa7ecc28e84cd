package io.sightline.asset;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** A Kubernetes pod as the inventory saw it, with its containers and addresses. */
public record Pod(
        PodKey key,
        String uid,
        Optional<String> node,
        List<String> ips,
        String serviceAccount,
        Optional<WorkloadRef> workload,
        boolean hostNetwork,
        List<ContainerAsset> containers) {

    public Pod {
        requireNonNull(key, "key is null");
        requireNonNull(uid, "uid is null");
        requireNonNull(node, "node is null");
        ips = List.copyOf(ips);
        requireNonNull(serviceAccount, "serviceAccount is null");
        requireNonNull(workload, "workload is null");
        containers = List.copyOf(containers);
    }

    /** The Kubernetes user name the pod's projected token authenticates as. */
    public String serviceAccountUser() {
        return "system:serviceaccount:" + key.namespace() + ":" + serviceAccount;
    }
}
