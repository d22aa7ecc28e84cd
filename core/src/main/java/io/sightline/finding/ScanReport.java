package io.sightline.finding;

import static java.util.Objects.requireNonNull;

import io.sightline.image.ImageRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A scanner's report on one image. The image is identified by whatever the report holds: repo
 * digests (strongest), the config digest, and the reference it was scanned as (weakest). {@code
 * suppressed} holds the findings a VEX statement or the scanner's own status took out, each with
 * its reason; they are reported, never ranked.
 */
public record ScanReport(
        String file,
        String scanner,
        Optional<ImageRef> image,
        List<String> repoDigests,
        Optional<String> configDigest,
        List<Finding> findings,
        List<Suppression> suppressed) {

    public ScanReport {
        requireNonNull(file, "file is null");
        requireNonNull(scanner, "scanner is null");
        requireNonNull(image, "image is null");
        repoDigests = List.copyOf(repoDigests);
        requireNonNull(configDigest, "configDigest is null");
        findings = List.copyOf(findings);
        suppressed = List.copyOf(suppressed);
    }

    /** A report with nothing suppressed yet. */
    public ScanReport(
            String file,
            String scanner,
            Optional<ImageRef> image,
            List<String> repoDigests,
            Optional<String> configDigest,
            List<Finding> findings) {
        this(file, scanner, image, repoDigests, configDigest, findings, List.of());
    }

    /** This report with {@code dropped} moved from its findings to its suppressed list. */
    public ScanReport suppress(List<Suppression> dropped) {
        Set<Finding> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        dropped.forEach(s -> gone.add(s.finding()));
        List<Suppression> all = new ArrayList<>(suppressed);
        all.addAll(dropped);
        return new ScanReport(
                file,
                scanner,
                image,
                repoDigests,
                configDigest,
                findings.stream().filter(f -> !gone.contains(f)).toList(),
                all);
    }
}
