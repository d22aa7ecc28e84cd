package io.sightline.asset;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A Kubernetes Service with its virtual IPs and ports. */
public record Service(String namespace, String name, String type, List<String> clusterIps, List<ServicePort> ports) {

    public Service {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        clusterIps = List.copyOf(clusterIps);
        ports = List.copyOf(ports);
    }

    /** One port of a Service; {@code targetPort} is numeric when the manifest named it by number. */
    public record ServicePort(String name, String protocol, int port, String targetPort) {

        public ServicePort {
            requireNonNull(name, "name is null");
            requireNonNull(protocol, "protocol is null");
            requireNonNull(targetPort, "targetPort is null");
        }
    }
}
