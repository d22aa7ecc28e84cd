package io.sightline.discovery.aws;

import static io.sightline.discovery.aws.AwsStub.json;
import static io.sightline.discovery.aws.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.Cluster;
import io.sightline.asset.Host;
import io.sightline.asset.Inventory;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventorySnapshot;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.Samples;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.k8s.MockCluster;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;

class AwsDiscoveryTest {

    private static final String DESCRIBE_INSTANCES = "ec2:DescribeInstances";
    private static final String LIST_CLUSTERS = "eks:ListClusters";
    private static final String EC2_XML =
            Samples.read(Samples.corpus("apache-libcloud/libcloud/test/compute/fixtures/ec2/describe_instances.xml"));
    private static final JsonNode EKS_EXAMPLES =
            MockCluster.read(Samples.corpus("boto-botocore/botocore/data/eks/2017-11-01/examples-1.json"));

    private final AssetStore store = new AssetStore(Clock.systemUTC());
    private AwsStub stub;

    @BeforeEach
    void start() throws IOException {
        stub = new AwsStub()
                .answer(DESCRIBE_INSTANCES, xml(200, EC2_XML))
                .answer(LIST_CLUSTERS, json(200, example("ListClusters")))
                .answer("eks:DescribeCluster devel", json(200, example("DescribeCluster")))
                // The docs describe only "devel"; "prod", also listed, is not found, as when it is
                // deleted between the list and the describe.
                .answer("eks:DescribeCluster prod", json(404, "{\"message\":\"No cluster found for name: prod.\"}"))
                // The docs example cluster runs no managed node group.
                .answer("eks:ListNodegroups devel", json(200, "{\"nodegroups\":[]}"))
                // This account runs no ECS and has no ECR repository.
                .answer("ecs:ListClusters", json(200, "{\"clusterArns\":[]}"))
                .answer("ecr:DescribeRepositories", json(200, "{\"repositories\":[]}"));
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void instancesBecomeHostsWithEveryAddress() {
        SourceReport report = sync("prod-account");

        assertThat(report.counts()).containsEntry("Instance", 2).containsEntry("Cluster", 2);
        Inventory inventory = InventorySnapshot.live(store).inventory();
        // The stopped instance has an empty privateDnsName, so it is named by its id.
        Host first = inventory.host("i-4382922a").orElseThrow();
        assertThat(first.addresses()).containsExactly("10.211.11.211", "1.2.3.4");
        Host second = inventory.host("ip-172-16-9-139.ec2.internal").orElseThrow();
        assertThat(second.instanceId()).contains("i-8474834a");
        assertThat(second.addresses()).containsExactly("172.16.9.139", "172.16.4.139", "1.2.3.5");
        assertThat(second.source()).contains("prod-account Instance");
        assertThat(stub.requests(DESCRIBE_INSTANCES).getFirst().authorization())
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/");
    }

    @Test
    void clustersAreDescribedAndAnUndescribableOneIsKeptByName() {
        SourceReport report = sync("prod-account");

        Inventory inventory = InventorySnapshot.live(store).inventory();
        assertThat(inventory.clusters())
                .containsExactly(
                        new Cluster(
                                "devel",
                                Optional.of("arn:aws:eks:us-west-2:012345678910:cluster/devel"),
                                Optional.of("https://A0DCCD80A04F01705DD065655C30CC3D.yl4.us-west-2.eks.amazonaws.com"),
                                Optional.of("1.10")),
                        new Cluster("prod", Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(report.errors()).singleElement().satisfies(error -> {
            assertThat(error.source()).isEqualTo("prod-account");
            assertThat(error.what()).isEqualTo("eks:DescribeCluster prod");
            assertThat(error.message()).startsWith("HTTP 404").contains("No cluster found for name: prod.");
        });
    }

    @Test
    void instancesArePagedThroughNextToken() {
        // The real body with a nextToken added, then a last page that has none.
        stub.once(
                        DESCRIBE_INSTANCES,
                        xml(
                                200,
                                EC2_XML.replace(
                                        "</DescribeInstancesResponse>",
                                        "<nextToken>page-2</nextToken></DescribeInstancesResponse>")))
                .once(
                        DESCRIBE_INSTANCES,
                        xml(
                                200,
                                "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                                        + "<reservationSet/></DescribeInstancesResponse>"));

        SourceReport report = sync("prod-account");

        assertThat(report.counts()).containsEntry("Instance", 2);
        assertThat(stub.requests(DESCRIBE_INSTANCES)).hasSize(2);
        assertThat(stub.requests(DESCRIBE_INSTANCES).get(1).body()).contains("NextToken=page-2");
    }

    @Test
    void throttledCallsAreRetried() {
        stub.once(DESCRIBE_INSTANCES, xml(503, ec2Error("RequestLimitExceeded", "Request limit exceeded.")));

        SourceReport report = sync("prod-account");

        assertThat(report.errors()).extracting(e -> e.what()).doesNotContain("ec2:DescribeInstances");
        assertThat(report.counts()).containsEntry("Instance", 2);
        assertThat(stub.requests(DESCRIBE_INSTANCES)).hasSize(2);
    }

    @Test
    void expiredTokenIsReportedAndKeepsEveryoneElsesAssets() {
        sync("prod-account");
        store.upsert("other-account", ObjectKey.clusterScoped("Instance", "i-0abc"), EKS_EXAMPLES);
        stub.answer(DESCRIBE_INSTANCES, xml(400, ec2Error("RequestExpired", "Request has expired.")));
        stub.answer(LIST_CLUSTERS, json(403, "{\"message\":\"User is not authorized to perform: eks:ListClusters\"}"));

        SourceReport report = sync("prod-account");

        assertThat(report.errors())
                .extracting(e -> e.what())
                .containsExactly("ec2:DescribeInstances", "eks:ListClusters");
        assertThat(report.errors().getFirst().message())
                .startsWith("HTTP 400 RequestExpired: Request has expired.")
                .endsWith("instances kept from the last complete sync");
        assertThat(report.counts()).containsEntry("Instance", 2).containsEntry("Cluster", 2);
        assertThat(store.liveCounts("other-account")).containsEntry("Instance", 1);
    }

    @Test
    void unreachableEndpointIsReportedByName() {
        stub.close();

        SourceReport report = sync("gone-account");

        assertThat(report.errors()).extracting(e -> e.source()).containsOnly("gone-account");
        assertThat(report.errors().getFirst().message()).startsWith("unreachable or refused");
        assertThat(report.counts()).isEmpty();
    }

    private SourceReport sync(String name) {
        AwsSettings settings = new AwsSettings(
                Region.US_WEST_2,
                Optional.of(stub.endpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")),
                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(3)
                        .backoffStrategy(BackoffStrategy.retryImmediately())
                        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                        .build());
        try (AwsSource source = new AwsSource(name, settings, store)) {
            return source.sync();
        }
    }

    private static String example(String operation) {
        return EKS_EXAMPLES
                .path("examples")
                .path(operation)
                .get(0)
                .path("output")
                .toString();
    }

    /** EC2's query-protocol error body. */
    private static String ec2Error(String code, String message) {
        return "<Response><Errors><Error><Code>" + code + "</Code><Message>" + message
                + "</Message></Error></Errors><RequestID>5e1c4c4b-2a6e-4a5e-9d7c-0f1d2e3f4a5b</RequestID></Response>";
    }
}
