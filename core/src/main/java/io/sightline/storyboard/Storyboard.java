package io.sightline.storyboard;

import static java.util.Objects.requireNonNull;

import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import java.time.Instant;
import java.util.List;

/**
 * One attack as the engine stitched it: what it touched, what it did in order, why it is as
 * severe as it is, and the source records that are its evidence. A snapshot: the engine builds a
 * new one each time it is asked.
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
        List<SourceRecord> records) {

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
    }

    /** A container the trail ran in, resolved against the inventory where possible. */
    public record ContainerEntity(
            String id, String name, String host, String namespace, String pod, String image, String imageDigest) {}

    /** An ATT&CK technique seen on the trail, with its tactic. */
    public record TechniqueTag(String id, String name, String tactic) {}

    /** One step of the compact trail, in time order. */
    public record TrailStep(Instant time, String host, String container, String text) {}
}
