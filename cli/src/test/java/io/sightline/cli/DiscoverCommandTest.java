package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.aws.EksLinks;
import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.server.MockCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sightline discover} against a mock API server holding the log4shell-lateral scenario's
 * cluster: the files it writes must analyse to the same storyboards as the scenario's own files.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class DiscoverCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SCENARIO = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral");
    private static final List<String> KUBECTL_FILES =
            List.of("nodes.json", "pods.json", "services.json", "endpointslices.json");

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path temp;

    @Test
    void discoveredFilesAnalyseToTheSameStoryboards() throws IOException {
        for (String file : KUBECTL_FILES) {
            load(SCENARIO.resolve("inventory").resolve(file));
        }
        Path out = temp.resolve("discovered");

        StringWriter printed = new StringWriter();
        int exit = run(printed, "discover", "--kubeconfig", kubeconfig().toString(), "--out", out.toString());

        assertThat(exit).isZero();
        assertThat(printed.toString())
                .startsWith("mock: ")
                .contains("10 EndpointSlice", "2 Node", "23 Pod", "10 Service")
                .doesNotContain("error");
        assertThat(out).isDirectoryContaining(p -> p.getFileName().toString().equals("pods.json"));
        for (String file : KUBECTL_FILES) {
            assertThat(MAPPER.readTree(out.resolve(file).toFile()).path("items").size())
                    .as(file)
                    .isEqualTo(MAPPER.readTree(
                                    SCENARIO.resolve("inventory").resolve(file).toFile())
                            .path("items")
                            .size());
        }

        // The AWS files are not Kubernetes objects; they go in beside the discovered ones.
        List<Path> discovered = new ArrayList<>(List.of(
                out,
                SCENARIO.resolve("inventory/ec2-instances.json"),
                SCENARIO.resolve("inventory/eks-clusters.json"),
                SCENARIO.resolve("scans"),
                SCENARIO.resolve("telemetry")));
        AnalysisResult fromDiscovery = analyze(discovered);
        AnalysisResult fromFiles = analyze(AnalysisPipeline.layout(SCENARIO));

        assertThat(fromFiles.storyboards()).isNotEmpty();
        assertThat(fromDiscovery.storyboards()).isEqualTo(fromFiles.storyboards());
        assertThat(fromDiscovery.images()).isEqualTo(fromFiles.images());
        assertThat(fromDiscovery.inventory().pods())
                .hasSameSizeAs(fromFiles.inventory().pods());
        assertThat(fromDiscovery.inventory().containers())
                .hasSameSizeAs(fromFiles.inventory().containers());
    }

    @Test
    void missingKubeconfigIsNamed() {
        StringWriter printed = new StringWriter();
        StringWriter errors = new StringWriter();
        CommandLine command = Sightline.commandLine();
        command.setOut(new PrintWriter(printed));
        command.setErr(new PrintWriter(errors));

        int exit = command.execute(
                "discover", "--kubeconfig", temp.resolve("absent.yaml").toString());

        assertThat(exit).isNotZero();
        assertThat(errors.toString()).contains("--kubeconfig").contains("absent.yaml: no such file");
    }

    @Test
    void eksClusterIsLinkedToTheRegisteredClusterOfItsEndpointOrOfferedForRegistration() throws IOException {
        AssetStore store = new AssetStore(Clock.systemUTC());
        JsonNode described =
                MAPPER.readTree(SCENARIO.resolve("inventory/eks-clusters.json").toFile());
        JsonNode cluster = described.path("cluster");
        store.upsert("prod-account/us-east-1", ObjectKey.clusterScoped("Cluster", "prod-payments"), cluster);
        ObjectNode staging = cluster.deepCopy();
        staging.put("name", "staging")
                .put("arn", "arn:aws:eks:us-east-1:111122223333:cluster/staging")
                .put("endpoint", "https://0F1E2D3C4B5A69788796A5B4C3D2E1F0.gr7.us-east-1.eks.amazonaws.com");
        store.upsert("prod-account/us-east-1", ObjectKey.clusterScoped("Cluster", "staging"), staging);
        StringWriter printed = new StringWriter();

        DiscoverCommand.printEks(
                EksLinks.of(store, Map.of("prod", cluster.path("endpoint").asText() + "/")),
                new PrintWriter(printed, true));

        assertThat(printed.toString().lines())
                .containsExactly(
                        "EKS cluster prod-payments (prod-account/us-east-1) is registered cluster prod",
                        "EKS cluster staging (prod-account/us-east-1,"
                                + " https://0F1E2D3C4B5A69788796A5B4C3D2E1F0.gr7.us-east-1.eks.amazonaws.com)"
                                + " offered for registration: aws eks update-kubeconfig --name staging"
                                + " --region us-east-1 --kubeconfig ~/.kube/sightline-staging"
                                + " && sightline clusters add staging --kubeconfig ~/.kube/sightline-staging"
                                + " --context arn:aws:eks:us-east-1:111122223333:cluster/staging");
    }

    private static AnalysisResult analyze(List<Path> inputs) {
        return AnalysisPipeline.run(SCENARIO, inputs, KevCatalogue.bundled(), EngineConfig.DEFAULTS);
    }

    private void load(Path file) throws IOException {
        for (JsonNode item : MAPPER.readTree(file.toFile()).path("items")) {
            client.resource(client.getKubernetesSerialization().convertValue(item, HasMetadata.class))
                    .create();
        }
    }

    private static int run(StringWriter printed, String... args) {
        CommandLine command = Sightline.commandLine();
        command.setOut(new PrintWriter(printed));
        return command.execute(args);
    }

    static Set<String> names(List<Path> files) {
        return Set.copyOf(files.stream().map(p -> p.getFileName().toString()).toList());
    }

    private Path kubeconfig() throws IOException {
        return MockCluster.kubeconfig(client, temp);
    }
}
