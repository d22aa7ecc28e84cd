package io.sightline.engine;

import static java.util.Objects.requireNonNull;

import io.sightline.engine.rarity.RarityConfig;
import java.time.Duration;

/**
 * Settings of the storyboard engine; {@link #DEFAULTS} holds the defaults in one place.
 *
 * @param clockSkew how far two hosts' clocks may disagree when a connect on one is matched to the
 *     accept on the other
 * @param apiCallWindow how long after a trail's process contacted the Kubernetes API an audit
 *     event from the same source address is attributed to it
 * @param lateness how far behind the newest event time a record may arrive before it is counted
 *     as late; late records are still stitched, and counted so the operator sees the delay
 * @param commonPattern how often a (parent → child) spawn must have been seen in this run before a
 *     trail that began with it counts as routine for that workload and is lowered one level
 * @param retention how long, in event time, a process off every trail keeps its connects (one
 *     per remote end once they are behind the {@link #linkHorizon()}), so that a process that
 *     joins a trail later brings the addresses it dialled; older ones are forgotten, so memory
 *     stays bounded on an endless stream. Repeated runs on a trail fold once their exit is this
 *     far behind
 * @param rarity how the sightings of a pattern in history and in this run make it routine or new
 * @param closeAfter how long, in event time, a storyboard's trail may see no new record before the
 *     storyboard closes: the engine keeps its last snapshot and a compact skeleton, and releases the
 *     rest (see {@link StoryboardEngine}); at least the retention, so that nothing the trail's
 *     processes did is still waiting to be linked
 * @param closedKeptFor how long, in event time, a closed storyboard (its snapshot and skeleton) is
 *     kept after it closed, for serving and for reopening; then it is forgotten, which bounds the
 *     memory of an endless stream; at least {@code closeAfter}
 */
public record EngineConfig(
        Duration clockSkew,
        Duration apiCallWindow,
        Duration lateness,
        int commonPattern,
        Duration retention,
        RarityConfig rarity,
        Duration closeAfter,
        Duration closedKeptFor) {

    public static final EngineConfig DEFAULTS = new EngineConfig(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            5,
            Duration.ofMinutes(5),
            RarityConfig.DEFAULTS,
            Duration.ofHours(24),
            Duration.ofDays(7));

    public EngineConfig {
        requireNonNull(clockSkew, "clockSkew is null");
        requireNonNull(apiCallWindow, "apiCallWindow is null");
        requireNonNull(lateness, "lateness is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(rarity, "rarity is null");
        requireNonNull(closeAfter, "closeAfter is null");
        requireNonNull(closedKeptFor, "closedKeptFor is null");
        if (retention.compareTo(lateness) < 0 || retention.compareTo(apiCallWindow) < 0) {
            throw new IllegalArgumentException("retention must cover the lateness bound and the API call window, got "
                    + retention + " against " + lateness + " and " + apiCallWindow);
        }
        if (clockSkew.isNegative() || apiCallWindow.isNegative() || lateness.isNegative()) {
            throw new IllegalArgumentException("clock skew, API call window and lateness must not be negative, got "
                    + clockSkew + ", " + apiCallWindow + " and " + lateness);
        }
        if (closeAfter.compareTo(retention) < 0 || closedKeptFor.compareTo(closeAfter) < 0) {
            throw new IllegalArgumentException("a storyboard must close no sooner than the retention and be kept at"
                    + " least as long as it took to close, got closeAfter " + closeAfter + " and closedKeptFor "
                    + closedKeptFor + " against the retention " + retention);
        }
        if (commonPattern < 2) {
            throw new IllegalArgumentException("commonPattern must be 2 or more, got " + commonPattern);
        }
    }

    public EngineConfig(Duration clockSkew, Duration apiCallWindow) {
        this(
                clockSkew,
                apiCallWindow,
                DEFAULTS.lateness(),
                DEFAULTS.commonPattern(),
                DEFAULTS.retention(),
                DEFAULTS.rarity(),
                DEFAULTS.closeAfter(),
                DEFAULTS.closedKeptFor());
    }

    /**
     * How long, in event time, the engine keeps what only a record still to come can link to: an
     * accept waiting for the connect of the other host, an API call waiting for the connection of
     * its caller, an exited process off every trail waiting for a late record about it. A record
     * may come {@code lateness} behind and its other end {@code clockSkew} apart, so the horizon is
     * their sum, within the retention. Behind it, what no storyboard touches is forgotten.
     */
    public Duration linkHorizon() {
        Duration horizon = lateness.plus(clockSkew);
        return horizon.compareTo(retention) < 0 ? horizon : retention;
    }

    /** These settings, with storyboards closing after {@code closeAfter} and kept {@code closedKeptFor} closed. */
    public EngineConfig withLifecycle(Duration closeAfter, Duration closedKeptFor) {
        return new EngineConfig(
                clockSkew, apiCallWindow, lateness, commonPattern, retention, rarity, closeAfter, closedKeptFor);
    }

    public EngineConfig withRarity(RarityConfig rarity) {
        return new EngineConfig(
                clockSkew, apiCallWindow, lateness, commonPattern, retention, rarity, closeAfter, closedKeptFor);
    }
}
