package io.sightline.discovery.aws;

import static io.sightline.discovery.aws.AwsStub.json;
import static io.sightline.discovery.aws.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Inventory;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventorySnapshot;
import io.sightline.discovery.InventoryWriter;
import io.sightline.discovery.Samples;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.k8s.MockCluster;
import io.sightline.finding.ScanReport;
import io.sightline.formats.InputLoader;
import io.sightline.image.ImageInfo;
import io.sightline.image.ImageRef;
import io.sightline.rank.ImageCatalogue;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * ECS task containers and ECR images as the engine's inventory sees them, discovered from a local
 * stub: the placebo Fargate DescribeTasks, the libcloud ECR ListImages and DescribeRepositories,
 * and a BatchGetImage answer written by hand, since the corpus holds no BatchGetImage body and no
 * image index at all. The index follows the OCI image-spec's {@code image-index.md} example, with a
 * BuildKit attestation entry.
 */
class EcsEcrInventoryTest {

    private static final String PLACEBO = "cloud-custodian/tests/data/placebo/test_ecs_task_sg_filter/";
    private static final String ECS = "apache-libcloud/libcloud/test/container/fixtures/ecs/";
    private static final String SOURCE = "prod/us-east-1";
    private static final String FARGATE_ID = "2e04f4f94d1149b3b4a0515e4a71d933-1053176469";
    private static final String HTTPD_DIGEST =
            "sha256:333f7bca9fb72248f301fd2ae4892b86d36cc2fdf4c6aa49a6700f27c8e06daf";
    /** The one image of the libcloud ListImages sample, served here as an index. */
    private static final String INDEX_DIGEST =
            "sha256:9bacaf947ed397fcc9afb7359a1a8eaa1f6944ba8cd4ddca1c69bdcf4acf12a2";

    private static final String AMD64 = "sha256:a1a1a1a1b2b2b2b2c3c3c3c3d4d4d4d4e5e5e5e5f6f6f6f6a7a7a7a7b8b8b8b8";
    private static final String ARM64 = "sha256:0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526272829";
    private static final String ATTESTATION = "sha256:9999888877776666555544443333222211110000ffffeeeeddddccccbbbbaaaa";
    private static final String INDEX = """
            {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
              {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1234, "digest": "%s",
               "platform": {"architecture": "amd64", "os": "linux"}},
              {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1234, "digest": "%s",
               "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
              {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 840, "digest": "%s",
               "platform": {"architecture": "unknown", "os": "unknown"},
               "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}]}
            """.formatted(AMD64, ARM64, ATTESTATION);
    private static final String REPOSITORY = "647433528374.dkr.ecr.us-east-1.amazonaws.com/my-images";

    private final AssetStore store = new AssetStore(Clock.systemUTC());
    private AwsStub stub;

    @BeforeEach
    void start() throws IOException {
        ObjectNode batchGetImage = JsonNodeFactory.instance.objectNode();
        batchGetImage
                .putArray("images")
                .addObject()
                .put("registryId", "647433528374")
                .put("repositoryName", "my-images")
                .put("imageManifestMediaType", "application/vnd.oci.image.index.v1+json")
                .put("imageManifest", INDEX)
                .putObject("imageId")
                .put("imageDigest", INDEX_DIGEST);
        batchGetImage.putArray("failures");
        stub = new AwsStub()
                .answer("ec2:DescribeInstances", xml(200, "<DescribeInstancesResponse/>"))
                .answer("eks:ListClusters", json(200, "{\"clusters\":[]}"))
                .answer("ecs:ListClusters", json(200, placebo("ecs.ListClusters_1.json")))
                .answer("ecs:DescribeClusters", json(200, corpus(ECS + "describeclusters.json")))
                .answer("ecs:ListTasks", json(200, placebo("ecs.ListTasks_1.json")))
                .answer("ecs:DescribeTasks", json(200, placebo("ecs.DescribeTasks_1.json")))
                .answer("ecr:DescribeRepositories", json(200, corpus(ECS + "describerepositories.json")))
                .answer("ecr:ListImages", json(200, corpus(ECS + "listimages.json")))
                .answer("ecr:BatchGetImage", json(200, batchGetImage.toString()));
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void aFargateContainerIsAContainerAssetByItsRuntimeId() {
        sync();

        Inventory inventory = InventorySnapshot.live(store).inventory();

        // Read by hand from the placebo DescribeTasks: runtimeId is <task id>-<n>, not a Docker id,
        // so it has no scheme; a Fargate task has no container instance, so no host.
        ContainerAsset container = inventory.container(FARGATE_ID).orElseThrow();
        assertThat(container.id()).isEqualTo(new ContainerId(Optional.empty(), FARGATE_ID));
        assertThat(container.name()).isEqualTo("sample-app");
        assertThat(container.image()).isEqualTo(ImageRef.parse("docker.io/library/httpd:2.4"));
        assertThat(container.imageDigest()).contains(HTTPD_DIGEST);
        assertThat(container.host()).isEmpty();
        assertThat(stub.requests("ecs:DescribeContainerInstances")).isEmpty();
    }

    @Test
    void anEcrIndexIsOneImageUnderEveryPlatformDigest() {
        SourceReport report = sync();

        assertThat(report.ok()).isTrue();
        assertThat(stub.requests("ecr:BatchGetImage").getFirst().body())
                .contains("application/vnd.oci.image.index.v1+json")
                .contains(INDEX_DIGEST);
        Inventory inventory = InventorySnapshot.live(store).inventory();
        // The libcloud DescribeRepositories has no repositoryUri; it is built from the ARN.
        ImageInfo expected = new ImageInfo(
                Optional.empty(),
                List.of(INDEX_DIGEST, AMD64, ARM64),
                List.of(ImageRef.parse(REPOSITORY + "@" + INDEX_DIGEST), ImageRef.parse(REPOSITORY + ":latest")));
        assertThat(inventory.image(ARM64)).contains(expected);
        assertThat(inventory.image(INDEX_DIGEST)).contains(expected);
        assertThat(inventory.image(ATTESTATION)).isEmpty();
    }

    @Test
    void aScanReportOnAPlatformDigestJoinsTheContainerThatRanTheIndex() {
        // The placebo task's container, pointed by hand at the ECR image: ECS reports the digest
        // the tag resolved to, which for a multi-platform image is the index's.
        JsonNode tasks = MockCluster.readString(placebo("ecs.DescribeTasks_1.json"));
        ((ObjectNode) tasks.path("tasks").get(0).path("containers").get(0))
                .put("image", REPOSITORY + ":latest")
                .put("imageDigest", INDEX_DIGEST);
        stub.answer("ecs:DescribeTasks", json(200, tasks.toString()));
        sync();
        Inventory inventory = InventorySnapshot.live(store).inventory();
        ScanReport arm64Scan = new ScanReport(
                "scans/my-images-arm64.json",
                "trivy",
                Optional.of(ImageRef.parse(REPOSITORY + "@" + ARM64)),
                List.of(ARM64),
                Optional.empty(),
                List.of());

        ImageCatalogue catalogue = ImageCatalogue.build(inventory, List.of(arm64Scan), Set.of());

        assertThat(catalogue.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.joinedBy()).isEqualTo("digest");
            assertThat(entry.reports()).containsExactly(arm64Scan);
            assertThat(entry.containers()).extracting(c -> c.id().id()).containsExactly(FARGATE_ID);
            assertThat(entry.repoDigests()).contains(INDEX_DIGEST, AMD64, ARM64);
        });
    }

    @Test
    void writtenFilesReadBackAsTheSameContainersAndImages(@TempDir Path folder) {
        sync();

        List<Path> written = new InventoryWriter().write(store, folder);
        InputLoader loader = new InputLoader(folder);
        loader.addDocuments(written);
        Inventory read = loader.inventory();

        assertThat(written).extracting(p -> p.getFileName().toString()).contains("ecs-tasks.json", "ecr-images.json");
        assertThat(loader.files())
                .extracting(InputLoader.FileSummary::format)
                .contains("ecs-describe-tasks", "ecr-batch-get-image");
        Inventory discovered = InventorySnapshot.live(store).inventory();
        assertThat(read.containers()).containsExactlyElementsOf(discovered.containers());
        assertThat(read.image(ARM64)).isEqualTo(discovered.image(ARM64)).isPresent();
    }

    private SourceReport sync() {
        AwsSettings settings = new AwsSettings(
                Region.US_EAST_1,
                Optional.of(stub.endpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")),
                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(1)
                        .backoffStrategy(BackoffStrategy.retryImmediately())
                        .build());
        try (AwsSource source = new AwsSource(SOURCE, settings, store)) {
            return source.sync();
        }
    }

    private static String corpus(String path) {
        return Samples.read(Samples.corpus(path));
    }

    /** The placebo body unwrapped; its datetime objects are left out, which DescribeTasks allows. */
    private static String placebo(String file) {
        JsonNode data = MockCluster.read(Samples.corpus(PLACEBO + file)).path("data");
        return stripDatetimes(data.deepCopy()).toString();
    }

    private static JsonNode stripDatetimes(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            List<String> dates = object.properties().stream()
                    .filter(e ->
                            "datetime".equals(e.getValue().path("__class__").asText()))
                    .map(java.util.Map.Entry::getKey)
                    .toList();
            dates.forEach(object::remove);
            object.forEach(EcsEcrInventoryTest::stripDatetimes);
        } else if (node.isArray()) {
            node.forEach(EcsEcrInventoryTest::stripDatetimes);
        }
        return node;
    }
}
