package io.sightline.discovery.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sightline.asset.PodKey;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventorySnapshot;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.Tracked;
import java.time.Clock;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesLiveTest {

    private static final String SCENARIO = "log4shell-lateral";
    private static final ObjectKey NEW_POD = new ObjectKey("Pod", "web", "storefront-7qrwqrlxj-zz9k2");
    private static final ObjectKey ORDERS = new ObjectKey("Pod", "payments", "orders-api-mk27884nf2-knqbq");

    KubernetesMockServer server;
    KubernetesClient client;

    private final AssetStore store = new AssetStore(Clock.systemUTC());
    private final BlockingQueue<Tracked> changes = new LinkedBlockingQueue<>();

    @Test
    void watchShowsPodsAddedChangedAndDeleted() throws InterruptedException {
        MockCluster.loadScenario(client, SCENARIO);
        try (KubernetesSource source = new KubernetesSource("scenario", client, store)) {
            SourceReport report = source.watch();
            assertThat(report.errors()).isEmpty();
            assertThat(report.counts()).containsEntry("Pod", 23).containsEntry("Service", 10);
            store.addListener((s, tracked) -> changes.add(tracked));

            client.resource(KubernetesDiscoveryTest.podOwnedBy(
                            "web", NEW_POD.name(), "ReplicaSet", "storefront-7qrwqrlxj"))
                    .create();
            Tracked added = next(t -> t.key().equals(NEW_POD));
            assertThat(added.live()).isTrue();

            client.pods().inNamespace("web").withName(NEW_POD.name()).edit(pod -> labelled(pod, "canary", "true"));
            Tracked changed = next(t -> t.key().equals(NEW_POD)
                    && t.object().path("metadata").path("labels").has("canary"));
            assertThat(changed.firstSeen()).isEqualTo(added.firstSeen());
            assertThat(changed.lastSeen()).isAfterOrEqualTo(added.lastSeen());

            client.pods().inNamespace("web").withName(NEW_POD.name()).delete();
            Tracked deleted = next(t -> t.key().equals(NEW_POD) && !t.live());
            assertThat(deleted.goneSince()).isPresent();
            assertThat(deleted.lastSeen()).isEqualTo(changed.lastSeen());

            PodKey key = new PodKey("web", NEW_POD.name());
            assertThat(InventorySnapshot.live(store).inventory().pod(key)).isEmpty();
            assertThat(InventorySnapshot.withGone(store).inventory().pod(key)).isPresent();
            assertThat(store.liveCounts("scenario")).containsEntry("Pod", 23);
            assertThat(store.goneCounts("scenario")).containsEntry("Pod", 1);
        }
    }

    @Test
    void completeRelistMarksMissingObjectsGone() {
        MockCluster.loadScenario(client, SCENARIO);
        KubernetesSource source = new KubernetesSource("scenario", client, store);
        source.sync();

        client.pods().inNamespace("payments").withName(ORDERS.name()).delete();
        SourceReport report = source.sync();

        assertThat(report.errors()).isEmpty();
        assertThat(report.counts()).containsEntry("Pod", 22);
        Tracked orders = store.object("scenario", ORDERS).orElseThrow();
        assertThat(orders.live()).isFalse();
        assertThat(orders.object().path("status").path("podIP").asText()).isEqualTo("10.0.1.167");
    }

    @Test
    void failedListOfOneKindSweepsNothingAndIsReported() {
        MockCluster.loadScenario(client, SCENARIO);
        KubernetesSource source = new KubernetesSource("scenario", client, store);
        source.sync();

        client.pods().inNamespace("payments").withName(ORDERS.name()).delete();
        server.expect()
                .get()
                .withPath("/api/v1/pods?limit=500")
                .andReturn(403, forbidden())
                .always();
        SourceReport report = source.sync();

        assertThat(report.errors()).singleElement().satisfies(error -> {
            assertThat(error.source()).isEqualTo("scenario");
            assertThat(error.what()).isEqualTo("Pod");
            assertThat(error.message()).startsWith("HTTP 403").contains("Pod objects kept from the last complete sync");
        });
        assertThat(store.object("scenario", ORDERS).orElseThrow().live()).isTrue();
        assertThat(report.counts()).containsEntry("Pod", 23).containsEntry("Service", 10);
    }

    @Test
    void unreachableSourceIsReportedByNameAndOtherSourcesAreUntouched() {
        MockCluster.loadScenario(client, SCENARIO);
        new KubernetesSource("scenario", client, store).sync();

        try (KubernetesClient unreachable = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:1")
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            SourceReport report = new KubernetesSource("staging", unreachable, store).sync();

            assertThat(report.errors()).singleElement().satisfies(error -> {
                assertThat(error.source()).isEqualTo("staging");
                assertThat(error.message()).startsWith("API server unreachable");
            });
            assertThat(report.counts()).isEmpty();
        }
        assertThat(store.liveCounts("scenario"))
                .containsEntry("Pod", 23)
                .containsEntry("Node", 2)
                .containsEntry("Service", 10)
                .containsEntry("EndpointSlice", 10);
    }

    private Tracked next(Predicate<Tracked> wanted) throws InterruptedException {
        while (true) {
            Tracked change = changes.poll(10, TimeUnit.SECONDS);
            assertThat(change).as("a store change within 10 s").isNotNull();
            if (wanted.test(change)) {
                return change;
            }
        }
    }

    private static Pod labelled(Pod pod, String key, String value) {
        pod.getMetadata().getLabels().put(key, value);
        return pod;
    }

    private static String forbidden() {
        return """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
                "message":"pods is forbidden: User \\"system:serviceaccount:sightline:discovery\\" cannot list\
                 resource \\"pods\\" in API group \\"\\" at the cluster scope","reason":"Forbidden","code":403}""";
    }
}
