package io.sightline.image;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference normalised the way registries resolve it: {@code nginx} is {@code
 * docker.io/library/nginx:latest}. The tag and the repo digest are kept apart; a reference may
 * carry either or both.
 */
public record ImageRef(String registry, String repository, Optional<String> tag, Optional<String> digest) {

    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public ImageRef {
        requireNonNull(registry, "registry is null");
        requireNonNull(repository, "repository is null");
        requireNonNull(tag, "tag is null");
        requireNonNull(digest, "digest is null");
        if (repository.isEmpty()) {
            throw new IllegalArgumentException("image repository is empty");
        }
        digest.ifPresent(ImageRef::checkDigest);
    }

    /**
     * Parses a reference as Docker and containerd print it, with or without registry, tag and
     * {@code @sha256:} digest, and with the {@code docker-pullable://} prefix kubelet adds to
     * {@code imageID}. A reference with neither tag nor digest gets the tag {@code latest}.
     */
    public static ImageRef parse(String reference) {
        requireNonNull(reference, "reference is null");
        String text = stripScheme(reference.trim());
        if (text.isEmpty()) {
            throw new IllegalArgumentException("image reference is empty");
        }

        Optional<String> digest = Optional.empty();
        int at = text.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(text.substring(at + 1).toLowerCase(Locale.ROOT));
            text = text.substring(0, at);
        }

        Optional<String> tag = Optional.empty();
        int colon = text.lastIndexOf(':');
        if (colon > text.lastIndexOf('/')) {
            tag = Optional.of(text.substring(colon + 1));
            text = text.substring(0, colon);
        }

        String registry = DOCKER_HUB;
        String repository = text;
        int slash = text.indexOf('/');
        if (slash > 0 && looksLikeRegistry(text.substring(0, slash))) {
            registry = normaliseRegistry(text.substring(0, slash));
            repository = text.substring(slash + 1);
        }
        if (registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0) {
            repository = "library/" + repository;
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of("latest");
        }
        return new ImageRef(registry, repository, tag, digest);
    }

    /** True when the text is a bare {@code sha256:} digest of 64 lower-case hex digits. */
    public static boolean isDigest(String text) {
        return text != null && DIGEST.matcher(text).matches();
    }

    /** {@code registry/repository}, without tag or digest: the name scanners and registries key on. */
    public String name() {
        return registry + "/" + repository;
    }

    public ImageRef withDigest(String newDigest) {
        return new ImageRef(registry, repository, tag, Optional.of(newDigest));
    }

    @Override
    public String toString() {
        return name()
                + tag.map(t -> ":" + t).orElse("")
                + digest.map(d -> "@" + d).orElse("");
    }

    private static String stripScheme(String text) {
        int scheme = text.indexOf("://");
        return scheme >= 0 ? text.substring(scheme + 3) : text;
    }

    private static boolean looksLikeRegistry(String first) {
        return first.contains(".") || first.contains(":") || first.equals("localhost");
    }

    private static String normaliseRegistry(String registry) {
        String lower = registry.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> DOCKER_HUB;
            default -> lower;
        };
    }

    private static void checkDigest(String value) {
        if (!value.startsWith("sha256:") && !value.startsWith("sha512:")) {
            throw new IllegalArgumentException("expected an image digest like sha256:<hex>, got '" + value + "'");
        }
    }
}
