package io.sightline.formats.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.Fields;
import io.sightline.formats.JsonErrors;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageInfo;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code aws ecr batch-get-image} output ({@code {"images": [{"imageId": ..., "imageManifest":
 * ...}]}}) into {@link ImageInfo}s, one per image digest, with every tag of it as a reference and
 * {@code repository@digest} as another. An image index (OCI {@code image.index.v1} or Docker
 * manifest list v2) also gets the digest of each platform manifest it lists as a repo digest, so a
 * scan report on the {@code linux/arm64} image and a container started from the index join.
 *
 * <p>The AWS CLI names the registry by account id only; {@code sightline discover} adds each
 * image's {@code repositoryUri} ({@code <account>.dkr.ecr.<region>.amazonaws.com/<repository>}),
 * without which tags cannot be written as full references and only digests are kept.
 */
public final class EcrImagesParser {

    private static final String EXPECTED =
            "expected aws ecr batch-get-image output ({\"images\": [{\"imageId\": ...}]}), got ";

    /** Image index media types; ECR stores the manifest's own type in imageManifestMediaType. */
    private static final Set<String> INDEX_TYPES = Set.of(
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private EcrImagesParser() {}

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
        Map<String, Image> byDigest = new LinkedHashMap<>();
        JsonNode images = root.path("images");
        for (int i = 0; i < images.size(); i++) {
            JsonNode image = images.get(i);
            ItemLabel label = new ItemLabel(
                    "images[" + i + "]",
                    "image",
                    Fields.text(image, "repositoryName")
                            .map(name -> name
                                    + Fields.text(image, "imageId.imageDigest")
                                            .map(d -> "@" + d)
                                            .orElse("")));
            reader.read(label, image, item -> read(item, byDigest));
        }
        // ECR lists an index's platform manifests as untagged images of their own; the index is
        // added last so that a platform digest finds the index, which knows its tags.
        byDigest.values().stream().filter(i -> !i.index).forEach(i -> into.add(i.info()));
        byDigest.values().stream().filter(i -> i.index).forEach(i -> into.add(i.info()));
    }

    static Optional<String> rejection(JsonNode root) {
        if (!root.isObject()) {
            return Optional.of(EXPECTED + Documents.describe(root));
        }
        Optional<String> placebo = Documents.placeboHint(root);
        if (placebo.isPresent()) {
            return Optional.of(EXPECTED + placebo.get());
        }
        JsonNode images = root.path("images");
        if (!images.isArray()) {
            return Optional.of(EXPECTED + Documents.describe(root));
        }
        for (int i = 0; i < images.size(); i++) {
            if (!images.get(i).path("imageId").isObject()) {
                return Optional.of(EXPECTED + "images[" + i + "] as " + Documents.describe(images.get(i)));
            }
        }
        return Optional.empty();
    }

    private static void read(JsonNode item, Map<String, Image> byDigest) throws RecordException {
        String text = Fields.requiredText(item, "imageId.imageDigest");
        String digest = Digests.digest(text)
                .orElseThrow(() -> RecordException.invalid("imageId.imageDigest", "sha256:<64 hex>", text));
        Optional<String> repository = Fields.text(item, "repositoryUri");
        Image image = byDigest.computeIfAbsent(digest, d -> new Image());
        image.digests.add(digest);
        if (repository.isPresent()) {
            image.refs.add(reference(repository.get() + "@" + digest));
            Optional<String> tag = Fields.text(item, "imageId.imageTag");
            if (tag.isPresent()) {
                image.refs.add(reference(repository.get() + ":" + tag.get()));
            }
        }
        Optional<String> mediaType = Fields.text(item, "imageManifestMediaType");
        if (mediaType.filter(INDEX_TYPES::contains).isPresent()) {
            image.index = true;
            image.digests.addAll(platformDigests(Fields.requiredText(item, "imageManifest")));
        }
    }

    /**
     * The digests of an index's platform images. BuildKit adds an attestation manifest per platform
     * (platform {@code unknown/unknown}, annotation {@code vnd.docker.reference.type}); it is no
     * image anyone runs or scans, so it is left out.
     */
    private static List<String> platformDigests(String manifest) throws RecordException {
        JsonNode index;
        try {
            index = JSON.readTree(manifest);
        } catch (JsonProcessingException e) {
            throw RecordException.invalid("imageManifest", "an image index as JSON", JsonErrors.describe(e));
        }
        List<String> digests = new ArrayList<>();
        for (JsonNode entry : index.path("manifests")) {
            boolean attestation = entry.path("annotations").has("vnd.docker.reference.type")
                    || "unknown".equals(entry.path("platform").path("os").asText());
            Optional<String> digest = Fields.text(entry, "digest").flatMap(Digests::digest);
            if (!attestation && digest.isPresent()) {
                digests.add(digest.get());
            }
        }
        if (digests.isEmpty()) {
            throw RecordException.invalid("imageManifest", "an index with manifests[].digest", manifest);
        }
        return digests;
    }

    private static ImageRef reference(String text) throws RecordException {
        try {
            return ImageRef.parse(text);
        } catch (IllegalArgumentException e) {
            throw RecordException.invalid("repositoryUri", "an image repository", text);
        }
    }

    /** The digests and references gathered for one image digest across its tags. */
    private static final class Image {

        private final Set<String> digests = new LinkedHashSet<>();
        private final Set<ImageRef> refs = new LinkedHashSet<>();
        private boolean index;

        private ImageInfo info() {
            return new ImageInfo(Optional.empty(), List.copyOf(digests), List.copyOf(refs));
        }
    }
}
