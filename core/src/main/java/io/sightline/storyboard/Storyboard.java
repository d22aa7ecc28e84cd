package io.sightline.storyboard;

import static java.util.Objects.requireNonNull;

import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One attack as the engine stitched it: what it touched, what it did in order, why it is as
 * severe as it is, and the source records that are its evidence. A snapshot: the engine builds a
 * new one each time it is asked.
 *
 * @param closedAt when (in event time) the storyboard closed because its trail went quiet; empty
 *     while it is open. A closed storyboard keeps its id and reopens when its attacker comes back.
 */
public record Storyboard(
        String id,
        Severity severity,
        List<String> severityReasons,
        Instant firstSeen,
        Instant lastSeen,
        List<String> hosts,
        List<ContainerEntity> containers,
        List<String> imageDigests,
        List<String> services,
        List<String> identities,
        List<String> externalAddresses,
        List<TechniqueTag> techniques,
        List<TrailStep> trail,
        List<SourceRecord> records,
        Graph graph,
        Optional<Instant> closedAt) {

    public Storyboard {
        requireNonNull(id, "id is null");
        requireNonNull(severity, "severity is null");
        severityReasons = List.copyOf(severityReasons);
        requireNonNull(firstSeen, "firstSeen is null");
        requireNonNull(lastSeen, "lastSeen is null");
        hosts = List.copyOf(hosts);
        containers = List.copyOf(containers);
        imageDigests = List.copyOf(imageDigests);
        services = List.copyOf(services);
        identities = List.copyOf(identities);
        externalAddresses = List.copyOf(externalAddresses);
        techniques = List.copyOf(techniques);
        trail = List.copyOf(trail);
        records = List.copyOf(records);
        requireNonNull(graph, "graph is null");
        requireNonNull(closedAt, "closedAt is null");
    }

    /** An open storyboard. */
    public Storyboard(
            String id,
            Severity severity,
            List<String> severityReasons,
            Instant firstSeen,
            Instant lastSeen,
            List<String> hosts,
            List<ContainerEntity> containers,
            List<String> imageDigests,
            List<String> services,
            List<String> identities,
            List<String> externalAddresses,
            List<TechniqueTag> techniques,
            List<TrailStep> trail,
            List<SourceRecord> records,
            Graph graph) {
        this(
                id,
                severity,
                severityReasons,
                firstSeen,
                lastSeen,
                hosts,
                containers,
                imageDigests,
                services,
                identities,
                externalAddresses,
                techniques,
                trail,
                records,
                graph,
                Optional.empty());
    }

    /** A storyboard without its causal graph (one made of sensor alerts alone has none). */
    public Storyboard(
            String id,
            Severity severity,
            List<String> severityReasons,
            Instant firstSeen,
            Instant lastSeen,
            List<String> hosts,
            List<ContainerEntity> containers,
            List<String> imageDigests,
            List<String> services,
            List<String> identities,
            List<String> externalAddresses,
            List<TechniqueTag> techniques,
            List<TrailStep> trail,
            List<SourceRecord> records) {
        this(
                id,
                severity,
                severityReasons,
                firstSeen,
                lastSeen,
                hosts,
                containers,
                imageDigests,
                services,
                identities,
                externalAddresses,
                techniques,
                trail,
                records,
                Graph.EMPTY);
    }

    public boolean closed() {
        return closedAt.isPresent();
    }

    /** This storyboard, closed at {@code time}. */
    public Storyboard withClosedAt(Instant time) {
        requireNonNull(time, "time is null");
        return new Storyboard(
                id,
                severity,
                severityReasons,
                firstSeen,
                lastSeen,
                hosts,
                containers,
                imageDigests,
                services,
                identities,
                externalAddresses,
                techniques,
                trail,
                records,
                graph,
                Optional.of(time));
    }

    /** A container the trail ran in, resolved against the inventory where possible. */
    public record ContainerEntity(
            String id, String name, String host, String namespace, String pod, String image, String imageDigest) {}

    /** An ATT&CK technique seen on the trail, with its tactic. */
    public record TechniqueTag(String id, String name, String tactic) {}

    /**
     * The causal graph behind the trail: the processes on it (each with the records that are its
     * evidence), the containers and hosts they ran in, the addresses they reached and the
     * identities they used, and how those connect.
     */
    public record Graph(List<GraphNode> nodes, List<GraphEdge> edges) {

        public static final Graph EMPTY = new Graph(List.of(), List.of());

        public Graph {
            nodes = List.copyOf(nodes);
            edges = List.copyOf(edges);
        }
    }

    /**
     * A node of the graph. {@code kind} is {@code process}, {@code container}, {@code host},
     * {@code address} or {@code identity}; {@code id} is stable within the storyboard.
     */
    public record GraphNode(
            String id, String kind, String label, String host, String container, List<SourceRecord> records) {

        public GraphNode {
            requireNonNull(id, "id is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(label, "label is null");
            requireNonNull(host, "host is null");
            requireNonNull(container, "container is null");
            records = List.copyOf(records);
        }
    }

    /**
     * An edge: {@code spawned} (parent to child), {@code runs-in} (process to container or host),
     * {@code connected} (process to address), {@code entered} (a connection from one process to
     * the server that accepted it), {@code called-api-as} (process to identity).
     */
    public record GraphEdge(String from, String to, String kind) {

        public GraphEdge {
            requireNonNull(from, "from is null");
            requireNonNull(to, "to is null");
            requireNonNull(kind, "kind is null");
        }
    }

    /** One step of the compact trail, in time order. */
    public record TrailStep(Instant time, String host, String container, String text) {}
}
