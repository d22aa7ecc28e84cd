package io.sightline.discovery.aws;

import static io.sightline.discovery.aws.AwsStub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.Samples;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.Tracked;
import io.sightline.discovery.k8s.MockCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * EKS managed node groups against the local stub: the log4shell-lateral scenario's EKS cluster
 * (its {@code eks-clusters.json} served as DescribeCluster) with two node groups whose bodies are
 * hand-written from the EKS API reference (see src/test/resources/SOURCES.md), linked to the
 * scenario's nodes through the registered cluster whose server is the cluster's endpoint.
 */
class EksNodegroupsTest {

    private static final String SOURCE = "prod-account/us-east-1";
    private static final String CLUSTER = "prod-payments";
    private static final String ENDPOINT = "https://A638E6B69ACEE4D90EF853CBA911EEC2.gr7.us-east-1.eks.amazonaws.com";
    private static final Path SCENARIO = Samples.scenario("log4shell-lateral").resolve("inventory");

    private final AssetStore store = new AssetStore(Clock.systemUTC());
    private AwsStub stub;

    @BeforeEach
    void start() throws IOException {
        stub = new AwsStub()
                .answer(
                        "ec2:DescribeInstances",
                        AwsStub.xml(200, "<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>"))
                .answer("eks:ListClusters", json(200, "{\"clusters\":[\"" + CLUSTER + "\"]}"))
                .answer("eks:DescribeCluster " + CLUSTER, json(200, describeClusterWire()))
                .once("eks:ListNodegroups " + CLUSTER, json(200, handwritten("list-nodegroups-prod-payments-1.json")))
                .answer("eks:ListNodegroups " + CLUSTER, json(200, handwritten("list-nodegroups-prod-payments-2.json")))
                .answer(
                        "eks:DescribeNodegroup prod-payments/prod-payments-general",
                        json(200, handwritten("describe-nodegroup-prod-payments-general.json")))
                .answer(
                        "eks:DescribeNodegroup prod-payments/prod-payments-spot",
                        json(200, handwritten("describe-nodegroup-prod-payments-spot.json")))
                .answer("ecs:ListClusters", json(200, "{\"clusterArns\":[]}"))
                .answer("ecr:DescribeRepositories", json(200, "{\"repositories\":[]}"));
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void nodegroupsArePagedAndDescribed() {
        SourceReport report = sync();

        assertThat(report.errors()).isEmpty();
        assertThat(report.counts()).containsEntry("Cluster", 1).containsEntry("EksNodegroup", 2);
        assertThat(stub.requests("eks:ListNodegroups " + CLUSTER)).hasSize(2);
        assertThat(stub.requests("eks:ListNodegroups " + CLUSTER).get(1).query())
                .contains("nextToken=eyJub2RlZ3JvdXAiOiJwcm9kLXBheW1lbnRzLWdlbmVyYWwifQ");
        JsonNode general = store.object(
                        SOURCE, ObjectKey.clusterScoped("EksNodegroup", "prod-payments/prod-payments-general"))
                .map(Tracked::object)
                .orElseThrow();
        assertThat(general.path("instanceTypes").get(0).asText()).isEqualTo("m6i.large");
        assertThat(general.path("scalingConfig").path("maxSize").asInt()).isEqualTo(6);
        assertThat(general.path("resources")
                        .path("autoScalingGroups")
                        .get(0)
                        .path("name")
                        .asText())
                .isEqualTo("eks-prod-payments-general-a2c8d1e4-5f6a-7b8c-9d0e-1f2a3b4c5d6e");
        assertThat(general.path("launchTemplate").path("id").asText()).isEqualTo("lt-0a1b2c3d4e5f60718");
        assertThat(general.path("createdAt").asText()).isEqualTo("2024-04-16T09:00:00Z");
    }

    @Test
    void registeredClusterWithTheEndpointIsLinkedAndItsNodesJoinTheirNodegroup() {
        sync();
        loadScenarioNodes("prod");

        // fabric8 writes the server URL with a trailing slash; case and the default port do not matter either.
        EksLinks links =
                EksLinks.of(store, Map.of("prod", ENDPOINT.toLowerCase() + ":443/", "staging", "https://10.0.0.1"));

        assertThat(links.clusters()).singleElement().satisfies(cluster -> {
            assertThat(cluster.registeredCluster()).contains("prod");
            assertThat(cluster.region()).contains("us-east-1");
        });
        assertThat(links.unregistered()).isEmpty();
        assertThat(links.nodegroups()).hasSize(2);
        EksLinks.NodegroupLink general = links.nodegroups().getFirst();
        assertThat(general.name()).isEqualTo("prod-payments-general");
        assertThat(general.nodes()).containsExactly("ip-10-0-1-57.ec2.internal", "ip-10-0-2-143.ec2.internal");
        assertThat(general.instanceTypes()).containsExactly("m6i.large");
        assertThat(general.minSize()).isEqualTo(OptionalInt.of(2));
        assertThat(general.desiredSize()).isEqualTo(OptionalInt.of(2));
        assertThat(general.launchTemplate()).contains("prod-payments-general-lt version 3");
        assertThat(general.describe())
                .isEqualTo("prod-payments-general (m6i.large; 2..6, desired 2;"
                        + " ASG eks-prod-payments-general-a2c8d1e4-5f6a-7b8c-9d0e-1f2a3b4c5d6e;"
                        + " launch template prod-payments-general-lt version 3): 2 nodes");
        assertThat(links.nodegroups().get(1).nodes()).isEmpty();
    }

    @Test
    void clusterNoRegisteredServerMatchesIsOfferedForRegistration() {
        sync();

        EksLinks links = EksLinks.of(store, Map.of("staging", "https://10.0.0.1:6443"));

        assertThat(links.unregistered()).singleElement().satisfies(cluster -> {
            assertThat(cluster.endpoint()).contains(ENDPOINT);
            assertThat(cluster.registrationCommand())
                    .isEqualTo("aws eks update-kubeconfig --name prod-payments --region us-east-1"
                            + " --kubeconfig ~/.kube/sightline-prod-payments"
                            + " && sightline clusters add prod-payments --kubeconfig ~/.kube/sightline-prod-payments"
                            + " --context arn:aws:eks:us-east-1:111122223333:cluster/prod-payments");
        });
        assertThat(links.nodegroups()).allSatisfy(n -> assertThat(n.nodes()).isEmpty());
    }

    @Test
    void undescribableNodegroupIsKeptAndAFailedListSweepsNothing() {
        sync();
        stub.once("eks:ListNodegroups " + CLUSTER, json(200, handwritten("list-nodegroups-prod-payments-1.json")))
                .answer(
                        "eks:DescribeNodegroup prod-payments/prod-payments-spot",
                        json(403, "{\"message\":\"User is not authorized to perform: eks:DescribeNodegroup\"}"));
        SourceReport second = sync();

        assertThat(second.errors()).singleElement().satisfies(e -> {
            assertThat(e.what()).isEqualTo("eks:DescribeNodegroup prod-payments/prod-payments-spot");
            assertThat(e.message()).startsWith("HTTP 403").endsWith("node group kept by name and last description");
        });
        JsonNode spot = store.object(
                        SOURCE, ObjectKey.clusterScoped("EksNodegroup", "prod-payments/prod-payments-spot"))
                .map(Tracked::object)
                .orElseThrow();
        assertThat(spot.path("capacityType").asText()).isEqualTo("SPOT");

        stub.answer("eks:ListNodegroups " + CLUSTER, json(403, "{\"message\":\"not authorized: eks:ListNodegroups\"}"));
        SourceReport third = sync();

        assertThat(third.errors()).extracting(e -> e.what()).containsExactly("eks:ListNodegroups prod-payments");
        assertThat(third.counts()).containsEntry("EksNodegroup", 2);
    }

    private void loadScenarioNodes(String source) {
        Map<ObjectKey, JsonNode> nodes = new LinkedHashMap<>();
        MockCluster.read(SCENARIO.resolve("nodes.json"))
                .path("items")
                .forEach(node -> nodes.put(
                        ObjectKey.clusterScoped(
                                "Node", node.path("metadata").path("name").asText()),
                        node));
        store.replaceKind(source, "Node", nodes);
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

    /**
     * The scenario's file is {@code aws eks describe-cluster} output, whose {@code createdAt} is the
     * CLI's ISO-8601 text; on the wire (restJson1) it is epoch seconds, which is what the SDK reads.
     */
    private static String describeClusterWire() {
        ObjectNode described = (ObjectNode) MockCluster.read(SCENARIO.resolve("eks-clusters.json"));
        ObjectNode cluster = (ObjectNode) described.path("cluster");
        cluster.put(
                "createdAt",
                OffsetDateTime.parse(cluster.path("createdAt").asText()).toEpochSecond());
        return described.toString();
    }

    private static String handwritten(String file) {
        try {
            return Files.readString(Path.of(EksNodegroupsTest.class
                    .getResource("/handwritten/eks/" + file)
                    .toURI()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
