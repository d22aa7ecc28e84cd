package io.sightline.vex;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/**
 * One VEX statement, whatever document format it came in (OpenVEX, CycloneDX VEX, CSAF VEX):
 * which vulnerability (by its ids and aliases), in which products (package URLs, {@code pkg:oci}
 * for images), narrowed to which subcomponents, with what status and why. {@code source} names
 * the document and the statement's place in it.
 */
public record VexStatement(
        List<String> vulnerabilities,
        List<String> products,
        List<String> subcomponents,
        Status status,
        String justification,
        String source) {

    /** The four VEX statuses; OpenVEX, CycloneDX and CSAF names map onto them. */
    public enum Status {
        NOT_AFFECTED,
        AFFECTED,
        FIXED,
        UNDER_INVESTIGATION;

        /** True when a finding the statement covers is to be taken out of ranking. */
        public boolean suppresses() {
            return switch (this) {
                case NOT_AFFECTED, FIXED -> true;
                case AFFECTED, UNDER_INVESTIGATION -> false;
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public VexStatement {
        vulnerabilities = List.copyOf(vulnerabilities);
        products = List.copyOf(products);
        subcomponents = List.copyOf(subcomponents);
        requireNonNull(status, "status is null");
        requireNonNull(justification, "justification is null");
        requireNonNull(source, "source is null");
        if (vulnerabilities.isEmpty()) {
            throw new IllegalArgumentException(source + ": VEX statement names no vulnerability");
        }
    }
}
