package io.sightline.discovery.docker;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.discovery.Tracked;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container of a Docker host as discovery read it.
 *
 * @param imageRef the reference it was started from ({@code Config.Image})
 * @param imageId the image id, which is the image's config digest ({@code Image})
 * @param repoDigests the registry digests of its image ({@code RepoDigests}); empty for an image
 *     built locally or not inspected
 * @param composeProject {@code com.docker.compose.project}, when Docker Compose started it
 * @param kubernetesPod {@code namespace/name} from the {@code io.kubernetes.pod.*} labels that
 *     kubelet's dockershim put on the containers it ran: a host that is really a Kubernetes node
 */
public record DockerContainer(
        String id,
        String name,
        String imageRef,
        String imageId,
        List<String> repoDigests,
        boolean privileged,
        String state,
        Map<String, String> labels,
        Optional<String> composeProject,
        Optional<String> composeService,
        Optional<String> kubernetesPod,
        boolean live) {

    public DockerContainer {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(imageRef, "imageRef is null");
        requireNonNull(imageId, "imageId is null");
        repoDigests = List.copyOf(repoDigests);
        requireNonNull(state, "state is null");
        labels = Map.copyOf(labels);
        requireNonNull(composeProject, "composeProject is null");
        requireNonNull(composeService, "composeService is null");
        requireNonNull(kubernetesPod, "kubernetesPod is null");
    }

    static DockerContainer of(Tracked tracked, JsonNode image) {
        JsonNode inspect = tracked.object();
        Map<String, String> labels = new LinkedHashMap<>();
        inspect.path("Config")
                .path("Labels")
                .properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        List<String> digests = new ArrayList<>();
        if (image != null) {
            image.path("RepoDigests").forEach(d -> digests.add(d.asText()));
        }
        String name = inspect.path("Name").asText("");
        Optional<String> podName = Optional.ofNullable(labels.get("io.kubernetes.pod.name"));
        Optional<String> podNamespace = Optional.ofNullable(labels.get("io.kubernetes.pod.namespace"));
        return new DockerContainer(
                inspect.path("Id").asText(),
                name.startsWith("/") ? name.substring(1) : name,
                inspect.path("Config").path("Image").asText(""),
                inspect.path("Image").asText(""),
                digests,
                inspect.path("HostConfig").path("Privileged").asBoolean(false),
                inspect.path("State").path("Status").asText(""),
                labels,
                Optional.ofNullable(labels.get("com.docker.compose.project")),
                Optional.ofNullable(labels.get("com.docker.compose.service")),
                podName.map(pod -> podNamespace.orElse("default") + "/" + pod),
                tracked.live());
    }
}
