package io.sightline.remediation.gate;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * How the reference given to the gate was tied to what the analysis knows. A digest names one
 * image for good; a tag is resolved through the inventory and scan reports and may have moved
 * since, so it is a weaker match.
 */
public record ImageMatch(Kind kind, Set<String> digests, List<String> resolvedFrom) {

    public enum Kind {
        DIGEST,
        TAG,
        NONE
    }

    public ImageMatch {
        requireNonNull(kind, "kind is null");
        digests = Set.copyOf(digests);
        resolvedFrom = List.copyOf(resolvedFrom);
    }

    public String describe() {
        return switch (kind) {
            case DIGEST -> "matched by digest";
            case TAG ->
                "matched by tag (weaker: resolved to "
                        + String.join(", ", digests.stream().sorted().toList()) + " through "
                        + String.join(", ", resolvedFrom) + "; a tag can move, gate on the digest)";
            case NONE -> "not seen: no running container and no scan report names it";
        };
    }
}
