package io.sightline.finding;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalDouble;

/**
 * What a scanner said about a finding's likelihood and impact beyond its severity: every CVSS
 * rating per source, and the EPSS probability when the scanner embeds one (Grype, Inspector,
 * Snyk). An imported EPSS file takes precedence over the scanner's copy at ranking time.
 */
public record Scores(List<Cvss> cvss, OptionalDouble epss) {

    public static final Scores NONE = new Scores(List.of(), OptionalDouble.empty());

    public Scores {
        cvss = List.copyOf(cvss);
        requireNonNull(epss, "epss is null");
    }

    public static Scores of(List<Cvss> cvss) {
        return new Scores(cvss, OptionalDouble.empty());
    }
}
