package io.sightline.formats.pipeline;

import java.util.Map;
import java.util.Set;

/**
 * Data from outside the analysed folder that ranking uses: CVE ids of CISA's KEV catalogue and
 * FIRST EPSS probabilities by CVE id (empty when no EPSS file was given; scanners' own EPSS
 * values are used then).
 */
public record Enrichment(Set<String> knownExploited, Map<String, Double> epss) {

    public Enrichment {
        knownExploited = Set.copyOf(knownExploited);
        epss = Map.copyOf(epss);
    }
}
