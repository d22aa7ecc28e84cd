package io.sightline.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.Host;
import io.sightline.discovery.k8s.Exposure;
import io.sightline.discovery.k8s.Exposures;
import io.sightline.discovery.k8s.MockCluster;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Joins across sources: EC2 instances to the Kubernetes nodes that run on them. */
class InventorySnapshotTest {

    private static final Path INVENTORY = Samples.scenario("log4shell-lateral").resolve("inventory");

    private final AssetStore store = new AssetStore(Clock.systemUTC());

    @Test
    void instanceAddressesJoinTheNodeOfTheSameName() {
        addNodes("eks-prod");
        addInstances("aws-prod");

        Host node = InventorySnapshot.live(store)
                .inventory()
                .host("ip-10-0-1-57.ec2.internal")
                .orElseThrow();

        assertThat(node.providerId()).contains("aws:///us-east-1a/i-0780ff4bdc778c632");
        assertThat(node.instanceId()).contains("i-0780ff4bdc778c632");
        // 10.0.1.194 is a secondary ENI address that the VPC CNI gave the falco pod.
        assertThat(node.addresses()).contains("10.0.1.57", "10.0.1.194", "10.0.1.167");
    }

    @Test
    void instanceIsFiledUnderTheNodeWhoseProviderIdNamesIt() {
        // As Karpenter or a custom hostname would name it: the node's name is not the instance's
        // private DNS name, so only the providerID links them. The name is the only change.
        JsonNode nodes = MockCluster.read(INVENTORY.resolve("nodes.json"));
        ObjectNode renamed = (ObjectNode) nodes.path("items").get(0).deepCopy();
        ((ObjectNode) renamed.path("metadata")).put("name", "karpenter-node-a");
        store.upsert("eks-prod", ObjectKey.clusterScoped("Node", "karpenter-node-a"), renamed);
        addInstances("aws-prod");

        var inventory = InventorySnapshot.live(store).inventory();

        Host node = inventory.host("karpenter-node-a").orElseThrow();
        assertThat(node.instanceId()).contains("i-0780ff4bdc778c632");
        assertThat(node.addresses()).contains("10.0.1.57", "10.0.1.194");
        assertThat(inventory.host("ip-10-0-1-57.ec2.internal")).isEmpty();
        assertThat(inventory.hostByAddress("10.0.1.194").orElseThrow().name()).isEqualTo("karpenter-node-a");
    }

    @Test
    void exposuresListLoadBalancersNodePortsAndIngresses() {
        // No corpus sample exposes anything, so these two objects are written here.
        store.upsert("kind", new ObjectKey("Service", "web", "storefront-lb"), MockCluster.readString("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"storefront-lb","namespace":"web"},
                 "spec":{"type":"LoadBalancer","clusterIP":"10.100.44.191",
                         "ports":[{"port":443,"targetPort":8443,"nodePort":31443,"protocol":"TCP"}]},
                 "status":{"loadBalancer":{"ingress":[{"hostname":"a1b2.elb.us-east-1.amazonaws.com"}]}}}"""));
        store.upsert("kind", new ObjectKey("Ingress", "web", "shop"), MockCluster.readString("""
                {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"shop","namespace":"web"},
                 "spec":{"rules":[{"host":"shop.example.com","http":{"paths":[{"path":"/","pathType":"Prefix",
                         "backend":{"service":{"name":"storefront","port":{"number":80}}}}]}}]},
                 "status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}"""));

        assertThat(Exposures.of(store, "kind"))
                .containsExactly(
                        new Exposure(
                                "web",
                                "storefront-lb",
                                "LoadBalancer",
                                java.util.List.of("a1b2.elb.us-east-1.amazonaws.com"),
                                java.util.List.of(31443),
                                java.util.List.of(),
                                java.util.List.of("storefront-lb")),
                        new Exposure(
                                "web",
                                "shop",
                                "Ingress",
                                java.util.List.of("203.0.113.10"),
                                java.util.List.of(),
                                java.util.List.of("shop.example.com"),
                                java.util.List.of("storefront")));
    }

    private void addNodes(String source) {
        for (JsonNode node : MockCluster.read(INVENTORY.resolve("nodes.json")).path("items")) {
            String name = node.path("metadata").path("name").asText();
            store.upsert(source, ObjectKey.clusterScoped("Node", name), node);
        }
    }

    /** The scenario's instances are AWS CLI output: the shape AwsSource stores SDK results in. */
    private void addInstances(String source) {
        for (JsonNode reservation :
                MockCluster.read(INVENTORY.resolve("ec2-instances.json")).path("Reservations")) {
            for (JsonNode instance : reservation.path("Instances")) {
                store.upsert(
                        source,
                        ObjectKey.clusterScoped(
                                "Instance", instance.path("InstanceId").asText()),
                        instance);
            }
        }
    }
}
