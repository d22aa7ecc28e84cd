package io.sightline.finding;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * One CVSS rating as one source gave it ({@code nvd}, {@code redhat}, {@code ghsa}, the
 * scanner's vendor). Sources disagree, so every rating is kept with its source rather than one
 * "the" score. {@code vector} is empty when the source gave only a score.
 */
public record Cvss(String source, String version, OptionalDouble score, String vector) {

    public Cvss {
        requireNonNull(source, "source is null");
        requireNonNull(version, "version is null");
        requireNonNull(score, "score is null");
        requireNonNull(vector, "vector is null");
    }
}
