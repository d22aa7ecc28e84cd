package io.sightline.vex;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The parts of a package URL that matching needs: type, namespace, name, version and the {@code
 * repository_url} qualifier of {@code pkg:oci}. Qualifiers other than that and the subpath are
 * ignored: {@code pkg:apk/alpine/busybox@1.30.1-r3?arch=x86_64} is the same package whatever the
 * arch. Percent-encoding is decoded ({@code sha256%3A...}).
 */
record PackageUrl(
        String type, String namespace, String name, Optional<String> version, Optional<String> repositoryUrl) {

    static Optional<PackageUrl> parse(String text) {
        if (text == null || !text.startsWith("pkg:")) {
            return Optional.empty();
        }
        String rest = text.substring(4);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        Optional<String> repositoryUrl = Optional.empty();
        int question = rest.indexOf('?');
        if (question >= 0) {
            for (String qualifier : rest.substring(question + 1).split("&")) {
                if (qualifier.startsWith("repository_url=")) {
                    repositoryUrl = Optional.of(decode(qualifier.substring("repository_url=".length())));
                }
            }
            rest = rest.substring(0, question);
        }
        Optional<String> version = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            version = Optional.of(decode(rest.substring(at + 1)));
            rest = rest.substring(0, at);
        }
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String type = rest.substring(0, slash).toLowerCase(Locale.ROOT);
        String path = rest.substring(slash + 1);
        int last = path.lastIndexOf('/');
        String namespace = last >= 0 ? decode(path.substring(0, last)) : "";
        String name = decode(last >= 0 ? path.substring(last + 1) : path);
        return Optional.of(new PackageUrl(type, namespace, name, version, repositoryUrl));
    }

    /** Same package, and same version when both name one. */
    boolean covers(PackageUrl other) {
        return type.equals(other.type)
                && name.equalsIgnoreCase(other.name)
                && (namespace.isEmpty() || other.namespace.isEmpty() || namespace.equalsIgnoreCase(other.namespace))
                && (version.isEmpty() || other.version.isEmpty() || version.equals(other.version));
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
