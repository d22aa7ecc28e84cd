package io.sightline.formats.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.Host;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.RecordException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ec2InstancesParserTest {

    private static final String PLACEBO_OPTIMIZER =
            "cloud-custodian/tests/data/placebo/test_ec2_compute_optimizer_client_side/ec2.DescribeInstances_1.json";
    private static final String PLACEBO_ECS =
            "cloud-custodian/tests/data/placebo/test_ecs_cluster_storage/ec2.DescribeInstances_1.json";

    private final Inventory inventory = new Inventory();
    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void givesAnEksNodeItsPodsSecondaryAddressesAndItsCluster() throws RecordException {
        parse(Samples.scenario("log4shell-lateral", "ec2-instances.json"));

        assertThat(skipped).isEmpty();
        Host node = inventory.host("ip-10-0-1-57.ec2.internal").orElseThrow();
        assertThat(node.instanceId()).contains("i-0780ff4bdc778c632");
        assertThat(node.cluster()).contains("prod-payments");
        assertThat(node.addresses())
                .containsExactly(
                        "10.0.1.57",
                        "10.0.1.194",
                        "10.0.1.175",
                        "10.0.1.167",
                        "10.0.1.141",
                        "10.0.1.97",
                        "10.0.1.164",
                        "10.0.1.219");
        assertThat(inventory.hostByAddress("10.0.1.167")).contains(node);
        assertThat(inventory.hostByAddress("10.0.2.37").orElseThrow().name()).isEqualTo("ip-10-0-2-143.ec2.internal");
    }

    @Test
    void mergesTheInstanceIntoTheNodeOfTheSameNameInEitherOrder() throws RecordException {
        JsonNode ec2 = Samples.scenario("log4shell-lateral", "ec2-instances.json");
        JsonNode nodes = Samples.scenario("log4shell-lateral", "nodes.json");
        Inventory nodesFirst = new Inventory();
        KubernetesListParser.parse(nodes, "nodes.json", nodesFirst, skipped);
        Ec2InstancesParser.parse(ec2, "ec2-instances.json", nodesFirst, skipped);
        Inventory instancesFirst = new Inventory();
        Ec2InstancesParser.parse(ec2, "ec2-instances.json", instancesFirst, skipped);
        KubernetesListParser.parse(nodes, "nodes.json", instancesFirst, skipped);

        for (Inventory merged : List.of(nodesFirst, instancesFirst)) {
            assertThat(merged.hosts()).hasSize(2);
            Host node = merged.host("ip-10-0-2-143.ec2.internal").orElseThrow();
            assertThat(node.instanceId()).contains("i-06817be7b047f8b1b");
            assertThat(node.providerId()).contains("aws:///us-east-1b/i-06817be7b047f8b1b");
            assertThat(node.cluster()).contains("prod-payments");
            assertThat(node.addresses()).hasSize(9).contains("10.0.2.143", "10.0.2.66", "10.0.2.37");
        }
    }

    @Test
    void readsAStandaloneDockerHostWithItsPublicAddress() throws RecordException {
        parse(Samples.scenario("docker-host-miner", "ec2-instances.json"));

        Host host = inventory.host("ip-172-31-20-15.ec2.internal").orElseThrow();
        assertThat(host.instanceId()).contains("i-0cb65931926b50106");
        assertThat(host.addresses()).containsExactly("172.31.20.15", "192.0.2.44");
        assertThat(host.cluster()).isEmpty();
        assertThat(host.source()).contains("ec2-instances.json");
    }

    @Test
    void rejectsAPlaceboRecordingAndReadsTheResponseInside() throws RecordException {
        JsonNode recording = Samples.corpus(PLACEBO_OPTIMIZER);

        assertThat(Ec2InstancesParser.accepts(recording)).isFalse();
        assertThatThrownBy(() -> parse(recording))
                .hasMessage("expected aws ec2 describe-instances output ({\"Reservations\": [...]}), got a botocore"
                        + " placebo recording ({status_code, data}); its data member holds the response");

        parse(recording.path("data"));
        parse(Samples.corpus(PLACEBO_ECS).path("data"));

        assertThat(inventory.host("ip-172-31-24-162.ec2.internal").orElseThrow().addresses())
                .containsExactly("172.31.24.162", "3.80.81.163");
        assertThat(inventory.host("ip-172-31-16-192.ec2.internal").orElseThrow().instanceId())
                .contains("i-0fd1ec3ac02aa378c");
        Host ecsInstance = inventory.host("ip-10-0-0-247.ec2.internal").orElseThrow();
        assertThat(ecsInstance.instanceId()).contains("i-017dc2df46511d9b8");
        assertThat(ecsInstance.addresses()).containsExactly("10.0.0.247", "35.173.219.217");
        assertThat(ecsInstance.cluster()).isEmpty();
    }

    @Test
    void rejectsKubernetesOutput() {
        JsonNode pods = Samples.scenario("log4shell-lateral", "pods.json");

        assertThat(Ec2InstancesParser.accepts(pods)).isFalse();
        assertThatThrownBy(() -> parse(pods))
                .isInstanceOf(RecordException.class)
                .hasMessage("expected aws ec2 describe-instances output ({\"Reservations\": [...]}), got an object"
                        + " with fields [apiVersion, items, kind, metadata]");
    }

    @Test
    void skipsAnInstanceWithoutIdAndKeepsTheOthers() throws RecordException {
        JsonNode document = Samples.inline("""
                {"Reservations": [{"Instances": [
                  {"InstanceId": "i-0a", "PrivateDnsName": "ip-10-0-0-1.ec2.internal", "PrivateIpAddress": "10.0.0.1"},
                  {"PrivateDnsName": "ip-10-0-0-2.ec2.internal", "PrivateIpAddress": "10.0.0.2"},
                  {"InstanceId": "i-0c", "PrivateDnsName": "", "State": {"Name": "terminated"}}
                ]}]}
                """);

        Ec2InstancesParser.parse(document, "ec2.json", inventory, skipped);

        assertThat(inventory.hosts()).extracting(Host::name).containsExactly("ip-10-0-0-1.ec2.internal", "i-0c");
        assertThat(skipped)
                .containsExactly(new SkippedRecord(
                        "ec2.json",
                        0,
                        "Reservations[0].Instances[1] (instance): missing field InstanceId; instance skipped"));
    }

    private void parse(JsonNode root) throws RecordException {
        Ec2InstancesParser.parse(root, "ec2-instances.json", inventory, skipped);
    }
}
