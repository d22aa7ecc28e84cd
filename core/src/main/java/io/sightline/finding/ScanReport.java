package io.sightline.finding;

import static java.util.Objects.requireNonNull;

import io.sightline.image.ImageRef;
import java.util.List;
import java.util.Optional;

/**
 * A scanner's report on one image. The image is identified by whatever the report holds: repo
 * digests (strongest), the config digest, and the reference it was scanned as (weakest).
 */
public record ScanReport(
        String file,
        String scanner,
        Optional<ImageRef> image,
        List<String> repoDigests,
        Optional<String> configDigest,
        List<Finding> findings) {

    public ScanReport {
        requireNonNull(file, "file is null");
        requireNonNull(scanner, "scanner is null");
        requireNonNull(image, "image is null");
        repoDigests = List.copyOf(repoDigests);
        requireNonNull(configDigest, "configDigest is null");
        findings = List.copyOf(findings);
    }
}
