package io.sightline.remediation.gate;

import static java.util.Objects.requireNonNull;

import io.sightline.finding.Severity;
import java.util.Optional;

/**
 * What the gate holds an image to. {@code maxSeverity} is the highest finding severity allowed
 * (absent: findings alone never fail the gate); {@code kev} fails on any finding in CISA's KEV
 * catalogue; {@code fixableOnly} counts only findings that have a fixed version, for both checks.
 * An open storyboard at {@code storyboardThreshold} or above always fails the gate. An image the analysis never
 * saw (no scan report, no running container) fails unless {@code allowUnseen}: nothing says it is safe, and a
 * mistyped reference must not let a pipeline through.
 */
public record GatePolicy(
        Optional<Severity> maxSeverity,
        boolean kev,
        boolean fixableOnly,
        Severity storyboardThreshold,
        boolean allowUnseen) {

    /** Fails on open storyboards of medium severity or above, and on images never seen. */
    public static final GatePolicy DEFAULT = new GatePolicy(Optional.empty(), false, false, Severity.MEDIUM, false);

    public GatePolicy {
        requireNonNull(maxSeverity, "maxSeverity is null");
        requireNonNull(storyboardThreshold, "storyboardThreshold is null");
    }

    public GatePolicy withMaxSeverity(Severity severity) {
        return new GatePolicy(Optional.of(severity), kev, fixableOnly, storyboardThreshold, allowUnseen);
    }

    public GatePolicy withKev(boolean failOnKev) {
        return new GatePolicy(maxSeverity, failOnKev, fixableOnly, storyboardThreshold, allowUnseen);
    }

    public GatePolicy withFixableOnly(boolean onlyFixable) {
        return new GatePolicy(maxSeverity, kev, onlyFixable, storyboardThreshold, allowUnseen);
    }

    public GatePolicy withAllowUnseen(boolean passUnseen) {
        return new GatePolicy(maxSeverity, kev, fixableOnly, storyboardThreshold, passUnseen);
    }
}
