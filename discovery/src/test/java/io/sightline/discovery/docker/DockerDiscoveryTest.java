package io.sightline.discovery.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Inventory;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventorySnapshot;
import io.sightline.discovery.InventoryWriter;
import io.sightline.discovery.Samples;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.k8s.MockCluster;
import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.formats.pipeline.AnalysisResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker host discovery against a fake Engine API serving watchtower's recorded bodies. */
class DockerDiscoveryTest {

    private static final String DATA = "containrrr-watchtower/pkg/container/mocks/data/";
    private static final String PORTAINER = "b978af0b858aa8855cce46b628817d4ed58e58f2c4f66c9b9c5449134ed4c008";
    private static final String WATCHTOWER_STOPPED = "ae8964ba86c7cd7522cf84e09781343d88e0e3543281c747d88b27e246578b65";
    private static final String PORTAINER_IMAGE =
            "sha256:19d07168491a3f9e2798a9bed96544e34d57ddc4757a4ac5bb199dea896c87fd";
    private static final String WATCHTOWER_IMAGE =
            "sha256:4dbc5f9c07028a985e14d1393e849ea07f68804c4293050d5a641b138db72daa";

    private final AssetStore store = new AssetStore(Clock.systemUTC());
    private FakeDockerEngine docker;

    @TempDir
    Path temp;

    @BeforeEach
    void start() throws IOException {
        // containers.json lists four containers; watchtower recorded the inspect of two of them, so
        // the other two answer 404, as containers removed between the list and the inspect do.
        docker = new FakeDockerEngine()
                .answer("/containers/json?all=1", 200, sample("containers.json"))
                .answer("/containers/" + PORTAINER + "/json", 200, sample("container_running.json"))
                .answer("/containers/" + WATCHTOWER_STOPPED + "/json", 200, sample("container_stopped.json"))
                .answer("/images/" + PORTAINER_IMAGE + "/json", 200, sample("image_default.json"))
                .answer("/images/" + WATCHTOWER_IMAGE + "/json", 200, sample("image_running.json"));
    }

    @AfterEach
    void stop() {
        docker.close();
    }

    @Test
    void containersCarryTheirImageIdRepoDigestsAndLabels() {
        SourceReport report = sync();

        assertThat(report.ok()).isTrue();
        assertThat(report.counts()).isEqualTo(Map.of("DockerContainer", 2, "DockerImage", 2));
        List<DockerContainer> containers = DockerSource.containers(store, "edge-1");
        assertThat(containers).extracting(DockerContainer::name).containsExactly("watchtower-stopped", "portainer");
        DockerContainer portainer = containers.get(1);
        assertThat(portainer.id()).isEqualTo(PORTAINER);
        assertThat(portainer.imageRef()).isEqualTo("portainer/portainer:latest");
        assertThat(portainer.imageId()).isEqualTo(PORTAINER_IMAGE);
        assertThat(portainer.repoDigests())
                .containsExactly(
                        "portainer/portainer@sha256:d6cc2c20c0af38d8d557ab994c419c799a10fe825e4aa57fea2e2e507a13747d");
        assertThat(portainer.privileged()).isFalse();
        assertThat(portainer.composeProject()).isEmpty();
        DockerContainer watchtower = containers.getFirst();
        assertThat(watchtower.labels()).containsEntry("com.centurylinklabs.watchtower", "true");
        // Built locally: the image has no registry digest.
        assertThat(watchtower.repoDigests()).isEmpty();
        assertThat(watchtower.state()).isEqualTo("exited");
    }

    @Test
    void theInventoryLinksEachContainerToItsRepoDigest() {
        sync();

        Inventory inventory = InventorySnapshot.live(store).inventory();

        ContainerAsset portainer =
                inventory.container(PORTAINER.substring(0, 12)).orElseThrow();
        assertThat(portainer.configDigest()).contains(PORTAINER_IMAGE);
        assertThat(portainer.imageDigest())
                .contains("sha256:d6cc2c20c0af38d8d557ab994c419c799a10fe825e4aa57fea2e2e507a13747d");
        assertThat(inventory.container(WATCHTOWER_STOPPED).orElseThrow().imageDigest())
                .isEmpty();
    }

    @Test
    void containersRunOnTheRegisteredDockerHostInTheInventoryAndInTheFiles() throws IOException {
        sync();

        Inventory live = InventorySnapshot.live(store).inventory();
        assertThat(live.container(PORTAINER.substring(0, 12)).orElseThrow().host())
                .contains("edge-1");
        assertThat(live.host("edge-1")).isPresent();

        Path out = temp.resolve("edge");
        new InventoryWriter().write(store, out);
        JsonNode written = MockCluster.read(out.resolve("docker-inspect.json"));
        assertThat(written.valueStream().map(c -> c.path("Node").path("Name").asText()))
                .containsOnly("edge-1");
        Inventory fromFiles = AnalysisPipeline.run(temp, List.of(out), KevCatalogue.bundled(), EngineConfig.DEFAULTS)
                .inventory();
        assertThat(fromFiles.container(PORTAINER.substring(0, 12)).orElseThrow().host())
                .contains("edge-1");
        assertThat(store.objects("edge-1", "DockerContainer")
                        .getFirst()
                        .object()
                        .has("Node"))
                .as("the store keeps the Engine API's object as it came")
                .isFalse();
    }

    @Test
    void anUnreachableDaemonIsReportedAndKeepsTheLastSync() {
        sync();
        docker.answer("/containers/json?all=1", 500, "{\"message\":\"server error\"}");

        SourceReport report = sync();

        assertThat(report.errors()).singleElement().satisfies(error -> {
            assertThat(error.what()).isEqualTo("GET /containers/json");
            assertThat(error.message()).contains("HTTP 500 server error");
        });
        assertThat(store.liveCounts("edge-1")).isEqualTo(Map.of("DockerContainer", 2, "DockerImage", 2));
    }

    @Test
    void aFailedInspectSweepsNothing() {
        sync();
        docker.answer("/containers/" + PORTAINER + "/json", 500, "{\"message\":\"daemon busy\"}");

        SourceReport report = sync();

        assertThat(report.errors())
                .singleElement()
                .satisfies(e -> assertThat(e.what()).isEqualTo("GET /containers/" + PORTAINER + "/json"));
        assertThat(store.liveCounts("edge-1")).containsEntry("DockerContainer", 2);
    }

    @Test
    void chunkedAnswersOverTheUnixSocketTransportAreDecoded() throws IOException {
        String response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n[{\"Id\r\n" + "7\r\n\":\"a\"}]\r\n" + "0\r\n\r\n";

        DockerEngine.Answer answer =
                DockerEngine.readResponse(new ByteArrayInputStream(response.getBytes(StandardCharsets.US_ASCII)));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("[{\"Id\":\"a\"}]");
    }

    /**
     * The docker-host-miner scenario read through a fake daemon instead of its inventory files: the
     * daemon answers each container's and image's inspect with the scenario's own objects, and the
     * list with their summaries. The files discovery writes must analyse to the same storyboards and
     * ranking as the scenario's files.
     */
    @Test
    void aDiscoveredDockerHostAnalysesLikeTheScenarioFiles() throws IOException {
        Path scenario = Samples.scenario("docker-host-miner");
        JsonNode containers = MockCluster.read(scenario.resolve("inventory/docker-inspect.json"));
        JsonNode images = MockCluster.read(scenario.resolve("inventory/docker-image-inspect.json"));
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        try (FakeDockerEngine host = new FakeDockerEngine()) {
            for (JsonNode container : containers) {
                String id = container.path("Id").asText();
                list.addObject()
                        .put("Id", id)
                        .put("Image", container.path("Config").path("Image").asText())
                        .put("ImageID", container.path("Image").asText())
                        .putArray("Names")
                        .add(container.path("Name").asText());
                host.answer("/containers/" + id + "/json", 200, container.toString());
            }
            for (JsonNode image : images) {
                host.answer("/images/" + image.path("Id").asText() + "/json", 200, image.toString());
            }
            host.answer("/containers/json?all=1", 200, list.toString());

            SourceReport report = new DockerSource("miner-host", new DockerEngine(host.daemon()), store).sync();
            assertThat(report.ok()).isTrue();
            assertThat(report.counts()).isEqualTo(Map.of("DockerContainer", 5, "DockerImage", 5));
        }
        Path out = temp.resolve("discovered");
        new InventoryWriter().write(store, out);

        AnalysisResult fromDiscovery = analyze(
                scenario,
                List.of(
                        out,
                        scenario.resolve("inventory/ec2-instances.json"),
                        scenario.resolve("scans"),
                        scenario.resolve("telemetry")));
        AnalysisResult fromFiles = analyze(scenario, AnalysisPipeline.layout(scenario));

        assertThat(fromFiles.storyboards()).isNotEmpty();
        assertThat(fromDiscovery.storyboards()).isEqualTo(fromFiles.storyboards());
        // The scenario's files do not say which machine the containers ran on; discovery does.
        assertThat(fromDiscovery.inventory().containers())
                .hasSameSizeAs(fromFiles.inventory().containers())
                .allSatisfy(c -> assertThat(c.host()).contains("miner-host"));
        assertThat(fromDiscovery.images())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("containers")
                .isEqualTo(fromFiles.images());
        assertThat(fromDiscovery.images().stream().map(i -> i.containers().size()))
                .isEqualTo(fromFiles.images().stream()
                        .map(i -> i.containers().size())
                        .toList());
    }

    private SourceReport sync() {
        return new DockerSource("edge-1", new DockerEngine(docker.daemon()), store).sync();
    }

    private static AnalysisResult analyze(Path scenario, List<Path> inputs) {
        return AnalysisPipeline.run(scenario, inputs, KevCatalogue.bundled(), EngineConfig.DEFAULTS);
    }

    private static String sample(String file) {
        return Samples.read(Samples.corpus(DATA + file));
    }
}
