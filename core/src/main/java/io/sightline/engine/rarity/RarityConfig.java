package io.sightline.engine.rarity;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How rarity from history moves a storyboard's severity; {@link #DEFAULTS} holds the defaults.
 *
 * @param routineDays on how many distinct days (this run and history together) a pattern must
 *     have been seen to count as routine for its scope
 * @param noveltyAfter how long history must have watched a scope before a pattern it never saw
 *     there counts as new and may raise a storyboard
 * @param maxPatterns how many distinct patterns one engine counts at most; past it the least seen
 *     are forgotten, so a stream of ever-different commands cannot grow the counts without bound
 */
public record RarityConfig(int routineDays, Duration noveltyAfter, int maxPatterns) {

    public static final RarityConfig DEFAULTS = new RarityConfig(7, Duration.ofDays(14), 10_000);

    public RarityConfig {
        requireNonNull(noveltyAfter, "noveltyAfter is null");
        if (routineDays < 2) {
            throw new IllegalArgumentException("routineDays must be 2 or more, got " + routineDays);
        }
        if (noveltyAfter.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("noveltyAfter must be a day or more, got " + noveltyAfter);
        }
        if (maxPatterns < 4) {
            throw new IllegalArgumentException("maxPatterns must be 4 or more, got " + maxPatterns);
        }
    }
}
