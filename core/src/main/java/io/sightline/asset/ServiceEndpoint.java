package io.sightline.asset;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One backend of a Service as an EndpointSlice lists it: the address and port traffic to the
 * Service's virtual IP is sent to, and the pod behind it when the slice names one.
 */
public record ServiceEndpoint(
        String namespace, String service, String address, int port, String portName, Optional<PodKey> pod) {

    public ServiceEndpoint {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(service, "service is null");
        requireNonNull(address, "address is null");
        requireNonNull(portName, "portName is null");
        requireNonNull(pod, "pod is null");
    }
}
