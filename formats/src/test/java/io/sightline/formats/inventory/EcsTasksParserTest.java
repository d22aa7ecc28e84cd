package io.sightline.formats.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.DocumentParser;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EcsTasksParserTest {

    private static final String FARGATE =
            "cloud-custodian/tests/data/placebo/test_ecs_task_sg_filter/ecs.DescribeTasks_1.json";
    private static final String STORAGE = "cloud-custodian/tests/data/placebo/test_ecs_cluster_storage/";
    private static final String LIBCLOUD = "apache-libcloud/libcloud/test/container/fixtures/ecs/describetasks.json";
    private static final String FARGATE_ID = "2e04f4f94d1149b3b4a0515e4a71d933-1053176469";
    private static final String DOCKER_ID = "4f1d4b2b9c7e4f0f8a6f2c1e9d3b5a7c8e0f1a2b3c4d5e6f708192a3b4c5d6e7";
    private static final String CONTAINER_INSTANCE =
            "arn:aws:ecs:us-east-1:123456789012:container-instance/c7n-fail/9e9632ecb8a54bb7ac2eb33b05cfe29c";

    private final Inventory inventory = new Inventory();
    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void aFargateContainerKeepsItsTaskFormIdAndImageDigest() throws RecordException {
        parse(Samples.corpus(FARGATE).path("data"));

        // Values read by hand from the placebo DescribeTasks: one Fargate task, one container.
        assertThat(skipped).isEmpty();
        assertThat(inventory.containers())
                .containsExactly(new ContainerAsset(
                        new ContainerId(Optional.empty(), FARGATE_ID),
                        "sample-app",
                        Optional.empty(),
                        Optional.empty(),
                        ImageRef.parse("httpd:2.4"),
                        Optional.of("sha256:333f7bca9fb72248f301fd2ae4892b86d36cc2fdf4c6aa49a6700f27c8e06daf"),
                        Optional.empty(),
                        false,
                        false));
        assertThat(inventory.container(FARGATE_ID)).isPresent();
    }

    @Test
    void containersOfOneFargateTaskShareTheirPrefixAndStayApart() throws RecordException {
        JsonNode data = Samples.corpus(FARGATE).path("data").deepCopy();
        ArrayNode containers = (ArrayNode) data.path("tasks").get(0).path("containers");
        ObjectNode sidecar = containers.get(0).deepCopy();
        sidecar.put("name", "log-router").put("runtimeId", "2e04f4f94d1149b3b4a0515e4a71d933-2731560101");
        containers.add(sidecar);

        parse(data);

        assertThat(inventory.containers()).extracting(ContainerAsset::name).containsExactly("sample-app", "log-router");
        assertThat(inventory.container("2e04f4f94d1149b3b4a0515e4a71d933-2731560101"))
                .map(ContainerAsset::name)
                .contains("log-router");
        assertThat(inventory.container(FARGATE_ID)).map(ContainerAsset::name).contains("sample-app");
    }

    @Test
    void aTaskOnAnEc2ContainerInstanceIsFiledUnderTheInstancesHost() throws RecordException {
        // The corpus has no EC2-launched task with a runtimeId; this one is written by hand on the
        // container instance of the placebo DescribeContainerInstances, whose EC2 instance
        // i-017dc2df46511d9b8 the placebo DescribeInstances names ip-10-0-0-247.ec2.internal.
        JsonNode task = Samples.inline("""
                {"tasks": [{
                  "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/c7n-fail/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                  "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/c7n-fail",
                  "containerInstanceArn": "%s",
                  "launchType": "EC2",
                  "containers": [{
                    "name": "web",
                    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4",
                    "imageDigest": "sha256:0d5f3a1c2b4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708",
                    "runtimeId": "%s",
                    "lastStatus": "RUNNING"
                  }]
                }], "failures": []}
                """.formatted(CONTAINER_INSTANCE, DOCKER_ID));

        // The task is read before the container instance and the instance, as no order is promised.
        parse(task);
        parse(Samples.corpus(STORAGE + "ecs.DescribeContainerInstances_1.json").path("data"));
        Ec2InstancesParser.parse(
                Samples.corpus(STORAGE + "ec2.DescribeInstances_1.json").path("data"), "ec2.json", inventory, skipped);
        inventory.linkImages();

        assertThat(skipped).isEmpty();
        ContainerAsset web = inventory.container(DOCKER_ID.substring(0, 12)).orElseThrow();
        assertThat(web.id()).isEqualTo(new ContainerId(Optional.of("docker"), DOCKER_ID));
        assertThat(web.host()).contains("ip-10-0-0-247.ec2.internal");
        assertThat(inventory.hostByInstanceId("i-017dc2df46511d9b8"))
                .map(host -> host.name())
                .contains("ip-10-0-0-247.ec2.internal");
    }

    @Test
    void aContainerWithoutRuntimeIdIsSkippedByName() throws RecordException {
        // The libcloud wire sample is from an agent that reported neither image nor runtimeId.
        parse(Samples.corpus(LIBCLOUD));

        assertThat(inventory.containers()).isEmpty();
        assertThat(skipped)
                .extracting(SkippedRecord::reason)
                .containsExactly("tasks[0].containers[0] (container arn:aws:ecs:ap-southeast-2:647433528374:task/"
                        + "c15bcab8-39e6-4c28-a47d-27b433269e5c simple-app): no runtimeId: the container has not"
                        + " started, or its agent does not report one; container skipped");
    }

    @Test
    void documentsAreRecognisedAndOtherClusterListsAreNot() {
        assertThat(DocumentParser.recognise(Samples.corpus(FARGATE).path("data")))
                .map(DocumentParser.Recognised::format)
                .contains("ecs-describe-tasks");
        assertThat(EcsTasksParser.accepts(Samples.corpus(STORAGE + "ecs.DescribeContainerInstances_1.json")
                        .path("data")))
                .isTrue();
        assertThat(EcsTasksParser.accepts(Samples.corpus(FARGATE))).isFalse();
        assertThat(EcsTasksParser.accepts(
                        Samples.corpus("apache-libcloud/libcloud/test/container/fixtures/ecs/describeclusters.json")))
                .isFalse();
        assertThatThrownBy(() -> parse(Samples.corpus(FARGATE)))
                .isInstanceOf(RecordException.class)
                .hasMessageContaining("botocore placebo recording");
    }

    private void parse(JsonNode root) throws RecordException {
        EcsTasksParser.parse(root, "ecs-tasks.json", inventory, skipped);
    }
}
