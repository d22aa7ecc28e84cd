package io.sightline.engine;

import io.sightline.finding.Severity;
import java.util.Optional;

/**
 * What the engine asks of the vulnerability side: the worst finding of an image, by repo or
 * config digest, so that a trail through a vulnerable container can raise its severity.
 */
@FunctionalInterface
public interface ImageRisk {

    ImageRisk NONE = digest -> Optional.empty();

    Optional<Exposure> exposure(String digest);

    /** The worst severity among an image's findings and the CVE that carries it. */
    record Exposure(Severity worst, String worstId, int fixableCriticalOrHigh) {}
}
