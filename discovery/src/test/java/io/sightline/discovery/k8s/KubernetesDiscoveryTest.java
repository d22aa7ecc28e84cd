package io.sightline.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Host;
import io.sightline.asset.Inventory;
import io.sightline.asset.PodKey;
import io.sightline.asset.WorkloadRef;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventorySnapshot;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.Tracked;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesDiscoveryTest {

    private static final String K9S = "derailed-k9s/internal/render/testdata/";
    private static final String KUBESCAPE = "kubescape-k8s-interface/";

    KubernetesMockServer server;
    KubernetesClient client;

    private final AssetStore store = new AssetStore(Clock.systemUTC());

    @Test
    void syncReadsEveryKindOfTheCorpusSamples() {
        MockCluster.loadCorpus(
                client,
                K9S + "po_sidecar.json",
                K9S + "no.json",
                K9S + "svc.json",
                K9S + "eps.json",
                K9S + "ns.json",
                K9S + "dp.json",
                K9S + "rs.json",
                K9S + "ds.json",
                K9S + "sts.json",
                K9S + "job.json",
                K9S + "cj.json",
                KUBESCAPE + "cloudmetadata/testdata/eks.json",
                KUBESCAPE + "instanceidhandler/v1/testdata/cronjob.json",
                KUBESCAPE + "instanceidhandler/v1/testdata/daemonset.json");

        SourceReport report = new KubernetesSource("kind-test", client, store).sync();

        assertThat(report.errors()).isEmpty();
        assertThat(report.counts())
                .containsEntry("Pod", 3)
                .containsEntry("Node", 2)
                .containsEntry("Service", 1)
                .containsEntry("EndpointSlice", 1)
                .containsEntry("Namespace", 1)
                .containsEntry("Deployment", 1)
                .containsEntry("ReplicaSet", 1)
                .containsEntry("DaemonSet", 1)
                .containsEntry("StatefulSet", 1)
                .containsEntry("Job", 1)
                .containsEntry("CronJob", 1)
                .doesNotContainKey("Ingress");
    }

    @Test
    void podContainersKeepRuntimeIdImageAndDigestIncludingInitAndSidecar() {
        String uid = MockCluster.loadCorpus(client, K9S + "po_sidecar.json")
                .getFirst()
                .getMetadata()
                .getUid();
        new KubernetesSource("kind-test", client, store).sync();

        Inventory inventory = InventorySnapshot.live(store).inventory();
        io.sightline.asset.Pod sleep =
                inventory.pod(new PodKey("default", "sleep")).orElseThrow();
        // The API server (here the mock) gives a created object its own uid.
        assertThat(sleep.uid()).isEqualTo(uid);
        assertThat(sleep.node()).contains("kind-control-plane");
        assertThat(sleep.ips()).containsExactly("10.244.0.8");
        assertThat(sleep.containers()).extracting(ContainerAsset::name).containsExactly("sleep", "init", "sidecar");

        ContainerAsset main = inventory.container("a1848056a183").orElseThrow();
        assertThat(main.name()).isEqualTo("sleep");
        assertThat(main.id().runtime()).contains("containerd");
        assertThat(main.id().id()).isEqualTo("a1848056a183e40afe3189fc4920bd565930180ebdf2f9e2daf778ea8105f93e");
        assertThat(main.image().toString()).contains("istio/base");
        assertThat(main.imageDigest())
                .contains("sha256:61673929bc39a86dca7d978b27fc632d3e590bc59cd8b2f386408751d007c91e");
        assertThat(main.initContainer()).isFalse();

        ContainerAsset sidecar = inventory.container("7a0d216a0963").orElseThrow();
        assertThat(sidecar.name()).isEqualTo("sidecar");
        assertThat(sidecar.initContainer()).isTrue();
    }

    @Test
    void eksNodeKeepsItsProviderIdAndInstance() {
        MockCluster.loadCorpus(client, KUBESCAPE + "cloudmetadata/testdata/eks.json");
        new KubernetesSource("eks-test", client, store).sync();

        Host node = InventorySnapshot.live(store)
                .inventory()
                .host("ip-1-1-1-1.eu-west-1.compute.internal")
                .orElseThrow();
        assertThat(node.providerId()).contains("aws:///eu-west-1b/i-000000fff00eeaa00");
        assertThat(node.instanceId()).contains("i-000000fff00eeaa00");
        assertThat(node.source()).contains("eks-test Node");
    }

    @Test
    void ownerChainsFollowTheDiscoveredWorkloads() {
        MockCluster.loadCorpus(
                client,
                K9S + "dp.json",
                K9S + "rs.json",
                K9S + "job.json",
                K9S + "cj.json",
                KUBESCAPE + "instanceidhandler/v1/testdata/cronjob.json",
                KUBESCAPE + "instanceidhandler/v1/testdata/daemonset.json");
        // No corpus pod belongs to the sample ReplicaSet: this one, built here, does.
        client.resource(podOwnedBy("icx", "icx-db-7d4b578979-abcde", "ReplicaSet", "icx-db-7d4b578979"))
                .create();
        new KubernetesSource("kind-test", client, store).sync();

        assertThat(chainOf(new ObjectKey("Pod", "icx", "icx-db-7d4b578979-abcde")))
                .containsExactly(
                        new WorkloadRef("ReplicaSet", "icx-db-7d4b578979"), new WorkloadRef("Deployment", "icx-db"));
        assertThat(chainOf(new ObjectKey("Job", "default", "hello-1567179180")))
                .containsExactly(new WorkloadRef("CronJob", "hello"));
        // The Job that made this pod was not listed: the chain names it and stops.
        assertThat(chainOf(new ObjectKey("Pod", "kubescape", "kubevuln-scheduler-28677846-pdblz")))
                .containsExactly(new WorkloadRef("Job", "kubevuln-scheduler-28677846"));
        assertThat(chainOf(new ObjectKey("Pod", "kubescape", "node-agent-4l822")))
                .containsExactly(new WorkloadRef("DaemonSet", "node-agent"));
    }

    @Test
    void sliceWithoutServiceLabelIsSkippedNamingSourceObjectAndField() {
        MockCluster.loadCorpus(client, K9S + "eps.json", K9S + "svc.json");
        new KubernetesSource("kind-test", client, store).sync();

        InventorySnapshot snapshot = InventorySnapshot.live(store);

        assertThat(snapshot.inventory().services()).hasSize(1);
        assertThat(snapshot.skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.file()).isEqualTo("kind-test EndpointSlice");
            assertThat(skipped.reason())
                    .contains("blee/fred")
                    .contains("metadata.labels[kubernetes.io/service-name]")
                    .endsWith("endpointslice skipped");
        });
    }

    @Test
    void scenarioClusterIsDiscoveredWhole() {
        MockCluster.loadScenario(client, "log4shell-lateral");

        SourceReport report = new KubernetesSource("scenario", client, store).sync();

        assertThat(report.counts())
                .containsEntry("Pod", 23)
                .containsEntry("Node", 2)
                .containsEntry("Service", 10)
                .containsEntry("EndpointSlice", 10);
        Inventory inventory = InventorySnapshot.live(store).inventory();
        io.sightline.asset.Pod orders = inventory.podByIp("10.0.1.167").orElseThrow();
        assertThat(orders.key()).isEqualTo(new PodKey("payments", "orders-api-mk27884nf2-knqbq"));
        assertThat(orders.workload()).contains(new WorkloadRef("Deployment", "orders-api"));
        assertThat(inventory.host("ip-10-0-1-57.ec2.internal").orElseThrow().instanceId())
                .contains("i-0780ff4bdc778c632");
        assertThat(inventory.serviceByIp("10.100.71.23").orElseThrow().name()).isEqualTo("orders-api");
        assertThat(inventory.endpoints()).isNotEmpty();
    }

    private java.util.List<WorkloadRef> chainOf(ObjectKey key) {
        Tracked tracked = store.object("kind-test", key).orElseThrow();
        return OwnerChains.of(store, "kind-test", tracked);
    }

    static Pod podOwnedBy(String namespace, String name, String ownerKind, String owner) {
        Pod pod = (Pod) MockCluster.toModel(
                new io.fabric8.kubernetes.client.KubernetesClientBuilder().build(),
                MockCluster.read(io.sightline.discovery.Samples.corpus(K9S + "po.json")));
        pod.setMetadata(new ObjectMetaBuilder(pod.getMetadata())
                .withNamespace(namespace)
                .withName(name)
                .withUid(null)
                .withResourceVersion(null)
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind(ownerKind)
                        .withName(owner)
                        .withController(true)
                        .withUid("owner-uid")
                        .build())
                .build());
        return pod;
    }

    static Optional<Tracked> gone(AssetStore store, String source, ObjectKey key) {
        return store.object(source, key).filter(t -> !t.live());
    }
}
