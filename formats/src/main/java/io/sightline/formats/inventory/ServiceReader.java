package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.Service;
import io.sightline.asset.Service.ServicePort;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import java.util.ArrayList;
import java.util.List;

/** Reads a Service object with its virtual IPs and ports. */
final class ServiceReader {

    /** A headless Service has {@code clusterIP: None}: no virtual IP, clients dial the pods. */
    private static final String HEADLESS = "None";

    private ServiceReader() {}

    static Service read(JsonNode service) throws RecordException {
        return new Service(
                Fields.requiredText(service, "metadata.namespace"),
                Fields.requiredText(service, "metadata.name"),
                Fields.text(service, "spec.type").orElse("ClusterIP"),
                clusterIpsOf(service),
                portsOf(service));
    }

    private static List<String> clusterIpsOf(JsonNode service) {
        List<String> ips = new ArrayList<>(Fields.texts(service, "spec.clusterIPs"));
        if (ips.isEmpty()) {
            Fields.text(service, "spec.clusterIP").ifPresent(ips::add);
        }
        ips.removeIf(HEADLESS::equals);
        return ips;
    }

    private static List<ServicePort> portsOf(JsonNode service) throws RecordException {
        List<ServicePort> ports = new ArrayList<>();
        JsonNode entries = Fields.at(service, "spec.ports");
        for (int i = 0; i < entries.size(); i++) {
            ports.add(port(entries.get(i), "spec.ports[" + i + "]"));
        }
        return ports;
    }

    /** The API server defaults {@code protocol} to TCP and {@code targetPort} to {@code port}. */
    private static ServicePort port(JsonNode entry, String path) throws RecordException {
        int port = KubeObjects.port(entry, path + ".port");
        return new ServicePort(
                Fields.text(entry, "name").orElse(""),
                Fields.text(entry, "protocol").orElse("TCP"),
                port,
                Fields.text(entry, "targetPort").orElse(String.valueOf(port)));
    }
}
