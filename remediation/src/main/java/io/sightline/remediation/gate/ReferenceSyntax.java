package io.sightline.remediation.gate;

import java.util.regex.Pattern;

/**
 * The shape of an image reference as registries accept it (the distribution project's reference grammar): an
 * optional registry host with port, lower-case path components joined by {@code /}, an optional tag, an optional
 * digest; or a bare {@code algorithm:hex} digest. The gate refuses anything else, so that a typo is an error and
 * not an unknown image.
 */
final class ReferenceSyntax {

    private static final String HOST_PART = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
    private static final String HOST = "(?:" + HOST_PART + "(?:\\." + HOST_PART + ")*(?::[0-9]+)?/)?";
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String TAG = "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?";
    private static final String DIGEST = "[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}";
    private static final Pattern REFERENCE =
            Pattern.compile(HOST + COMPONENT + "(?:/" + COMPONENT + ")*" + TAG + "(?:@" + DIGEST + ")?");
    private static final Pattern BARE_DIGEST = Pattern.compile(DIGEST);
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-fA-F]{64}");

    private ReferenceSyntax() {}

    /** @throws IllegalArgumentException saying what an image reference looks like */
    static void check(String reference) {
        String trimmed = reference.trim();
        if (trimmed.startsWith("sha256:") && !SHA256.matcher(trimmed).matches()) {
            throw new IllegalArgumentException(
                    "'" + reference + "' is not a sha256 digest: expected sha256: and 64" + " hexadecimal digits");
        }
        if (BARE_DIGEST.matcher(trimmed).matches() || REFERENCE.matcher(trimmed).matches()) {
            return;
        }
        throw new IllegalArgumentException("'" + reference + "' is not an image reference: expected"
                + " [registry[:port]/]name[:tag][@sha256:<hex>] with a lower-case name, or a bare sha256:<hex>"
                + " digest");
    }
}
