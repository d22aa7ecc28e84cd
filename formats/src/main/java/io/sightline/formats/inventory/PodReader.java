package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Pod;
import io.sightline.asset.PodKey;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** Reads a Pod object as {@code kubectl get pods -o json} and the API server print it. */
final class PodReader {

    private static final String DEFAULT_SERVICE_ACCOUNT = "default";

    private static final List<ContainerGroup> GROUPS = List.of(
            new ContainerGroup("status.containerStatuses", "spec.containers", false),
            new ContainerGroup("status.initContainerStatuses", "spec.initContainers", true),
            new ContainerGroup("status.ephemeralContainerStatuses", "spec.ephemeralContainers", false));

    private PodReader() {}

    static Pod read(JsonNode pod) throws RecordException {
        PodKey key =
                new PodKey(Fields.requiredText(pod, "metadata.namespace"), Fields.requiredText(pod, "metadata.name"));
        String uid = Fields.requiredText(pod, "metadata.uid");
        Optional<String> node = Fields.text(pod, "spec.nodeName");
        return new Pod(
                key,
                uid,
                node,
                ipsOf(pod),
                serviceAccountOf(pod),
                Owners.workloadOf(pod),
                KubeObjects.flag(pod, "spec.hostNetwork"),
                containersOf(pod, key, node));
    }

    private static List<String> ipsOf(JsonNode pod) {
        List<String> ips = new ArrayList<>();
        Fields.at(pod, "status.podIPs")
                .forEach(entry -> Fields.text(entry, "ip").ifPresent(ips::add));
        if (ips.isEmpty()) {
            Fields.text(pod, "status.podIP").ifPresent(ips::add);
        }
        return ips;
    }

    private static String serviceAccountOf(JsonNode pod) {
        return Fields.text(pod, "spec.serviceAccountName")
                .or(() -> Fields.text(pod, "spec.serviceAccount"))
                .orElse(DEFAULT_SERVICE_ACCOUNT);
    }

    private static List<ContainerAsset> containersOf(JsonNode pod, PodKey key, Optional<String> node)
            throws RecordException {
        List<ContainerAsset> containers = new ArrayList<>();
        for (ContainerGroup group : GROUPS) {
            JsonNode statuses = Fields.at(pod, group.statusPath());
            for (int i = 0; i < statuses.size(); i++) {
                JsonNode status = statuses.get(i);
                // A container that never started (waiting, image pull failing) has no runtime id yet.
                if (Fields.text(status, "containerID").isPresent()) {
                    String path = group.statusPath() + "[" + i + "]";
                    containers.add(container(pod, group, path, status, key, node));
                }
            }
        }
        return containers;
    }

    private static ContainerAsset container(
            JsonNode pod, ContainerGroup group, String path, JsonNode status, PodKey key, Optional<String> node)
            throws RecordException {
        String name = Fields.text(status, "name").orElseThrow(() -> RecordException.missing(path + ".name"));
        JsonNode spec = specNamed(pod, group.specPath(), name);
        ContainerId id = containerId(status.path("containerID").asText(), path + ".containerID");
        ImageRef image = imageOf(spec, status, group.specPath() + "[" + name + "].image");
        return new ContainerAsset(
                id,
                name,
                node,
                Optional.of(key),
                image,
                repoDigestOf(status, image),
                configDigestOf(status),
                group.init(),
                KubeObjects.flag(spec, "securityContext.privileged"));
    }

    private static JsonNode specNamed(JsonNode pod, String specPath, String name) {
        return StreamSupport.stream(Fields.at(pod, specPath).spliterator(), false)
                .filter(spec -> spec.path("name").asText().equals(name))
                .findFirst()
                .orElse(MissingNode.getInstance());
    }

    private static ContainerId containerId(String text, String field) throws RecordException {
        try {
            return ContainerId.parse(text);
        } catch (IllegalArgumentException e) {
            throw RecordException.invalid(field, "<runtime>://<container id>", text);
        }
    }

    /**
     * The reference the pod asked for. The status {@code image} is only a fallback: when the spec
     * pins a digest, dockershim reports the image id there instead of a reference.
     */
    private static ImageRef imageOf(JsonNode spec, JsonNode status, String field) throws RecordException {
        String reference = Fields.text(spec, "image")
                .or(() -> Fields.text(status, "image").filter(image -> !ImageRef.isDigest(image)))
                .orElseThrow(() -> RecordException.missing(field));
        try {
            return ImageRef.parse(reference);
        } catch (IllegalArgumentException e) {
            throw RecordException.invalid(field, "an image reference", reference);
        }
    }

    /**
     * kubelet's {@code imageID} is {@code repo@sha256:<manifest digest>} on containerd and
     * {@code docker-pullable://repo@sha256:...} on dockershim; both carry the repo digest. A spec that
     * pins {@code repo@sha256:...} names the same digest.
     */
    private static Optional<String> repoDigestOf(JsonNode status, ImageRef image) {
        return Fields.text(status, "imageID").flatMap(Digests::afterAt).or(image::digest);
    }

    /**
     * An {@code imageID} without {@code @} is the image id, that is the config digest: containerd
     * reports a bare {@code sha256:...} for an image that has no repo digest (loaded or built on the
     * node), and early kubelets on Docker reported {@code docker://<hex>}.
     */
    private static Optional<String> configDigestOf(JsonNode status) {
        return Fields.text(status, "imageID")
                .filter(imageId -> imageId.indexOf('@') < 0)
                .flatMap(imageId -> Digests.imageId(withoutScheme(imageId)))
                .or(() -> Fields.text(status, "image").flatMap(Digests::digest));
    }

    private static String withoutScheme(String text) {
        int scheme = text.indexOf("://");
        return scheme >= 0 ? text.substring(scheme + 3) : text;
    }

    private record ContainerGroup(String statusPath, String specPath, boolean init) {}
}
