package io.sightline.discovery.aws;

import static io.sightline.discovery.aws.AwsStub.json;
import static io.sightline.discovery.aws.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.ObjectKey;
import io.sightline.discovery.Samples;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.Tracked;
import io.sightline.discovery.k8s.MockCluster;
import io.sightline.discovery.sources.RegisteredSource;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * One registered account across regions, with a role assumed through STS, and its ECS tasks and
 * ECR images, against a local stub serving corpus bodies (see src/test/resources/SOURCES.md).
 */
class AwsAccountDiscoveryTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/sightline-audit";
    private static final String PLACEBO = "cloud-custodian/tests/data/placebo/test_ecs_task_sg_filter/";
    private static final String ECS = "apache-libcloud/libcloud/test/container/fixtures/ecs/";

    /**
     * Not in the corpus: written after the DescribeRegions example of the EC2 API reference,
     * holding two regions.
     */
    private static final String DESCRIBE_REGIONS = """
            <DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
               <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
               <regionInfo>
                  <item>
                     <regionName>us-east-1</regionName>
                     <regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint>
                  </item>
                  <item>
                     <regionName>eu-west-1</regionName>
                     <regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint>
                  </item>
               </regionInfo>
            </DescribeRegionsResponse>
            """;

    /** Not in the corpus: the response elements of the STS API reference's AssumeRole. */
    private static final String ASSUME_ROLE = """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <AssumedRoleUser>
                  <Arn>arn:aws:sts::123456789012:assumed-role/sightline-audit/sightline-discovery</Arn>
                  <AssumedRoleId>ARO123EXAMPLE123:sightline-discovery</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
                  <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
                  <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW</SessionToken>
                  <Expiration>2099-07-15T23:28:33.359Z</Expiration>
                </Credentials>
              </AssumeRoleResult>
              <ResponseMetadata>
                <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
              </ResponseMetadata>
            </AssumeRoleResponse>
            """;

    private final AssetStore store = new AssetStore(Clock.systemUTC());
    private AwsStub stub;

    @BeforeEach
    void start() throws IOException {
        stub = new AwsStub()
                .answer("sts:AssumeRole", xml(200, ASSUME_ROLE))
                .answer("ec2:DescribeRegions", xml(200, DESCRIBE_REGIONS))
                .answer(
                        "ec2:DescribeInstances",
                        xml(
                                200,
                                Samples.read(Samples.corpus(
                                        "apache-libcloud/libcloud/test/compute/fixtures/ec2/describe_instances.xml"))))
                .answer("eks:ListClusters", json(200, "{\"clusters\":[]}"))
                .answer("ecs:ListClusters", json(200, placebo("ecs.ListClusters_1.json")))
                .answer("ecs:DescribeClusters", json(200, corpus(ECS + "describeclusters.json")))
                .answer("ecs:ListTasks", json(200, placebo("ecs.ListTasks_1.json")))
                .answer("ecs:DescribeTasks", json(200, placebo("ecs.DescribeTasks_1.json")))
                .answer("ecr:DescribeRepositories", json(200, corpus(ECS + "describerepositories.json")))
                .answer("ecr:ListImages", json(200, corpus(ECS + "listimages.json")))
                // No wire sample of BatchGetImage exists; EcsEcrInventoryTest serves a handwritten one.
                .answer("ecr:BatchGetImage", json(200, "{\"images\":[],\"failures\":[]}"));
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void everyEnabledRegionIsReadWithTheAssumedRole() {
        List<SourceReport> reports = discover(account(List.of()));

        assertThat(reports).extracting(SourceReport::source).containsExactly("prod/eu-west-1", "prod/us-east-1");
        assertThat(reports).allMatch(SourceReport::ok);
        assertThat(reports.getFirst().counts()).containsEntry("Instance", 2).containsEntry("EcsTask", 1);
        // STS was called once with the base credentials; every regional call signs with the role's.
        assertThat(stub.requests("sts:AssumeRole")).hasSize(1);
        assertThat(stub.requests("sts:AssumeRole").getFirst().body())
                .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fsightline-audit");
        assertThat(stub.requests("sts:AssumeRole").getFirst().authorization()).contains("Credential=AKIDEXAMPLE/");
        assertThat(stub.requests("ec2:DescribeInstances"))
                .extracting(AwsStub.Request::authorization)
                .allMatch(a -> a.contains("Credential=ASIAIOSFODNN7EXAMPLE/"))
                .anyMatch(a -> a.contains("/eu-west-1/ec2/"))
                .anyMatch(a -> a.contains("/us-east-1/ec2/"));
    }

    @Test
    void registeredRegionsAreReadWithoutListingRegions() {
        List<SourceReport> reports = discover(account(List.of("ap-southeast-2")));

        assertThat(reports).extracting(SourceReport::source).containsExactly("prod/ap-southeast-2");
        assertThat(stub.requests("ec2:DescribeRegions")).isEmpty();
    }

    @Test
    void ecsContainersKeepTheirImageDigestAndRuntimeId() {
        discover(account(List.of("us-east-1")));

        // Values from the placebo DescribeTasks: a Fargate task, so the runtime id is <task id>-<n>.
        assertThat(EcsContainer.of(store, "prod/us-east-1"))
                .containsExactly(new EcsContainer(
                        "arn:aws:ecs:us-east-1:644160558196:cluster/c7n-test-cluster",
                        "arn:aws:ecs:us-east-1:644160558196:task/c7n-test-cluster/2e04f4f94d1149b3b4a0515e4a71d933",
                        "sample-app",
                        Optional.of("httpd:2.4"),
                        Optional.of("sha256:333f7bca9fb72248f301fd2ae4892b86d36cc2fdf4c6aa49a6700f27c8e06daf"),
                        Optional.of("2e04f4f94d1149b3b4a0515e4a71d933-1053176469"),
                        Optional.of("RUNNING"),
                        Optional.empty()));
        assertThat(store.objects("prod/us-east-1", AwsSource.ECS_CLUSTER))
                .extracting(t -> t.key().name())
                .containsExactly("arn:aws:ecs:us-east-1:012345678910:cluster/default");
    }

    @Test
    void ecrImagesCarryTheirDigestAndTags() {
        discover(account(List.of("us-east-1")));

        assertThat(store.objects("prod/us-east-1", AwsSource.ECR_REPOSITORY))
                .extracting(t -> t.object().path("repositoryArn").asText())
                .containsExactly("arn:aws:ecr:us-east-1:647433528374:repository/my-images");
        List<Tracked> images = store.objects("prod/us-east-1", AwsSource.ECR_IMAGE);
        assertThat(images)
                .extracting(t -> t.key().name())
                .containsExactly("my-images@sha256:9bacaf947ed397fcc9afb7359a1a8eaa1f6944ba8cd4ddca1c69bdcf4acf12a2");
        assertThat(images.getFirst().object().path("imageTags").get(0).asText()).isEqualTo("latest");
    }

    @Test
    void aRefusedRoleIsTheAccountsOneErrorAndTouchesNoOtherSource() {
        ObjectNode instance = (ObjectNode) MockCluster.readString("{\"InstanceId\":\"i-0000000000000001\"}");
        store.upsert("staging/us-east-1", ObjectKey.clusterScoped("Instance", "i-0000000000000001"), instance);
        stub.answer(
                "sts:AssumeRole",
                xml(
                        403,
                        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized"
                                + " to perform sts:AssumeRole</Message></Error></ErrorResponse>"));

        List<SourceReport> reports = discover(account(List.of()));

        assertThat(reports).hasSize(1);
        assertThat(reports.getFirst().source()).isEqualTo("prod");
        assertThat(reports.getFirst().errors().getFirst().what()).isEqualTo("sts:AssumeRole " + ROLE);
        assertThat(reports.getFirst().errors().getFirst().message()).contains("AccessDenied");
        assertThat(stub.requests("ec2:DescribeInstances")).isEmpty();
        assertThat(store.liveCounts("staging/us-east-1")).isEqualTo(Map.of("Instance", 1));
    }

    private List<SourceReport> discover(RegisteredSource.AwsAccount account) {
        AwsSettings base = new AwsSettings(
                Region.US_EAST_1,
                account.endpointUrl(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")),
                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(2)
                        .backoffStrategy(BackoffStrategy.retryImmediately())
                        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                        .build());
        return new AwsAccountDiscovery(account, base, 2, store).sync();
    }

    private RegisteredSource.AwsAccount account(List<String> regions) {
        return new RegisteredSource.AwsAccount(
                "prod",
                Optional.empty(),
                Optional.of(ROLE),
                regions,
                Optional.of(URI.create(stub.endpoint().toString())));
    }

    private static String corpus(String path) {
        return Samples.read(Samples.corpus(path));
    }

    /**
     * A placebo file is botocore's parsed output: the body is under {@code data}, and timestamps are
     * {@code {"__class__": "datetime", ...}} objects. Served as a wire body, the body is unwrapped
     * and each timestamp becomes epoch seconds, as awsJson sends it; nothing else changes.
     */
    private static String placebo(String file) {
        JsonNode data =
                MockCluster.read(Samples.corpus(PLACEBO + file)).path("data").deepCopy();
        return epochSeconds(data).toString();
    }

    private static JsonNode epochSeconds(JsonNode node) {
        if (node.isObject() && "datetime".equals(node.path("__class__").asText())) {
            java.time.LocalDateTime time = java.time.LocalDateTime.of(
                    node.path("year").asInt(),
                    node.path("month").asInt(),
                    node.path("day").asInt(),
                    node.path("hour").asInt(),
                    node.path("minute").asInt(),
                    node.path("second").asInt(),
                    node.path("microsecond").asInt() * 1000);
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(
                    time.toEpochSecond(java.time.ZoneOffset.UTC) + time.getNano() / 1e9);
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            object.properties().forEach(e -> object.set(e.getKey(), epochSeconds(e.getValue())));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, epochSeconds(node.get(i)));
            }
        }
        return node;
    }
}
