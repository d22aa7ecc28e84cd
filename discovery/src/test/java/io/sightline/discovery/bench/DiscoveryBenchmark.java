package io.sightline.discovery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventorySnapshot;
import io.sightline.discovery.Samples;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.k8s.KubernetesSource;
import io.sightline.discovery.k8s.MockCluster;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Discovers a cluster of N pods (default 10,000) from the fabric8 mock server in CRUD mode and
 * prints how long a full sync, an inventory snapshot, the informers' first list, a watch update,
 * a relist beside the running informers and a rewrite of the inventory files
 * take. Not a test: run it by hand (see README, "Discovery benchmark").
 *
 * <p>The pods are copies of the scenario's {@code orders-api} pod, each with its own name, IP and
 * container id, spread over 50 namespaces.
 */
public final class DiscoveryBenchmark {

    private static final int NAMESPACES = 50;
    private static final int WATCH_UPDATES = 20;

    private DiscoveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            JsonNode template = template();
            long loadStart = System.nanoTime();
            for (int i = 0; i < pods; i++) {
                client.resource(pod(client, template, i)).create();
            }
            System.out.printf(Locale.ROOT, "loaded %d pods into the mock in %.1f s%n", pods, seconds(loadStart));

            AssetStore store = new AssetStore(Clock.systemUTC());
            KubernetesSource source = new KubernetesSource("bench", client, store);
            source.sync(); // warm-up: class loading, connection pool, JIT
            long syncStart = System.nanoTime();
            SourceReport report = source.sync();
            System.out.printf(Locale.ROOT, "full sync: %s in %.2f s%n", report.counts(), seconds(syncStart));

            long snapshotStart = System.nanoTime();
            int inventoryPods = InventorySnapshot.live(store).inventory().pods().size();
            System.out.printf(
                    Locale.ROOT, "inventory snapshot: %d pods in %.2f s%n", inventoryPods, seconds(snapshotStart));

            AssetStore watched = new AssetStore(Clock.systemUTC());
            try (KubernetesSource live = new KubernetesSource("bench", client, watched)) {
                long watchStart = System.nanoTime();
                live.watch();
                System.out.printf(
                        Locale.ROOT,
                        "informers listed %s in %.2f s%n",
                        watched.liveCounts("bench"),
                        seconds(watchStart));
                ConcurrentHashMap<String, CountDownLatch> waiting = new ConcurrentHashMap<>();
                watched.addListener((s, tracked) -> {
                    CountDownLatch latch = waiting.get(tracked.key().name());
                    if (latch != null) {
                        latch.countDown();
                    }
                });
                long worst = 0;
                long total = 0;
                // The first update is a warm-up (the watch connections' first frames), not counted.
                for (int i = -1; i < WATCH_UPDATES; i++) {
                    HasMetadata added = pod(client, template, pods + 1 + i);
                    CountDownLatch seen = new CountDownLatch(1);
                    waiting.put(added.getMetadata().getName(), seen);
                    long start = System.nanoTime();
                    client.resource(added).create();
                    if (!seen.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException(
                                "pod " + added.getMetadata().getName() + " not seen in 30 s");
                    }
                    long took = System.nanoTime() - start;
                    if (i < 0) {
                        System.out.printf(Locale.ROOT, "watch warm-up: %.1f ms%n", took / 1e6);
                        continue;
                    }
                    worst = Math.max(worst, took);
                    total += took;
                }
                System.out.printf(
                        Locale.ROOT,
                        "watch: pod created -> in the store: mean %.1f ms, worst %.1f ms over %d pods%n",
                        total / 1e6 / WATCH_UPDATES,
                        worst / 1e6,
                        WATCH_UPDATES);

                long relistStart = System.nanoTime();
                SourceReport relisted = live.relist();
                System.out.printf(
                        Locale.ROOT,
                        "relist beside the informers: %s in %.2f s%n",
                        relisted.counts(),
                        seconds(relistStart));
                java.nio.file.Path files = java.nio.file.Files.createTempDirectory("sightline-bench");
                long writeStart = System.nanoTime();
                new io.sightline.discovery.InventoryWriter().write(watched, files);
                System.out.printf(Locale.ROOT, "inventory files rewritten: %.2f s%n", seconds(writeStart));
            }
        } finally {
            server.destroy();
        }
    }

    private static JsonNode template() {
        for (JsonNode pod : MockCluster.read(
                        Samples.scenario("log4shell-lateral").resolve("inventory/pods.json"))
                .path("items")) {
            if (pod.path("metadata").path("name").asText().equals("orders-api-mk27884nf2-knqbq")) {
                return pod;
            }
        }
        throw new IllegalStateException("the scenario has no pod orders-api-mk27884nf2-knqbq");
    }

    private static HasMetadata pod(KubernetesClient client, JsonNode template, int i) {
        ObjectNode pod = template.deepCopy();
        ObjectNode metadata = (ObjectNode) pod.path("metadata");
        metadata.put("name", "orders-api-mk27884nf2-" + i);
        metadata.put("namespace", "bench-" + (i % NAMESPACES));
        metadata.remove("uid");
        metadata.remove("resourceVersion");
        String ip = "10." + (64 + i / 65_536) + "." + (i / 256 % 256) + "." + (i % 256);
        ObjectNode status = (ObjectNode) pod.path("status");
        status.put("podIP", ip);
        ArrayNode ips = status.putArray("podIPs");
        ips.addObject().put("ip", ip);
        for (JsonNode container : status.path("containerStatuses")) {
            ((ObjectNode) container).put("containerID", "containerd://" + String.format(Locale.ROOT, "%064x", i + 1L));
        }
        return MockCluster.toModel(client, pod);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
