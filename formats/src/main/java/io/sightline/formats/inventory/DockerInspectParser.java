package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Host;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.Fields;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageInfo;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code docker inspect <container>...} and {@code docker image inspect <image>...} output:
 * a JSON array of inspect objects, or one object as the Engine API's {@code /containers/{id}/json}
 * and {@code /images/{id}/json} return it. Containers become {@link ContainerAsset}s with no pod and
 * their config digest from {@code Image}. A container's host is {@code Node.Name} when the object has
 * one, and that host is added too (with {@code Node.IP} as its address): Docker Swarm's standalone
 * API put that member on the inspect objects it served, and discovery puts the registered Docker
 * host's name there. Without it the container has no host, since plain {@code docker inspect} does
 * not say which machine the container ran on. Images become {@link ImageInfo}s that {@link Inventory#linkImages()} later uses to
 * give each container its repo digest. The summaries of {@code docker ps} ({@code /containers/json})
 * lack the container's configuration and are rejected.
 */
public final class DockerInspectParser {

    private static final String EXPECTED =
            "expected docker inspect or docker image inspect output (an array of inspect objects), got ";

    /** Untagged or locally built images list these placeholders in API versions before 1.24. */
    private static final List<String> PLACEHOLDERS = List.of("<none>:<none>", "<none>@<none>");

    private DockerInspectParser() {}

    public static boolean accepts(JsonNode root) {
        return rejection(root).isEmpty();
    }

    public static void parse(JsonNode root, String file, Inventory into, List<SkippedRecord> skipped)
            throws RecordException {
        Optional<String> rejection = rejection(root);
        if (rejection.isPresent()) {
            throw new RecordException(rejection.get());
        }
        SkippingReader reader = new SkippingReader(file, skipped);
        if (root.isObject()) {
            readItem(reader, "", root, into);
            return;
        }
        for (int i = 0; i < root.size(); i++) {
            readItem(reader, "[" + i + "]", root.get(i), into);
        }
    }

    static Optional<String> rejection(JsonNode root) {
        if (root.isArray() && root.isEmpty()) {
            return Optional.of(EXPECTED + "an empty array");
        }
        JsonNode first = root.isArray() ? root.get(0) : root;
        return switch (shapeOf(first)) {
            case CONTAINER, IMAGE -> Optional.empty();
            case CONTAINER_SUMMARY ->
                Optional.of(EXPECTED + "a container list (docker ps, GET /containers/json): its entries have"
                        + " Names and ImageID but no Config");
            case OTHER -> Optional.of(EXPECTED + Documents.describe(root));
        };
    }

    private static void readItem(SkippingReader reader, String path, JsonNode item, Inventory into) {
        Shape shape = shapeOf(item);
        String noun = shape == Shape.IMAGE ? "image" : "container";
        Optional<String> name = shape == Shape.IMAGE
                ? Fields.text(item, "Id")
                : Fields.text(item, "Name").or(() -> Fields.text(item, "Id"));
        ItemLabel label = new ItemLabel(path, noun, name);
        switch (shape) {
            case CONTAINER ->
                reader.read(label, item, container -> {
                    ContainerAsset asset = container(container);
                    into.add(asset);
                    asset.host().ifPresent(host -> into.add(host(host, container)));
                });
            case IMAGE -> reader.read(label, item, image -> into.add(image(image)));
            case CONTAINER_SUMMARY ->
                reader.skip(label, "a docker ps summary (Names, ImageID) without Config, not an inspect object");
            case OTHER ->
                reader.skip(
                        label,
                        "expected a container (Id, Config, State) or image (Id, RepoTags) inspect" + " object, got "
                                + Documents.describe(item));
        }
    }

    private static Shape shapeOf(JsonNode item) {
        if (!item.isObject() || !item.has("Id")) {
            return Shape.OTHER;
        }
        if (item.has("Config") && item.has("State")) {
            return Shape.CONTAINER;
        }
        if (item.has("Names") && item.has("ImageID")) {
            return Shape.CONTAINER_SUMMARY;
        }
        if (item.has("RepoTags") || item.has("RepoDigests")) {
            return Shape.IMAGE;
        }
        return Shape.OTHER;
    }

    private static ContainerAsset container(JsonNode item) throws RecordException {
        String id = Fields.requiredText(item, "Id");
        ContainerId containerId = containerId(id);
        String reference = Fields.requiredText(item, "Config.Image");
        ImageRef image = imageRef(reference, "Config.Image");
        return new ContainerAsset(
                containerId,
                Fields.text(item, "Name").map(DockerInspectParser::withoutSlash).orElse(containerId.shortId()),
                Fields.text(item, "Node.Name"),
                Optional.empty(),
                image,
                image.digest(),
                Fields.text(item, "Image").flatMap(Digests::imageId),
                false,
                KubeObjects.flag(item, "HostConfig.Privileged"));
    }

    private static Host host(String name, JsonNode item) {
        return new Host(
                name,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Fields.text(item, "Node.IP").map(List::of).orElse(List.of()),
                Optional.empty());
    }

    private static ImageInfo image(JsonNode item) throws RecordException {
        String id = Fields.requiredText(item, "Id");
        Optional<String> configDigest = Digests.imageId(id);
        if (configDigest.isEmpty()) {
            throw RecordException.invalid("Id", "an image id (sha256:<64 hex>)", id);
        }
        List<String> repoDigests = new ArrayList<>();
        List<ImageRef> refs = new ArrayList<>();
        for (String tag : references(item, "RepoTags")) {
            refs.add(imageRef(tag, "RepoTags"));
        }
        for (String digested : references(item, "RepoDigests")) {
            Digests.afterAt(digested).ifPresent(repoDigests::add);
            refs.add(imageRef(digested, "RepoDigests"));
        }
        return new ImageInfo(configDigest, repoDigests, refs);
    }

    private static List<String> references(JsonNode item, String field) {
        List<String> references = new ArrayList<>(Fields.texts(item, field));
        references.removeAll(PLACEHOLDERS);
        return references;
    }

    private static ContainerId containerId(String id) throws RecordException {
        try {
            return ContainerId.parse(id);
        } catch (IllegalArgumentException e) {
            throw RecordException.invalid("Id", "a 64-hex container id", id);
        }
    }

    private static ImageRef imageRef(String reference, String field) throws RecordException {
        if (ImageRef.isDigest(reference)) {
            throw RecordException.invalid(field, "an image reference (repository with tag or digest)", reference);
        }
        try {
            return ImageRef.parse(reference);
        } catch (IllegalArgumentException e) {
            throw RecordException.invalid(field, "an image reference", reference);
        }
    }

    /** Docker prints a container's name with a leading slash, as its path under the daemon's root. */
    private static String withoutSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    private enum Shape {
        CONTAINER,
        CONTAINER_SUMMARY,
        IMAGE,
        OTHER
    }
}
