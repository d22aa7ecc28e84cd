package io.sightline.formats.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.Inventory;
import io.sightline.event.SkippedRecord;
import io.sightline.formats.DocumentParser;
import io.sightline.formats.RecordException;
import io.sightline.image.ImageInfo;
import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The corpus holds no BatchGetImage body and no image index (its ECR samples are ListImages,
 * DescribeRepositories and DescribeImages of single-platform images), so the index here is written by
 * hand after the OCI image-spec's {@code image-index.md} example, with a BuildKit attestation entry.
 */
class EcrImagesParserTest {

    static final String INDEX_DIGEST = "sha256:1f2e3d4c5b6a79880716253a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e";
    static final String AMD64 = "sha256:a1a1a1a1b2b2b2b2c3c3c3c3d4d4d4d4e5e5e5e5f6f6f6f6a7a7a7a7b8b8b8b8";
    static final String ARM64 = "sha256:0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526272829";
    static final String ATTESTATION = "sha256:9999888877776666555544443333222211110000ffffeeeeddddccccbbbbaaaa";

    static final String INDEX = """
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.index.v1+json",
              "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1234, "digest": "%s",
                 "platform": {"architecture": "amd64", "os": "linux"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1234, "digest": "%s",
                 "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 840, "digest": "%s",
                 "platform": {"architecture": "unknown", "os": "unknown"},
                 "annotations": {"vnd.docker.reference.digest": "%s",
                                 "vnd.docker.reference.type": "attestation-manifest"}}
              ]
            }
            """.formatted(AMD64, ARM64, ATTESTATION, AMD64);

    private static final String URI = "647433528374.dkr.ecr.us-east-1.amazonaws.com/my-images";

    private final Inventory inventory = new Inventory();
    private final List<SkippedRecord> skipped = new ArrayList<>();

    @Test
    void anIndexIsOneImageWithEveryPlatformDigest() throws RecordException {
        JsonNode output = Samples.inline("""
                {"images": [
                  {"registryId": "647433528374", "repositoryName": "my-images", "repositoryUri": "%s",
                   "imageId": {"imageDigest": "%s"},
                   "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json", "imageManifest": "{}"},
                  {"registryId": "647433528374", "repositoryName": "my-images", "repositoryUri": "%s",
                   "imageId": {"imageDigest": "%s", "imageTag": "latest"},
                   "imageManifestMediaType": "application/vnd.oci.image.index.v1+json"},
                  {"registryId": "647433528374", "repositoryName": "my-images", "repositoryUri": "%s",
                   "imageId": {"imageDigest": "%s", "imageTag": "1.4"},
                   "imageManifestMediaType": "application/vnd.oci.image.index.v1+json"}
                ], "failures": []}
                """.formatted(URI, AMD64, URI, INDEX_DIGEST, URI, INDEX_DIGEST));
        output.path("images").forEach(image -> {
            if (image.path("imageManifestMediaType").asText().contains("index")) {
                ((ObjectNode) image).put("imageManifest", INDEX);
            }
        });

        EcrImagesParser.parse(output, "ecr-images.json", inventory, skipped);

        assertThat(skipped).isEmpty();
        ImageInfo expected = new ImageInfo(
                Optional.empty(),
                List.of(INDEX_DIGEST, AMD64, ARM64),
                List.of(
                        ImageRef.parse(URI + "@" + INDEX_DIGEST),
                        ImageRef.parse(URI + ":latest"),
                        ImageRef.parse(URI + ":1.4")));
        assertThat(inventory.image(INDEX_DIGEST)).contains(expected);
        // The amd64 manifest is also listed on its own, untagged; the index still answers for it.
        assertThat(inventory.image(AMD64)).contains(expected);
        assertThat(inventory.image(ARM64)).contains(expected);
        assertThat(inventory.image(ATTESTATION)).isEmpty();
        assertThat(DocumentParser.recognise(output))
                .map(DocumentParser.Recognised::format)
                .contains("ecr-batch-get-image");
    }

    @Test
    void anUnreadableIndexIsSkippedByNameAndItsNeighboursRead() throws RecordException {
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.putArray("images")
                .add(Samples.inline("""
                        {"repositoryName": "my-images", "imageId": {"imageDigest": "%s"},
                         "imageManifestMediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
                         "imageManifest": "{\\"manifests\\": []}"}
                        """.formatted(INDEX_DIGEST)))
                .add(Samples.inline("""
                        {"repositoryName": "my-images", "imageId": {"imageDigest": "%s"},
                         "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json"}
                        """.formatted(ARM64)));

        EcrImagesParser.parse(output, "ecr-images.json", inventory, skipped);

        assertThat(skipped)
                .singleElement()
                .satisfies(s -> assertThat(s.reason())
                        .startsWith("images[0] (image my-images@" + INDEX_DIGEST + "): field imageManifest"));
        assertThat(inventory.image(ARM64).map(ImageInfo::repoDigests)).contains(List.of(ARM64));
    }
}
