package io.sightline.discovery.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.Samples;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.k8s.KubernetesSource;
import io.sightline.discovery.k8s.MockCluster;
import io.sightline.discovery.live.InventoryChange.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LiveDiscovery} against the fabric8 mock API server in CRUD mode, loaded with the
 * log4shell-lateral scenario's cluster: what changes in the API shows up in the written files.
 */
@EnableKubernetesMockClient(crud = true)
class LiveDiscoveryTest {

    private static final String SOURCE = "scenario";
    private static final String NEW_POD = "storefront-7qrwqrlxj-zz9k2";
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final Duration FLUSH = Duration.ofMillis(20);

    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path out;

    private final AssetStore store = new AssetStore(Clock.systemUTC());
    private final List<InventoryChange> changes = new CopyOnWriteArrayList<>();
    private final List<List<SourceReport>> relists = new CopyOnWriteArrayList<>();

    @Test
    void podAddedChangedAndDeletedInTheApiShowsUpInTheFiles() {
        MockCluster.loadScenario(client, "log4shell-lateral");
        try (LiveDiscovery live = live(Duration.ofMinutes(10))) {
            List<SourceReport> started = live.start();
            assertThat(started).singleElement().satisfies(report -> {
                assertThat(report.errors()).isEmpty();
                assertThat(report.counts()).containsEntry("Pod", 23);
            });
            assertThat(podNames()).hasSize(23).doesNotContain(NEW_POD);
            assertThat(changes).as("the first look is the baseline").isEmpty();

            client.resource(pod("web", NEW_POD)).create();
            await("the new pod in pods.json", () -> podNames().contains(NEW_POD));
            assertThat(changes).contains(new InventoryChange(SOURCE, key(NEW_POD), Kind.ADDED));

            client.pods().inNamespace("web").withName(NEW_POD).edit(pod -> {
                pod.getMetadata().getLabels().put("canary", "true");
                return pod;
            });
            await(
                    "the pod's new label in pods.json",
                    () -> pod(NEW_POD)
                            .map(p -> p.path("metadata")
                                    .path("labels")
                                    .path("canary")
                                    .asText()
                                    .equals("true"))
                            .orElse(false));
            assertThat(changes).contains(new InventoryChange(SOURCE, key(NEW_POD), Kind.CHANGED));

            client.pods().inNamespace("web").withName(NEW_POD).delete();
            await(
                    "the pod gone from pods.json",
                    () -> !podNames().contains(NEW_POD) && podNames().size() == 23);
            assertThat(changes).contains(new InventoryChange(SOURCE, key(NEW_POD), Kind.GONE));
            assertThat(relists).as("no relist within ten minutes").isEmpty();
        }
    }

    @Test
    void periodicRelistSweepsAnObjectTheWatchMissedAndLeavesTheRest() {
        MockCluster.loadScenario(client, "log4shell-lateral");
        // A second between relists: the missed pod must still be in pods.json when it is looked
        // for right after the flush (at 100 ms a loaded machine's relist swept it first).
        try (LiveDiscovery live = live(Duration.ofSeconds(1))) {
            live.start();
            // A pod the store holds but the API no longer does: its deletion was lost, as when the
            // watch dropped while it happened and the informer's cache never learned of it.
            ObjectKey missed = key("missed-0");
            store.upsert(
                    SOURCE,
                    missed,
                    MockCluster.readString(
                            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"missed-0\",\"namespace\":\"web\"}}"));
            live.flush();
            assertThat(podNames()).contains("missed-0");

            await("a relist that sweeps the missed pod", () -> !podNames().contains("missed-0"));
            assertThat(changes).contains(new InventoryChange(SOURCE, missed, Kind.GONE));
            assertThat(store.object(SOURCE, missed).orElseThrow().live()).isFalse();
            assertThat(podNames()).hasSize(23);
            assertThat(relists).isNotEmpty();
            assertThat(relists.getFirst())
                    .singleElement()
                    .satisfies(r -> assertThat(r.ok()).isTrue());
            assertThat(changes).as("only the missed pod changed").hasSize(2);
        }
    }

    @Test
    void aKindWithNoLiveObjectLeftHasItsFileDeleted() {
        client.resource(pod("web", NEW_POD)).create();
        try (LiveDiscovery live = live(Duration.ofMinutes(10))) {
            live.start();
            assertThat(out.resolve("pods.json")).exists();

            client.pods().inNamespace("web").withName(NEW_POD).delete();
            await("pods.json deleted", () -> !Files.exists(out.resolve("pods.json")));
            assertThat(changes).containsExactly(new InventoryChange(SOURCE, key(NEW_POD), Kind.GONE));
        }
    }

    @Test
    void aKindWhoseInformerFailedToStartIsWatchedAgainAfterAWholeRelist() {
        MockCluster.loadScenario(client, "log4shell-lateral");
        server.expect()
                .get()
                .withPath("/api/v1/pods?limit=500")
                .andReturn(
                        403,
                        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                + "\"message\":\"pods is forbidden\",\"reason\":\"Forbidden\",\"code\":403}")
                .once();
        KubernetesSource cluster = new KubernetesSource(SOURCE, client, store);
        try (LiveDiscovery live = live(cluster, Duration.ofMillis(100))) {
            List<SourceReport> started = live.start();
            assertThat(started.getFirst().errors())
                    .singleElement()
                    .satisfies(e -> assertThat(e.what()).isEqualTo("Pod"));
            assertThat(cluster.watching()).isFalse();

            await("the Pod informer running again", cluster::watching);
            await("the pods in pods.json", () -> podNames().size() == 23);

            // A pod created now reaches the files; waiting for it also lets the new watch settle before
            // close, since the mock server blocks its event loop when a watch closes mid-delivery.
            client.resource(pod("web", NEW_POD)).create();
            await("the new pod in pods.json", () -> podNames().contains(NEW_POD));
        }
    }

    private LiveDiscovery live(Duration relistInterval) {
        return live(new KubernetesSource(SOURCE, client, store), relistInterval);
    }

    private LiveDiscovery live(KubernetesSource cluster, Duration relistInterval) {
        return new LiveDiscovery(
                store,
                List.of(cluster),
                List::of,
                new LiveDiscovery.Settings(relistInterval, FLUSH, Optional.of(out)),
                new LiveDiscovery.Listener() {
                    @Override
                    public void changed(InventoryChange change) {
                        changes.add(change);
                    }

                    @Override
                    public void relisted(List<SourceReport> reports) {
                        relists.add(reports);
                    }
                });
    }

    private static ObjectKey key(String pod) {
        return new ObjectKey("Pod", "web", pod);
    }

    private List<String> podNames() {
        Path file = out.resolve("pods.json");
        if (!Files.exists(file)) {
            return List.of();
        }
        return MockCluster.read(file)
                .path("items")
                .valueStream()
                .map(item -> item.path("metadata").path("name").asText())
                .toList();
    }

    private Optional<JsonNode> pod(String name) {
        Path file = out.resolve("pods.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return MockCluster.read(file)
                .path("items")
                .valueStream()
                .filter(item -> item.path("metadata").path("name").asText().equals(name))
                .findFirst();
    }

    /** Polls until the condition holds; fails at the deadline. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + DEADLINE).isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** k9s's dockershim pod under a new namespace and name. */
    private Pod pod(String namespace, String name) {
        Pod pod = (Pod) MockCluster.toModel(
                client, MockCluster.read(Samples.corpus("derailed-k9s/internal/render/testdata/po.json")));
        pod.setMetadata(new ObjectMetaBuilder(pod.getMetadata())
                .withNamespace(namespace)
                .withName(name)
                .withUid(null)
                .withResourceVersion(null)
                .build());
        return pod;
    }
}
