package io.sightline.engine;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of the storyboard engine.
 *
 * @param clockSkew how far two hosts' clocks may disagree when a connect on one is matched to the
 *     accept on the other
 * @param apiCallWindow how long after a trail's process contacted the Kubernetes API an audit
 *     event from the same source address is attributed to it
 */
public record EngineConfig(Duration clockSkew, Duration apiCallWindow) {

    public static final EngineConfig DEFAULTS = new EngineConfig(Duration.ofSeconds(5), Duration.ofSeconds(10));

    public EngineConfig {
        requireNonNull(clockSkew, "clockSkew is null");
        requireNonNull(apiCallWindow, "apiCallWindow is null");
        if (clockSkew.isNegative() || apiCallWindow.isNegative()) {
            throw new IllegalArgumentException(
                    "clock skew and API call window must not be negative, got " + clockSkew + " and " + apiCallWindow);
        }
    }
}
