package io.sightline.formats.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Host;
import io.sightline.asset.Inventory;
import io.sightline.asset.Pod;
import io.sightline.asset.PodKey;
import io.sightline.asset.Service;
import io.sightline.asset.ServiceEndpoint;
import io.sightline.asset.WorkloadRef;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubernetesListParserTest {

    private static final String K9S = "derailed-k9s/internal/render/testdata/";
    private static final String KUBESCAPE_PODS = "kubescape-k8s-interface/instanceidhandler/v1/testdata/";
    private static final String KUBESCAPE_NODES = "kubescape-k8s-interface/cloudmetadata/testdata/";
    private static final String LIBCLOUD_K8S = "apache-libcloud/libcloud/test/container/fixtures/kubernetes/";

    private final Inventory inventory = new Inventory();
    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void readsTheAttackedPodOfTheLog4ShellScenario() throws RecordException {
        readScenario("log4shell-lateral");

        Pod pod = inventory
                .pod(new PodKey("payments", "orders-api-mk27884nf2-knqbq"))
                .orElseThrow();
        assertThat(pod.uid()).isEqualTo("e17f8620-f126-422b-81a4-ff591f6eabbf");
        assertThat(pod.node()).contains("ip-10-0-1-57.ec2.internal");
        assertThat(pod.ips()).containsExactly("10.0.1.167");
        assertThat(pod.serviceAccount()).isEqualTo("orders-api");
        assertThat(pod.workload()).contains(new WorkloadRef("Deployment", "orders-api"));
        assertThat(pod.hostNetwork()).isFalse();

        ContainerAsset container = pod.containers().getFirst();
        assertThat(pod.containers()).hasSize(1);
        assertThat(container.name()).isEqualTo("orders-api");
        assertThat(container.id())
                .isEqualTo(new ContainerId(
                        Optional.of("containerd"), "d9eed57efe267af67e89fd7109f4aa642fe0a0461a50b72c4013029cef171a7b"));
        assertThat(container.image())
                .isEqualTo(ImageRef.parse("111122223333.dkr.ecr.us-east-1.amazonaws.com/payments/orders-api:1.8.2"));
        assertThat(container.imageDigest())
                .contains("sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540");
        assertThat(container.configDigest()).isEmpty();
        assertThat(container.host()).contains("ip-10-0-1-57.ec2.internal");
        assertThat(container.pod()).contains(pod.key());
        assertThat(container.privileged()).isFalse();
        assertThat(container.initContainer()).isFalse();

        assertThat(inventory.container("d9eed57efe26")).contains(container);
        assertThat(inventory.podByIp("10.0.1.167")).contains(pod);
    }

    @Test
    void readsEveryObjectOfTheLog4ShellScenario() throws RecordException {
        readScenario("log4shell-lateral");

        assertThat(skipped).isEmpty();
        assertThat(inventory.pods()).hasSize(23);
        assertThat(inventory.hosts())
                .extracting(Host::name)
                .containsExactly("ip-10-0-1-57.ec2.internal", "ip-10-0-2-143.ec2.internal");
        assertThat(inventory.services()).hasSize(10);
        assertThat(inventory.endpoints()).hasSize(14);
    }

    @Test
    void resolvesWorkloadsPrivilegeAndHostNetworkOfTheScenarioPods() throws RecordException {
        readScenario("log4shell-lateral");

        Pod inventorySvc = inventory
                .pod(new PodKey("inventory", "inventory-svc-mcxr5jjvj-ktlmq"))
                .orElseThrow();
        assertThat(inventorySvc.workload()).contains(new WorkloadRef("Deployment", "inventory-svc"));
        assertThat(inventorySvc.containers().getFirst().privileged()).isTrue();
        assertThat(inventorySvc.node()).contains("ip-10-0-2-143.ec2.internal");

        assertThat(inventory
                        .pod(new PodKey("payments", "postgres-0"))
                        .orElseThrow()
                        .workload())
                .contains(new WorkloadRef("StatefulSet", "postgres"));
        assertThat(inventory
                        .pod(new PodKey("reporting", "legacy-reports-xps8q5d926-grwzg"))
                        .orElseThrow()
                        .serviceAccount())
                .isEqualTo("default");

        Pod awsNode = inventory.pod(new PodKey("kube-system", "aws-node-j57mv")).orElseThrow();
        assertThat(awsNode.workload()).contains(new WorkloadRef("DaemonSet", "aws-node"));
        assertThat(awsNode.hostNetwork()).isTrue();
        assertThat(awsNode.ips()).containsExactly("10.0.1.57");
        assertThat(awsNode.containers().getFirst().privileged()).isTrue();
        // A host-network pod shares the node's address; the address must not resolve to the pod.
        assertThat(inventory.podByIp("10.0.1.57")).isEmpty();
    }

    @Test
    void readsNodesAsHostsWithTheirInstanceIds() throws RecordException {
        readScenario("log4shell-lateral");

        Host node = inventory.host("ip-10-0-1-57.ec2.internal").orElseThrow();
        assertThat(node.providerId()).contains("aws:///us-east-1a/i-0780ff4bdc778c632");
        assertThat(node.instanceId()).contains("i-0780ff4bdc778c632");
        assertThat(node.addresses()).containsExactly("10.0.1.57");
        assertThat(node.cluster()).isEmpty();
    }

    @Test
    void resolvesTheKubernetesServiceToTheApiServerEndpoints() throws RecordException {
        readScenario("log4shell-lateral");

        Service kubernetes = inventory.serviceByIp("10.100.0.1").orElseThrow();
        assertThat(kubernetes.namespace()).isEqualTo("default");
        assertThat(kubernetes.name()).isEqualTo("kubernetes");
        assertThat(kubernetes.ports()).containsExactly(new Service.ServicePort("https", "TCP", 443, "443"));
        assertThat(inventory.endpointsOf(kubernetes, 443))
                .containsExactly(
                        new ServiceEndpoint("default", "kubernetes", "10.0.1.210", 443, "https", Optional.empty()),
                        new ServiceEndpoint("default", "kubernetes", "10.0.2.77", 443, "https", Optional.empty()));
    }

    @Test
    void resolvesAServiceIpToThePodsBehindIt() throws RecordException {
        readScenario("log4shell-lateral");

        Service ordersApi = inventory.serviceByIp("10.100.71.23").orElseThrow();
        assertThat(ordersApi.ports()).containsExactly(new Service.ServicePort("http", "TCP", 80, "8080"));
        assertThat(inventory.endpointsOf(ordersApi, 80))
                .extracting(ServiceEndpoint::address, ServiceEndpoint::port, ServiceEndpoint::pod)
                .containsExactly(
                        tuple("10.0.1.167", 8080, Optional.of(new PodKey("payments", "orders-api-mk27884nf2-knqbq"))),
                        tuple("10.0.2.66", 8080, Optional.of(new PodKey("payments", "orders-api-mk27884nf2-57zj5"))));
    }

    @Test
    void keepsFinishedCiPodsAndOwnerlessRunnersOfTheBenignScenario() throws RecordException {
        readScenario("benign-ci-noise");

        assertThat(skipped).isEmpty();
        Pod runner = inventory
                .pod(new PodKey("ci", "runner-ej6dkjcb-project-1842-concurrent-0-78zm4gk2"))
                .orElseThrow();
        assertThat(runner.workload()).isEmpty();
        assertThat(runner.containers()).extracting(ContainerAsset::name).containsExactly("build", "helper");
        assertThat(inventory
                        .pod(new PodKey("batch", "db-backup-28861262-ww68h"))
                        .orElseThrow()
                        .workload())
                .contains(new WorkloadRef("Job", "db-backup-28861262"));
    }

    @Test
    void readsASinglePodFromTheDockerShimEra() throws RecordException {
        parse(K9S + "po.json");

        Pod pod = inventory.pod(new PodKey("default", "nginx")).orElseThrow();
        assertThat(pod.uid()).isEqualTo("614908ed-415b-4506-8370-e3e36fa8cc13");
        assertThat(pod.node()).contains("minikube");
        assertThat(pod.ips()).containsExactly("172.17.0.6");
        assertThat(pod.workload()).isEmpty();
        ContainerAsset nginx = pod.containers().getFirst();
        assertThat(nginx.id())
                .isEqualTo(new ContainerId(
                        Optional.of("docker"), "421bd26d6c682f14b5ea1dcaf06e14a509b2b702fc7793e820520eb1e28e2eaf"));
        assertThat(nginx.image().toString()).isEqualTo("docker.io/library/nginx:alpine");
        assertThat(nginx.imageDigest())
                .contains("sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595");
    }

    @Test
    void resolvesAReplicaSetOwnerToItsDeploymentByTheTemplateHash() throws RecordException {
        parse(K9S + "p1.json");

        Pod pod = inventory.pod(new PodKey("default", "nginx-7fb78fb6d8-2w75j")).orElseThrow();
        assertThat(pod.workload()).contains(new WorkloadRef("Deployment", "nginx"));
        assertThat(pod.node()).contains("gke-k9s-default-pool-0fa2fb89-lbtf");
        assertThat(pod.containers().getFirst().image().toString()).isEqualTo("k8s.gcr.io/nginx-slim:0.8");
        assertThat(pod.containers().getFirst().imageDigest())
                .contains("sha256:8b4501fe0fe221df663c22e16539f399e89594552f400408303c42f3dd8d0e52");
    }

    @Test
    void readsInitAndNativeSidecarContainersOnContainerd() throws RecordException {
        parse(K9S + "po_sidecar.json");

        Pod pod = inventory.pod(new PodKey("default", "sleep")).orElseThrow();
        assertThat(pod.ips()).containsExactly("10.244.0.8");
        assertThat(pod.containers())
                .extracting(ContainerAsset::name, ContainerAsset::initContainer, c -> c.id().id())
                .containsExactly(
                        tuple("sleep", false, "a1848056a183e40afe3189fc4920bd565930180ebdf2f9e2daf778ea8105f93e"),
                        tuple("init", true, "75295261e5d751382c9a6ffa4477b84af2934686c360dcba2d8a6b9bc0f8cada"),
                        tuple("sidecar", true, "7a0d216a09630040c5b165c42cc9d2a95d541d95b6ac0a5ca604bf767d1b2cf0"));
        assertThat(pod.containers()).allSatisfy(c -> {
            assertThat(c.id().runtime()).contains("containerd");
            assertThat(c.image().toString()).isEqualTo("docker.io/istio/base:latest");
            assertThat(c.imageDigest())
                    .contains("sha256:61673929bc39a86dca7d978b27fc632d3e590bc59cd8b2f386408751d007c91e");
        });
    }

    @Test
    void keepsAnInitContainerThatReusesItsNeighboursIdInThePod() throws RecordException {
        parse(K9S + "po_init.json");

        // The k9s fixture gives ic1 the same containerID as nginx; the pod keeps both, the
        // container index (keyed by id) can hold only one of them.
        Pod pod = inventory.pod(new PodKey("default", "nginx")).orElseThrow();
        assertThat(pod.containers())
                .extracting(ContainerAsset::name, ContainerAsset::initContainer)
                .containsExactly(tuple("nginx", false), tuple("ic1", true));
        assertThat(inventory.containers()).hasSize(1);
    }

    @Test
    void takesTheRepoDigestFromImageIdAndTheConfigDigestFromADigestInStatusImage() throws RecordException {
        parse(KUBESCAPE_PODS + "deployment.json");

        Pod pod = inventory.pod(new PodKey("default", "nginx-84f5585d68-42mxd")).orElseThrow();
        assertThat(pod.workload()).contains(new WorkloadRef("Deployment", "nginx"));
        // spec.initContainers names "bla", but no status reports it: it never ran.
        assertThat(pod.containers()).hasSize(1);
        ContainerAsset nginx = pod.containers().getFirst();
        assertThat(nginx.image().digest())
                .contains("sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d");
        assertThat(nginx.imageDigest())
                .contains("sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d");
        assertThat(nginx.configDigest())
                .contains("sha256:295c7be079025306c4f1d65997fcf7adb411c88f139ad1d34b537164aa060369");
    }

    @Test
    void resolvesDaemonSetStatefulSetAndJobOwnersAsTheyAre() throws RecordException {
        parse(KUBESCAPE_PODS + "daemonset.json");
        parse(KUBESCAPE_PODS + "statefulset.json");
        parse(KUBESCAPE_PODS + "cronjob.json");
        parse(KUBESCAPE_PODS + "jobPod.json");

        Pod nodeAgent =
                inventory.pod(new PodKey("kubescape", "node-agent-4l822")).orElseThrow();
        assertThat(nodeAgent.workload()).contains(new WorkloadRef("DaemonSet", "node-agent"));
        assertThat(nodeAgent.ips()).containsExactly("10.244.0.11", "fd00:10:244::b");
        assertThat(nodeAgent.serviceAccount()).isEqualTo("node-agent");
        assertThat(nodeAgent.containers().getFirst().imageDigest())
                .contains("sha256:09ee5c4e4833807cd63a726707a06cd9d4f69ed9b935b3651f541197df83ff1b");
        assertThat(inventory.pod(new PodKey("default", "web-0")).orElseThrow().workload())
                .contains(new WorkloadRef("StatefulSet", "web"));
        assertThat(inventory
                        .pod(new PodKey("kubescape", "kubevuln-scheduler-28677846-pdblz"))
                        .orElseThrow()
                        .workload())
                .contains(new WorkloadRef("Job", "kubevuln-scheduler-28677846"));
        assertThat(inventory
                        .pod(new PodKey("default", "nginx-job-88b9z"))
                        .orElseThrow()
                        .workload())
                .contains(new WorkloadRef("Job", "nginx-job"));
        assertThat(skipped).isEmpty();
    }

    @Test
    void readsATypedPodListWhoseItemsOmitTheirKind() throws RecordException {
        parse(LIBCLOUD_K8S + "_api_v1_pods.json");

        Pod pod = inventory.pod(new PodKey("default", "hello-world")).orElseThrow();
        assertThat(pod.uid()).isEqualTo("1fad5411-b9af-11e5-8701-0050568157ec");
        assertThat(pod.node()).contains("127.0.0.1");
        ContainerAsset container = pod.containers().getFirst();
        assertThat(container.id().id()).isEqualTo("3c48b5cda79bce4c8866f02a3b96a024edb8f660d10e7d1755e9ced49ef47b36");
        // Early kubelets on Docker reported the image id (config digest) as docker://<hex>.
        assertThat(container.imageDigest()).isEmpty();
        assertThat(container.configDigest())
                .contains("sha256:c4bea91afef3764163fd506f5c1090be1d34a9b63ece81867cb863455937048e");
    }

    @Test
    void readsAKubeVirtLauncherPodOwnedByAVirtualMachineInstance() throws RecordException {
        parse("apache-libcloud/libcloud/test/compute/fixtures/kubevirt/get_pods.json");

        Pod pod = inventory
                .pod(new PodKey("default", "virt-launcher-testvm-4sdfc"))
                .orElseThrow();
        assertThat(pod.workload()).contains(new WorkloadRef("VirtualMachineInstance", "testvm"));
        assertThat(pod.containers()).extracting(ContainerAsset::name).containsExactly("compute", "volumecontainerdisk");
        ContainerAsset compute = pod.containers().getFirst();
        assertThat(compute.image().name()).isEqualTo("docker.io/kubevirt/virt-launcher");
        assertThat(compute.imageDigest())
                .contains("sha256:eb68bf622cc5802f77d85587b414810fa7d4d7e0aeefc7ab1591b3b6efe8db3c");
        assertThat(compute.configDigest())
                .contains("sha256:73568f22b146ceff112103b53855fdb3ebdaea0a48988e3b0636a66fb3260a4a");
    }

    @Test
    void readsNodesOfEveryCloudKeepingOnlyIpAddresses() throws RecordException {
        parse(K9S + "no.json");
        parse(KUBESCAPE_NODES + "eks.json");
        parse(KUBESCAPE_NODES + "gke.json");
        parse(KUBESCAPE_NODES + "aks.json");
        parse(LIBCLOUD_K8S + "_api_v1_nodes.json");

        assertThat(inventory.host("minikube").orElseThrow().addresses()).containsExactly("192.168.64.107");
        Host eks = inventory.host("ip-1-1-1-1.eu-west-1.compute.internal").orElseThrow();
        assertThat(eks.providerId()).contains("aws:///eu-west-1b/i-000000fff00eeaa00");
        assertThat(eks.instanceId()).contains("i-000000fff00eeaa00");
        assertThat(eks.addresses()).containsExactly("1.1.1.1");
        Host gke = inventory.host("gke-cluster-pool-1-123456").orElseThrow();
        assertThat(gke.providerId()).contains("gce://kubescape-123456/us-west1-a/gke-cluster-pool-1-123456");
        assertThat(gke.instanceId()).isEmpty();
        assertThat(gke.addresses()).containsExactly("1.1.1.2");
        assertThat(inventory
                        .host("aks-minio01-00000000-vmss00000k")
                        .orElseThrow()
                        .instanceId())
                .isEmpty();
        // LegacyHostIP and InternalIP name the same address.
        assertThat(inventory.host("127.0.0.1").orElseThrow().addresses()).containsExactly("127.0.0.1");
    }

    @Test
    void readsServicesWithDefaultedAndNamedTargetPorts() throws RecordException {
        parse(K9S + "svc.json");
        parse(LIBCLOUD_K8S + "_api_v1_services.json");

        Service dictionary = inventory.serviceByIp("10.47.248.116").orElseThrow();
        assertThat(dictionary.name()).isEqualTo("dictionary1");
        assertThat(dictionary.ports()).containsExactly(new Service.ServicePort("http", "TCP", 4001, "http"));
        assertThat(inventory.serviceByIp("10.52.10.211").orElseThrow().ports())
                .containsExactly(new Service.ServicePort("", "TCP", 443, "https"));
        assertThat(inventory.serviceByIp("10.52.0.10").orElseThrow().ports())
                .containsExactly(
                        new Service.ServicePort("dns", "UDP", 53, "53"),
                        new Service.ServicePort("dns-tcp", "TCP", 53, "53"));
        assertThat(inventory.serviceByIp("10.52.11.183").orElseThrow().type()).isEqualTo("NodePort");
    }

    @Test
    void readsLegacyEndpoints() throws RecordException {
        parse(K9S + "ep.json");

        assertThat(inventory.endpoints())
                .containsExactly(new ServiceEndpoint(
                        "ns-1", "blee", "10.0.0.67", 8080, "http", Optional.of(new PodKey("blee", "blah"))));
    }

    @Test
    void skipsAnEndpointSliceThatNamesNoService() throws RecordException {
        parse(K9S + "eps.json");

        assertThat(inventory.endpoints()).isEmpty();
        assertThat(skipped)
                .containsExactly(new SkippedRecord(
                        "eps.json",
                        0,
                        "endpointslice blee/fred: missing label metadata.labels[kubernetes.io/service-name], so the"
                                + " slice names no Service; endpointslice skipped"));
    }

    @Test
    void skipsTheBrokenItemOfAListAndKeepsItsNeighbours() throws RecordException {
        JsonNode list = Samples.inline("""
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"kind": "Pod", "metadata": {"namespace": "payments", "name": "a", "uid": "uid-a"}},
                  {"kind": "Pod", "metadata": {"namespace": "payments", "name": "x"}},
                  {"kind": "Pod", "metadata": {"namespace": "payments", "name": "c", "uid": "uid-c"},
                   "status": {"containerStatuses": [{"name": "app", "containerID": "containerd://abc"}]},
                   "spec": {"containers": [{"name": "app", "image": "nginx"}]}},
                  {"kind": "Deployment", "metadata": {"namespace": "payments", "name": "d"}},
                  {"kind": "Pod", "metadata": {"namespace": "payments", "name": "e", "uid": "uid-e"}}
                ]}
                """);

        KubernetesListParser.parse(list, "pods.json", inventory, skipped);

        assertThat(inventory.pods()).extracting(pod -> pod.key().name()).containsExactly("a", "e");
        assertThat(skipped)
                .extracting(SkippedRecord::reason)
                .containsExactly(
                        "items[1] (pod payments/x): missing field metadata.uid; pod skipped",
                        "items[2] (pod payments/c): field status.containerStatuses[0].containerID: expected"
                                + " <runtime>://<container id>, got 'containerd://abc'; pod skipped",
                        "items[3] (deployment payments/d): kind Deployment is not inventory (expected Pod, Node,"
                                + " Service, EndpointSlice or Endpoints); deployment skipped");
        assertThat(skipped).allSatisfy(record -> {
            assertThat(record.file()).isEqualTo("pods.json");
            assertThat(record.line()).isZero();
        });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                K9S + "dp.json",
                LIBCLOUD_K8S + "_api_v1_namespaces.json",
                "aquasecurity-trivy-kubernetes/tests/integrations/testdata/expected_node_info.json"
            })
    void rejectsKubernetesDocumentsThatHoldNoInventory(String path) {
        JsonNode root = Samples.corpus(path);
        String kind = root.path("kind").asText();

        assertThat(KubernetesListParser.accepts(root)).isFalse();
        assertThatThrownBy(() -> KubernetesListParser.parse(root, path, inventory, skipped))
                .isInstanceOf(RecordException.class)
                .hasMessage("expected kind List, PodList, NodeList, ServiceList, EndpointSliceList or EndpointsList,"
                        + " or a single Pod, Node, Service, EndpointSlice or Endpoints, got kind " + kind);
        assertThat(kind).isIn("Deployment", "NamespaceList", "NodeInfo");
    }

    @Test
    void rejectsAnAwsDocumentByItsFields() {
        JsonNode ec2 = Samples.scenario("log4shell-lateral", "ec2-instances.json");

        assertThat(KubernetesListParser.accepts(ec2)).isFalse();
        assertThatThrownBy(() -> KubernetesListParser.parse(ec2, "ec2-instances.json", inventory, skipped))
                .hasMessage("expected a Kubernetes object with kind and apiVersion (kubectl get -o json), got an"
                        + " object with fields [Reservations]");
    }

    @Test
    void acceptsEveryScenarioKubernetesFile() {
        for (String file : List.of("pods.json", "nodes.json", "services.json", "endpointslices.json")) {
            assertThat(KubernetesListParser.accepts(Samples.scenario("benign-ci-noise", file)))
                    .as(file)
                    .isTrue();
        }
    }

    private void readScenario(String scenario) throws RecordException {
        for (String file : List.of("pods.json", "nodes.json", "services.json", "endpointslices.json")) {
            KubernetesListParser.parse(Samples.scenario(scenario, file), file, inventory, skipped);
        }
    }

    private void parse(String corpusPath) throws RecordException {
        String file = corpusPath.substring(corpusPath.lastIndexOf('/') + 1);
        KubernetesListParser.parse(Samples.corpus(corpusPath), file, inventory, skipped);
    }
}
