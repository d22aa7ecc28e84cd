package io.sightline.remediation.fixes;

import static java.util.Objects.requireNonNull;

/**
 * A place to look at the image outside Sightline. {@code given} is true when the scan report
 * itself carries the link, false when Sightline derived it (an ECR console address from the
 * registry host name).
 */
public record ScannerView(String kind, String url, String source, boolean given) {

    public ScannerView {
        requireNonNull(kind, "kind is null");
        requireNonNull(url, "url is null");
        requireNonNull(source, "source is null");
    }
}
