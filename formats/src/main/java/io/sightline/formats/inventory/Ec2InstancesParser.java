package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.Host;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code aws ec2 describe-instances} output ({@code Reservations[].Instances[]}) into
 * {@link Host}s named like the Kubernetes node they run: by private DNS name. A host's addresses
 * are every private address of every network interface, because the VPC CNI gives pods secondary
 * addresses of the node's interfaces, plus its public addresses.
 */
public final class Ec2InstancesParser {

    /** Tags EKS managed node groups and self-managed node templates put on their instances. */
    private static final List<String> CLUSTER_TAGS = List.of("eks:cluster-name", "aws:eks:cluster-name");

    /** The older ownership tag carries the cluster in its key: {@code kubernetes.io/cluster/<name>}. */
    private static final String CLUSTER_TAG_PREFIX = "kubernetes.io/cluster/";

    private Ec2InstancesParser() {}

    public static boolean accepts(JsonNode root) {
        return rejection(root).isEmpty();
    }

    public static void parse(JsonNode root, String file, Inventory into, List<SkippedRecord> skipped)
            throws RecordException {
        Optional<String> rejection = rejection(root);
        if (rejection.isPresent()) {
            throw new RecordException(rejection.get());
        }
        SkippingReader reader = new SkippingReader(file, skipped);
        JsonNode reservations = root.path("Reservations");
        for (int r = 0; r < reservations.size(); r++) {
            JsonNode instances = reservations.get(r).path("Instances");
            for (int i = 0; i < instances.size(); i++) {
                JsonNode instance = instances.get(i);
                ItemLabel label = new ItemLabel(
                        "Reservations[" + r + "].Instances[" + i + "]",
                        "instance",
                        Fields.text(instance, "InstanceId"));
                reader.read(label, instance, item -> into.add(host(item, file)));
            }
        }
    }

    static Optional<String> rejection(JsonNode root) {
        String expected = "expected aws ec2 describe-instances output ({\"Reservations\": [...]}), got ";
        if (!root.isObject()) {
            return Optional.of(expected + Documents.describe(root));
        }
        Optional<String> placebo = Documents.placeboHint(root);
        if (placebo.isPresent()) {
            return Optional.of(expected + placebo.get());
        }
        if (!root.path("Reservations").isArray()) {
            return Optional.of(expected + Documents.describe(root));
        }
        return Optional.empty();
    }

    private static Host host(JsonNode instance, String file) throws RecordException {
        String instanceId = Fields.requiredText(instance, "InstanceId");
        // A terminated instance keeps its id but loses its private DNS name.
        String name = Fields.text(instance, "PrivateDnsName").orElse(instanceId);
        return new Host(
                name,
                Optional.of(instanceId),
                Optional.empty(),
                clusterOf(instance),
                addressesOf(instance),
                Optional.of(file));
    }

    private static List<String> addressesOf(JsonNode instance) {
        Set<String> addresses = new LinkedHashSet<>();
        Fields.text(instance, "PrivateIpAddress").ifPresent(addresses::add);
        instance.path("NetworkInterfaces").forEach(eni -> {
            Fields.text(eni, "PrivateIpAddress").ifPresent(addresses::add);
            eni.path("PrivateIpAddresses").forEach(entry -> {
                Fields.text(entry, "PrivateIpAddress").ifPresent(addresses::add);
                Fields.text(entry, "Association.PublicIp").ifPresent(addresses::add);
            });
            eni.path("Ipv6Addresses")
                    .forEach(entry -> Fields.text(entry, "Ipv6Address").ifPresent(addresses::add));
            Fields.text(eni, "Association.PublicIp").ifPresent(addresses::add);
        });
        Fields.text(instance, "PublicIpAddress").ifPresent(addresses::add);
        return List.copyOf(addresses);
    }

    private static Optional<String> clusterOf(JsonNode instance) {
        Optional<String> named = CLUSTER_TAGS.stream()
                .map(key -> tag(instance, key))
                .flatMap(Optional::stream)
                .findFirst();
        return named.or(() -> ownershipTagCluster(instance));
    }

    private static Optional<String> tag(JsonNode instance, String key) {
        for (JsonNode tag : instance.path("Tags")) {
            if (tag.path("Key").asText().equals(key)) {
                return Fields.text(tag, "Value");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> ownershipTagCluster(JsonNode instance) {
        for (JsonNode tag : instance.path("Tags")) {
            String key = tag.path("Key").asText();
            if (key.startsWith(CLUSTER_TAG_PREFIX) && key.length() > CLUSTER_TAG_PREFIX.length()) {
                return Optional.of(key.substring(CLUSTER_TAG_PREFIX.length()));
            }
        }
        return Optional.empty();
    }
}
