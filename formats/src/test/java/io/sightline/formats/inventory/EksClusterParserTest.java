package io.sightline.formats.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.Cluster;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.RecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EksClusterParserTest {

    private static final String PLACEBO = "cloud-custodian/tests/data/placebo/test_eks_addon_health/";
    private static final String BOTO_EXAMPLES = "boto-botocore/botocore/data/eks/2017-11-01/examples-1.json";

    private final Inventory inventory = new Inventory();
    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void readsTheScenarioClusters() throws RecordException {
        parse(Samples.scenario("log4shell-lateral", "eks-clusters.json"));
        parse(Samples.scenario("benign-ci-noise", "eks-clusters.json"));

        assertThat(skipped).isEmpty();
        assertThat(inventory.clusters())
                .containsExactly(
                        new Cluster(
                                "prod-payments",
                                Optional.of("arn:aws:eks:us-east-1:111122223333:cluster/prod-payments"),
                                Optional.of("https://A638E6B69ACEE4D90EF853CBA911EEC2.gr7.us-east-1.eks.amazonaws.com"),
                                Optional.of("1.30")),
                        new Cluster(
                                "dev-platform",
                                Optional.of("arn:aws:eks:us-west-2:444455556666:cluster/dev-platform"),
                                Optional.of("https://6E232E57946654712AA3B43177047111.gr7.us-west-2.eks.amazonaws.com"),
                                Optional.of("1.30")));
    }

    @Test
    void readsTheAwsDocsExampleOutputs() throws RecordException {
        JsonNode examples = Samples.corpus(BOTO_EXAMPLES).path("examples");

        parse(examples.path("DescribeCluster").get(0).path("output"));
        parse(examples.path("ListClusters").get(0).path("output"));

        assertThat(inventory.clusters())
                .containsExactly(
                        new Cluster(
                                "devel",
                                Optional.of("arn:aws:eks:us-west-2:012345678910:cluster/devel"),
                                Optional.of("https://A0DCCD80A04F01705DD065655C30CC3D.yl4.us-west-2.eks.amazonaws.com"),
                                Optional.of("1.10")),
                        new Cluster("prod", Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void keepsADescribedClusterWhenItsNameIsListedLater() throws RecordException {
        JsonNode described = Samples.corpus(PLACEBO + "eks.DescribeCluster_1.json");
        JsonNode listed = Samples.corpus(PLACEBO + "eks.ListClusters_1.json");

        assertThat(EksClusterParser.accepts(described)).isFalse();
        assertThatThrownBy(() -> parse(listed)).hasMessageContaining("a botocore placebo recording");
        parse(described.path("data"));
        parse(listed.path("data"));

        assertThat(inventory.clusters())
                .containsExactly(
                        new Cluster(
                                "serious-bluegrass-ladybug",
                                Optional.of("arn:aws:eks:us-east-1:644160558196:cluster/serious-bluegrass-ladybug"),
                                Optional.of("https://5E69E08313AB88C44F4FD90B6D1708F5.gr7.us-east-1.eks.amazonaws.com"),
                                Optional.of("1.35")),
                        new Cluster(
                                "seriously-dangerous-rabbit", Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "apache-libcloud/libcloud/test/container/fixtures/gke/zones_us-central1-a_list.json",
                "apache-libcloud/libcloud/test/container/fixtures/ecs/describeclusters.json"
            })
    void rejectsTheClusterListsOfEcsAndGke(String path) {
        JsonNode root = Samples.corpus(path);

        assertThat(EksClusterParser.accepts(root)).isFalse();
        assertThatThrownBy(() -> parse(root))
                .isInstanceOf(RecordException.class)
                .hasMessageStartingWith("expected aws eks describe-cluster output ({\"cluster\": {...}}) or aws eks"
                        + " list-clusters output ({\"clusters\": [names]}), got clusters[0] as an object with fields")
                .hasMessageEndingWith("(ECS describe-clusters and GKE clusters.list have a clusters array of objects)");
    }

    @Test
    void rejectsTheDocsExampleWrapper() {
        JsonNode examples = Samples.corpus(BOTO_EXAMPLES);

        assertThatThrownBy(() -> parse(examples)).hasMessageEndingWith("got an object with fields [version, examples]");
    }

    @Test
    void skipsAnEmptyClusterName() throws RecordException {
        parse(Samples.inline("{\"clusters\": [\"blue\", \"\", \"green\"]}"));

        assertThat(inventory.clusters()).extracting(Cluster::name).containsExactly("blue", "green");
        assertThat(skipped)
                .extracting(SkippedRecord::reason)
                .containsExactly(
                        "clusters[1] (cluster): field clusters[]: expected a cluster name, got ''; cluster skipped");
    }

    private void parse(JsonNode root) throws RecordException {
        EksClusterParser.parse(root, "eks-clusters.json", inventory, skipped);
    }
}
