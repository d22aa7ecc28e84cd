package io.sightline.discovery.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventorySnapshot;
import io.sightline.discovery.Tracked;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Ties what AWS says about EKS to what the registered Kubernetes clusters say about themselves. An
 * EKS cluster is the registered cluster whose kubeconfig server URL is the cluster's
 * {@code endpoint} (compared without case in scheme and host, without a trailing slash and
 * without the default port 443). A node group's nodes are the live nodes of that registered cluster
 * whose {@code eks.amazonaws.com/nodegroup} label names it; the label is set by EKS on every node
 * of a managed node group.
 *
 * <p>Built from live objects only; cost one pass over the EKS clusters, node groups and nodes.
 */
public final class EksLinks {

    static final String NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";

    private final List<ClusterLink> clusters;
    private final List<NodegroupLink> nodegroups;

    private EksLinks(List<ClusterLink> clusters, List<NodegroupLink> nodegroups) {
        this.clusters = List.copyOf(clusters);
        this.nodegroups = List.copyOf(nodegroups);
    }

    /**
     * @param servers each registered cluster's name and its kubeconfig server URL
     */
    public static EksLinks of(AssetStore store, Map<String, String> servers) {
        requireNonNull(store, "store is null");
        Map<String, String> byServer = new LinkedHashMap<>();
        servers.forEach((cluster, server) -> byServer.putIfAbsent(normalised(server), cluster));
        List<ClusterLink> clusters = new ArrayList<>();
        Map<String, ClusterLink> byScopedName = new LinkedHashMap<>();
        for (AssetStore.Sourced sourced : store.objectsOfKind(InventorySnapshot.CLUSTER)) {
            Tracked tracked = sourced.tracked();
            if (!tracked.live()) {
                continue;
            }
            JsonNode cluster = tracked.object();
            Optional<String> endpoint = text(cluster, "endpoint");
            ClusterLink link = new ClusterLink(
                    sourced.source(),
                    tracked.key().name(),
                    text(cluster, "arn"),
                    region(sourced.source(), text(cluster, "arn")),
                    endpoint,
                    endpoint.map(EksLinks::normalised).map(byServer::get));
            clusters.add(link);
            byScopedName.put(sourced.source() + " " + link.name(), link);
        }
        List<NodegroupLink> nodegroups = new ArrayList<>();
        for (AssetStore.Sourced sourced : store.objectsOfKind(AwsSource.EKS_NODEGROUP)) {
            Tracked tracked = sourced.tracked();
            if (!tracked.live()) {
                continue;
            }
            JsonNode nodegroup = tracked.object();
            String name = text(nodegroup, "nodegroupName").orElse(tracked.key().name());
            String cluster = text(nodegroup, "clusterName")
                    .orElse(tracked.key()
                            .name()
                            .substring(0, tracked.key().name().indexOf('/')));
            Optional<String> registered = Optional.ofNullable(byScopedName.get(sourced.source() + " " + cluster))
                    .flatMap(ClusterLink::registeredCluster);
            nodegroups.add(new NodegroupLink(
                    sourced.source(),
                    cluster,
                    name,
                    texts(nodegroup.path("instanceTypes")),
                    size(nodegroup, "minSize"),
                    size(nodegroup, "maxSize"),
                    size(nodegroup, "desiredSize"),
                    names(nodegroup.path("resources").path("autoScalingGroups")),
                    launchTemplate(nodegroup.path("launchTemplate")),
                    registered,
                    registered.map(r -> nodesOf(store, r, name)).orElse(List.of())));
        }
        return new EksLinks(clusters, nodegroups);
    }

    /** Every live EKS cluster, linked or not. */
    public List<ClusterLink> clusters() {
        return clusters;
    }

    /** The EKS clusters no registered cluster reaches: the ones to offer for registration. */
    public List<ClusterLink> unregistered() {
        return clusters.stream().filter(c -> c.registeredCluster().isEmpty()).toList();
    }

    public List<NodegroupLink> nodegroups() {
        return nodegroups;
    }

    public List<NodegroupLink> nodegroupsOf(ClusterLink cluster) {
        return nodegroups.stream()
                .filter(n -> n.source().equals(cluster.source()) && n.cluster().equals(cluster.name()))
                .toList();
    }

    private static List<String> nodesOf(AssetStore store, String registered, String nodegroup) {
        return store.objects(registered, "Node").stream()
                .filter(Tracked::live)
                .filter(node -> node.object()
                        .path("metadata")
                        .path("labels")
                        .path(NODEGROUP_LABEL)
                        .asText("")
                        .equals(nodegroup))
                .map(node -> node.key().name())
                .toList();
    }

    /** The URL's scheme and host in lower case, the path without a trailing slash, port 443 left out for https. */
    static String normalised(String url) {
        try {
            URI uri = URI.create(url.trim());
            String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
            String host = Optional.ofNullable(uri.getHost()).orElse("").toLowerCase(Locale.ROOT);
            boolean defaultPort = uri.getPort() == -1 || (scheme.equals("https") && uri.getPort() == 443);
            String path = Optional.ofNullable(uri.getPath()).orElse("").replaceAll("/+$", "");
            return scheme + "://" + host + (defaultPort ? "" : ":" + uri.getPort()) + path;
        } catch (IllegalArgumentException e) {
            return url.trim().toLowerCase(Locale.ROOT);
        }
    }

    /** The region from the ARN ({@code arn:aws:eks:<region>:<account>:cluster/<name>}), else from the source scope. */
    private static Optional<String> region(String source, Optional<String> arn) {
        Optional<String> fromArn = arn.map(a -> a.split(":", 6))
                .filter(parts -> parts.length == 6 && !parts[3].isEmpty())
                .map(parts -> parts[3]);
        if (fromArn.isPresent()) {
            return fromArn;
        }
        int slash = source.lastIndexOf('/');
        return slash < 0 ? Optional.empty() : Optional.of(source.substring(slash + 1));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> names(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> text(value, "name").ifPresent(values::add));
        return values;
    }

    private static OptionalInt size(JsonNode nodegroup, String field) {
        JsonNode value = nodegroup.path("scalingConfig").path(field);
        return value.isInt() ? OptionalInt.of(value.asInt()) : OptionalInt.empty();
    }

    private static Optional<String> launchTemplate(JsonNode template) {
        Optional<String> name = text(template, "name").or(() -> text(template, "id"));
        return name.map(
                n -> n + text(template, "version").map(v -> " version " + v).orElse(""));
    }

    /**
     * An EKS cluster as an AWS source listed it, and the registered cluster it is, if any.
     *
     * @param source the AWS source scope ({@code <account>/<region>})
     */
    public record ClusterLink(
            String source,
            String name,
            Optional<String> arn,
            Optional<String> region,
            Optional<String> endpoint,
            Optional<String> registeredCluster) {

        public ClusterLink {
            requireNonNull(source, "source is null");
            requireNonNull(name, "name is null");
            requireNonNull(arn, "arn is null");
            requireNonNull(region, "region is null");
            requireNonNull(endpoint, "endpoint is null");
            requireNonNull(registeredCluster, "registeredCluster is null");
        }

        /**
         * The commands that register it: {@code aws eks update-kubeconfig} writes a kubeconfig whose
         * context is named by the cluster ARN, and {@code sightline clusters add} registers that
         * context under the cluster's name (lower-cased, as source names are).
         */
        public String registrationCommand() {
            String source = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
            String kubeconfig = "~/.kube/sightline-" + source;
            return "aws eks update-kubeconfig --name " + name
                    + region.map(r -> " --region " + r).orElse("")
                    + " --kubeconfig " + kubeconfig
                    + " && sightline clusters add " + source + " --kubeconfig " + kubeconfig
                    + arn.map(a -> " --context " + a).orElse("");
        }
    }

    /**
     * A managed node group with what DescribeNodegroup says of it and the nodes of the registered
     * cluster that belong to it (none when its cluster is not registered, {@code registeredCluster}
     * empty).
     */
    public record NodegroupLink(
            String source,
            String cluster,
            String name,
            List<String> instanceTypes,
            OptionalInt minSize,
            OptionalInt maxSize,
            OptionalInt desiredSize,
            List<String> autoScalingGroups,
            Optional<String> launchTemplate,
            Optional<String> registeredCluster,
            List<String> nodes) {

        public NodegroupLink {
            requireNonNull(source, "source is null");
            requireNonNull(cluster, "cluster is null");
            requireNonNull(name, "name is null");
            instanceTypes = List.copyOf(instanceTypes);
            requireNonNull(minSize, "minSize is null");
            requireNonNull(maxSize, "maxSize is null");
            requireNonNull(desiredSize, "desiredSize is null");
            autoScalingGroups = List.copyOf(autoScalingGroups);
            requireNonNull(launchTemplate, "launchTemplate is null");
            requireNonNull(registeredCluster, "registeredCluster is null");
            nodes = List.copyOf(nodes);
        }

        /** {@code prod-payments-general (m6i.large; 2..6, desired 2; ASG eks-...; launch template lt version 3): 2 nodes}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (!instanceTypes.isEmpty()) {
                parts.add(String.join(",", instanceTypes));
            }
            if (minSize.isPresent() && maxSize.isPresent()) {
                parts.add(minSize.getAsInt() + ".." + maxSize.getAsInt()
                        + (desiredSize.isPresent() ? ", desired " + desiredSize.getAsInt() : ""));
            }
            if (!autoScalingGroups.isEmpty()) {
                parts.add("ASG " + String.join(",", autoScalingGroups));
            }
            launchTemplate.ifPresent(t -> parts.add("launch template " + t));
            String found = registeredCluster.isEmpty()
                    ? "nodes unknown (cluster not registered)"
                    : nodes.size() + (nodes.size() == 1 ? " node" : " nodes");
            return name + (parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")") + ": " + found;
        }
    }
}
