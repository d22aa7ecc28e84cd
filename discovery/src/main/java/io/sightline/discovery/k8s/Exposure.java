package io.sightline.discovery.k8s;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A way into the cluster from outside: a {@code LoadBalancer} or {@code NodePort} Service, or an
 * Ingress.
 *
 * @param type {@code LoadBalancer}, {@code NodePort} or {@code Ingress}
 * @param addresses load balancer IPs and host names from {@code status.loadBalancer.ingress}, once
 *     the cloud has provisioned them
 * @param nodePorts ports opened on every node
 * @param hosts host names an Ingress routes (empty: every host)
 * @param services the Services an Ingress sends traffic to, or the Service itself
 */
public record Exposure(
        String namespace,
        String name,
        String type,
        List<String> addresses,
        List<Integer> nodePorts,
        List<String> hosts,
        List<String> services) {

    public Exposure {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        addresses = List.copyOf(addresses);
        nodePorts = List.copyOf(nodePorts);
        hosts = List.copyOf(hosts);
        services = List.copyOf(services);
    }
}
