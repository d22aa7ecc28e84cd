package io.sightline.discovery.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.Tracked;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads the exposures of a source's live Services and Ingresses. */
public final class Exposures {

    private Exposures() {}

    public static List<Exposure> of(AssetStore store, String source) {
        List<Exposure> exposures = new ArrayList<>();
        for (Tracked service : store.objects(source, "Service")) {
            String type = service.object().path("spec").path("type").asText("ClusterIP");
            if (service.live() && (type.equals("LoadBalancer") || type.equals("NodePort"))) {
                exposures.add(new Exposure(
                        service.key().namespace(),
                        service.key().name(),
                        type,
                        loadBalancerAddresses(service.object()),
                        nodePorts(service.object()),
                        List.of(),
                        List.of(service.key().name())));
            }
        }
        for (Tracked ingress : store.objects(source, "Ingress")) {
            if (ingress.live()) {
                exposures.add(ingress(ingress));
            }
        }
        return exposures;
    }

    private static Exposure ingress(Tracked ingress) {
        JsonNode spec = ingress.object().path("spec");
        Set<String> hosts = new LinkedHashSet<>();
        Set<String> services = new LinkedHashSet<>();
        addBackend(spec.path("defaultBackend"), services);
        for (JsonNode rule : spec.path("rules")) {
            if (rule.path("host").isTextual()) {
                hosts.add(rule.path("host").asText());
            }
            rule.path("http").path("paths").forEach(path -> addBackend(path.path("backend"), services));
        }
        return new Exposure(
                ingress.key().namespace(),
                ingress.key().name(),
                "Ingress",
                loadBalancerAddresses(ingress.object()),
                List.of(),
                List.copyOf(hosts),
                List.copyOf(services));
    }

    private static void addBackend(JsonNode backend, Set<String> services) {
        JsonNode name = backend.path("service").path("name");
        if (name.isTextual()) {
            services.add(name.asText());
        }
    }

    private static List<String> loadBalancerAddresses(JsonNode object) {
        List<String> addresses = new ArrayList<>();
        for (JsonNode entry : object.path("status").path("loadBalancer").path("ingress")) {
            if (entry.path("ip").isTextual()) {
                addresses.add(entry.path("ip").asText());
            }
            if (entry.path("hostname").isTextual()) {
                addresses.add(entry.path("hostname").asText());
            }
        }
        return addresses;
    }

    private static List<Integer> nodePorts(JsonNode service) {
        List<Integer> ports = new ArrayList<>();
        service.path("spec").path("ports").forEach(port -> {
            if (port.path("nodePort").canConvertToInt()) {
                ports.add(port.path("nodePort").asInt());
            }
        });
        return ports;
    }
}
