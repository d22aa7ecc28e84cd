package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.Host;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a Node object into a {@link Host} named by the node name. */
final class NodeReader {

    /** Address types that hold an IP; {@code Hostname} and {@code InternalDNS} hold names. */
    private static final Set<String> IP_TYPES = Set.of("InternalIP", "ExternalIP", "LegacyHostIP");

    /** eksctl labels its nodes with the cluster; managed node groups and Karpenter do not. */
    private static final String EKSCTL_CLUSTER_LABEL = "alpha.eksctl.io/cluster-name";

    private static final String AWS_PROVIDER = "aws://";

    private NodeReader() {}

    static Host read(JsonNode node, String file) throws RecordException {
        Optional<String> providerId = Fields.text(node, "spec.providerID");
        return new Host(
                Fields.requiredText(node, "metadata.name"),
                providerId.flatMap(NodeReader::awsInstanceId),
                providerId,
                KubeObjects.label(node, EKSCTL_CLUSTER_LABEL),
                addressesOf(node),
                Optional.of(file));
    }

    /** {@code aws:///us-east-1a/i-0abc} names the EC2 instance in its last segment. */
    private static Optional<String> awsInstanceId(String providerId) {
        if (!providerId.startsWith(AWS_PROVIDER)) {
            return Optional.empty();
        }
        String last = providerId.substring(providerId.lastIndexOf('/') + 1);
        return last.startsWith("i-") ? Optional.of(last) : Optional.empty();
    }

    private static List<String> addressesOf(JsonNode node) {
        Set<String> addresses = new LinkedHashSet<>();
        Fields.at(node, "status.addresses").forEach(entry -> {
            if (IP_TYPES.contains(entry.path("type").asText())) {
                Fields.text(entry, "address").ifPresent(addresses::add);
            }
        });
        return List.copyOf(addresses);
    }
}
