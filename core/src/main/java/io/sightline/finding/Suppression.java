package io.sightline.finding;

import static java.util.Objects.requireNonNull;

/**
 * A finding taken out of ranking, and why: a VEX statement ({@code not_affected}, {@code fixed})
 * or the scanner's own status for it (Trivy {@code Status: not_affected}, Snyk REST {@code
 * resolved} or ignored). {@code justification} is the statement's justification or impact text,
 * empty when it gave none; {@code source} names the document or field that decided.
 */
public record Suppression(Finding finding, String status, String justification, String source) {

    public Suppression {
        requireNonNull(finding, "finding is null");
        requireNonNull(status, "status is null");
        requireNonNull(justification, "justification is null");
        requireNonNull(source, "source is null");
    }
}
