package io.sightline.formats.inventory;

import io.sightline.image.ImageRef;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Digest spellings shared by kubelet and Docker output. */
final class Digests {

    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");

    private Digests() {}

    /** The repo digest of {@code repo@sha256:<hex>} (with or without a scheme), if it has one. */
    static Optional<String> afterAt(String reference) {
        int at = reference.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        return digest(reference.substring(at + 1));
    }

    /**
     * A Docker image id as {@code sha256:<hex>}. Engine API versions before 1.22 (and kubelet's
     * {@code docker://} imageID of that era) print the bare 64-hex id.
     */
    static Optional<String> imageId(String text) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        if (HEX_64.matcher(lower).matches()) {
            return Optional.of("sha256:" + lower);
        }
        return digest(lower);
    }

    static Optional<String> digest(String text) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        return ImageRef.isDigest(lower) ? Optional.of(lower) : Optional.empty();
    }
}
