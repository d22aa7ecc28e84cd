package io.sightline.asset;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A machine that runs containers: a Kubernetes node or a standalone VM. {@code name} is the node
 * name (EKS: the private DNS name), which is what Tetragon's {@code node_name} and Falco's
 * {@code hostname} carry. {@code addresses} holds every IP the machine answers on, including
 * secondary addresses that EKS hands to pods.
 */
public record Host(
        String name,
        Optional<String> instanceId,
        Optional<String> providerId,
        Optional<String> cluster,
        List<String> addresses,
        Optional<String> source) {

    public Host {
        requireNonNull(name, "name is null");
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(providerId, "providerId is null");
        requireNonNull(cluster, "cluster is null");
        addresses = List.copyOf(addresses);
        requireNonNull(source, "source is null");
    }
}
