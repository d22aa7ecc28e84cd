package io.sightline.formats.scan;

import io.sightline.image.ImageRef;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns what a scanner wrote about the scanned image into identity: image references and bare
 * repo digests. Scanners put paths, archive names and odd composites where a reference usually
 * stands, so a text becomes a reference only when it has the grammar of one.
 */
final class ImageIdentity {

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

    /** The grammar of github.com/distribution/reference, without its length limits. */
    private static final Pattern REFERENCE = Pattern.compile("(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?"
            + COMPONENT
            + "(?:/" + COMPONENT + ")*"
            + "(?::[\\w][\\w.-]{0,127})?"
            + "(?:@sha256:[0-9a-f]{64})?");

    /** Image archives pass the grammar ({@code images/alpine-310.tar.gz}) but name no registry image. */
    private static final Pattern ARCHIVE = Pattern.compile(".*\\.(?:tar|tar\\.gz|tgz|tar\\.zst)");

    private ImageIdentity() {}

    static Optional<ImageRef> reference(String text) {
        String candidate = text.trim();
        if (ARCHIVE.matcher(candidate).matches()
                || !REFERENCE.matcher(candidate).matches()) {
            return Optional.empty();
        }
        return Optional.of(ImageRef.parse(candidate));
    }

    static Optional<ImageRef> firstReference(List<String> candidates) {
        return candidates.stream()
                .map(ImageIdentity::reference)
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** The digest of a {@code repo@sha256:...} entry, or of a bare digest. */
    static Optional<String> digestOf(String entry) {
        String digest = entry.substring(entry.lastIndexOf('@') + 1).trim().toLowerCase(Locale.ROOT);
        return ImageRef.isDigest(digest) ? Optional.of(digest) : Optional.empty();
    }
}
