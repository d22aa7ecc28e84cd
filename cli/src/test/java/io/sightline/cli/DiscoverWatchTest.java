package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.sightline.server.MockCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sightline discover --watch} against a mock API server in CRUD mode holding the
 * log4shell-lateral scenario's cluster: a pod created, changed and deleted in the API is printed
 * and shows up in the files, and the command ends cleanly when asked to stop.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class DiscoverWatchTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SCENARIO = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral");
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String POD = "storefront-7qrwqrlxj-zz9k2";

    KubernetesClient client;

    @TempDir
    Path temp;

    @Test
    void watchPrintsEachChangeAndRewritesTheFiles() throws Exception {
        for (String file : List.of("nodes.json", "pods.json", "services.json", "endpointslices.json")) {
            load(SCENARIO.resolve("inventory").resolve(file));
        }
        Path out = temp.resolve("live");
        StringWriter printed = new StringWriter();
        CommandLine command = Sightline.commandLine();
        command.setOut(new PrintWriter(printed, true));
        DiscoverCommand discover = command.getSubcommands().get("discover").getCommand();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread running = new Thread(() -> exit.set(command.execute(
                "discover", "--watch", "--kubeconfig", kubeconfig().toString(), "--out", out.toString())));
        running.start();
        try {
            await("the first files", () -> printed.toString().contains("watching 1 cluster"));
            assertThat(printed.toString()).startsWith("mock: ").contains("23 Pod");
            assertThat(podNames(out)).hasSize(23);

            HasMetadata pod = podFromScenario();
            client.resource(pod).create();
            await("the added pod", () -> podNames(out).contains(POD));
            await("its line", () -> printed.toString().contains("mock: Pod web/" + POD + " added"));

            client.pods().inNamespace("web").withName(POD).edit(p -> {
                p.getMetadata().getLabels().put("canary", "true");
                return p;
            });
            await("its change", () -> printed.toString().contains("mock: Pod web/" + POD + " changed"));

            client.pods().inNamespace("web").withName(POD).delete();
            await("its deletion", () -> printed.toString().contains("mock: Pod web/" + POD + " gone"));
            // The line is printed before the files are rewritten.
            await("its deletion in pods.json", () -> !podNames(out).contains(POD));
            assertThat(podNames(out)).hasSize(23);
        } finally {
            discover.stopRequested.countDown();
            running.join(DEADLINE.toMillis());
        }
        assertThat(running.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThat(printed.toString()).endsWith("stopped" + System.lineSeparator());
        assertThat(out.resolve("pods.json.tmp")).doesNotExist();
    }

    private HasMetadata podFromScenario() throws IOException {
        JsonNode first = MAPPER.readTree(SCENARIO.resolve("inventory/pods.json").toFile())
                .path("items")
                .get(0);
        HasMetadata pod = client.getKubernetesSerialization().convertValue(first, HasMetadata.class);
        pod.setMetadata(new ObjectMetaBuilder(pod.getMetadata())
                .withNamespace("web")
                .withName(POD)
                .withUid(null)
                .withResourceVersion(null)
                .build());
        return pod;
    }

    private static List<String> podNames(Path out) {
        Path file = out.resolve("pods.json");
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return MAPPER.readTree(file.toFile())
                    .path("items")
                    .valueStream()
                    .map(item -> item.path("metadata").path("name").asText())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + DEADLINE).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private void load(Path file) throws IOException {
        for (JsonNode item : MAPPER.readTree(file.toFile()).path("items")) {
            client.resource(client.getKubernetesSerialization().convertValue(item, HasMetadata.class))
                    .create();
        }
    }

    private Path kubeconfig() {
        try {
            return MockCluster.kubeconfig(client, temp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
