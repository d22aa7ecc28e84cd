package io.sightline.discovery.k8s;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;

/**
 * A Kubernetes kind that discovery lists and watches. Workload kinds are read so that a pod's owner
 * chain can be followed object by object (Pod → ReplicaSet → Deployment, Pod → Job → CronJob).
 */
record KubeKind(String kind, String apiVersion, Class<? extends HasMetadata> type, boolean namespaced) {

    static final List<KubeKind> ALL = List.of(
            new KubeKind("Namespace", "v1", Namespace.class, false),
            new KubeKind("Node", "v1", Node.class, false),
            new KubeKind("Pod", "v1", Pod.class, true),
            new KubeKind("Service", "v1", Service.class, true),
            new KubeKind("EndpointSlice", "discovery.k8s.io/v1", EndpointSlice.class, true),
            new KubeKind("Ingress", "networking.k8s.io/v1", Ingress.class, true),
            new KubeKind("ReplicaSet", "apps/v1", ReplicaSet.class, true),
            new KubeKind("Deployment", "apps/v1", Deployment.class, true),
            new KubeKind("DaemonSet", "apps/v1", DaemonSet.class, true),
            new KubeKind("StatefulSet", "apps/v1", StatefulSet.class, true),
            new KubeKind("Job", "batch/v1", Job.class, true),
            new KubeKind("CronJob", "batch/v1", CronJob.class, true));

    KubeKind {
        requireNonNull(kind, "kind is null");
        requireNonNull(apiVersion, "apiVersion is null");
        requireNonNull(type, "type is null");
    }
}
