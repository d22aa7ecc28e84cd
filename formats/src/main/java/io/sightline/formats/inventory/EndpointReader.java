package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.PodKey;
import io.sightline.asset.ServiceEndpoint;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the backends of a Service from an EndpointSlice, or from the legacy Endpoints object
 * that older clusters and tools still print: one {@link ServiceEndpoint} per address and port.
 */
final class EndpointReader {

    private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private EndpointReader() {}

    static List<ServiceEndpoint> readSlice(JsonNode slice) throws RecordException {
        String namespace = Fields.requiredText(slice, "metadata.namespace");
        String service = KubeObjects.label(slice, SERVICE_NAME_LABEL)
                .orElseThrow(() -> new RecordException(
                        "missing label metadata.labels[" + SERVICE_NAME_LABEL + "], so the slice names no Service"));
        List<Port> ports = portsOf(slice.path("ports"), "ports");
        List<ServiceEndpoint> endpoints = new ArrayList<>();
        JsonNode entries = slice.path("endpoints");
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            Optional<PodKey> pod = podOf(entry.path("targetRef"), namespace);
            for (String address : Fields.texts(entry, "addresses")) {
                ports.forEach(port -> endpoints.add(
                        new ServiceEndpoint(namespace, service, address, port.number(), port.name(), pod)));
            }
        }
        return endpoints;
    }

    /** Endpoints objects carry the Service's own name; not-ready addresses are backends too. */
    static List<ServiceEndpoint> readEndpoints(JsonNode endpointsObject) throws RecordException {
        String namespace = Fields.requiredText(endpointsObject, "metadata.namespace");
        String service = Fields.requiredText(endpointsObject, "metadata.name");
        List<ServiceEndpoint> endpoints = new ArrayList<>();
        JsonNode subsets = endpointsObject.path("subsets");
        for (int i = 0; i < subsets.size(); i++) {
            JsonNode subset = subsets.get(i);
            List<Port> ports = portsOf(subset.path("ports"), "subsets[" + i + "].ports");
            List<JsonNode> addresses = new ArrayList<>();
            subset.path("addresses").forEach(addresses::add);
            subset.path("notReadyAddresses").forEach(addresses::add);
            for (JsonNode address : addresses) {
                Optional<String> ip = Fields.text(address, "ip");
                Optional<PodKey> pod = podOf(address.path("targetRef"), namespace);
                ip.ifPresent(value -> ports.forEach(port -> endpoints.add(
                        new ServiceEndpoint(namespace, service, value, port.number(), port.name(), pod))));
            }
        }
        return endpoints;
    }

    // TODO: a slice port without a number means "every port" (a Service without a selector may
    // say so); ServiceEndpoint needs one port, so such entries yield no endpoint.
    private static List<Port> portsOf(JsonNode entries, String path) throws RecordException {
        List<Port> ports = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            if (!entry.path("port").isMissingNode() && !entry.path("port").isNull()) {
                ports.add(new Port(
                        KubeObjects.port(entry, path + "[" + i + "].port"),
                        Fields.text(entry, "name").orElse("")));
            }
        }
        return ports;
    }

    private static Optional<PodKey> podOf(JsonNode targetRef, String namespace) {
        if (!targetRef.path("kind").asText().equals("Pod")) {
            return Optional.empty();
        }
        return Fields.text(targetRef, "name")
                .map(name -> new PodKey(Fields.text(targetRef, "namespace").orElse(namespace), name));
    }

    private record Port(int number, String name) {}
}
