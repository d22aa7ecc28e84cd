package io.sightline.engine;

import io.sightline.engine.rarity.BehaviourPattern;
import io.sightline.engine.rarity.PatternHistory;
import io.sightline.engine.rarity.RarityConfig;
import io.sightline.engine.rarity.RunCount;
import io.sightline.engine.rarity.Sightings;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether the patterns a trail began with are routine or new for where they ran (NoDoze-style):
 * history from earlier runs and this run's counts together.
 *
 * <ul>
 *   <li>Routine: every pattern was seen {@link EngineConfig#commonPattern()} times in this run
 *       (the rule that predates history), or on {@link RarityConfig#routineDays()} distinct days in
 *       history and this run. Days, not occurrences, because analysing the same events twice
 *       counts them twice but adds no day.
 *   <li>New: some pattern has no sightings in history while history has watched its scope for at
 *       least {@link RarityConfig#noveltyAfter()} before the trail began. A scope history never
 *       saw (a workload deployed today) makes nothing new: everything would be.
 * </ul>
 *
 * <p>What a verdict does to the severity (and the floors that keep it from hiding an escape) is
 * {@link StoryboardSnapshot}'s; this class only judges and explains.
 */
final class Rarity {

    enum Verdict {
        ROUTINE,
        NEW,
        NEITHER
    }

    record Judgement(Verdict verdict, String reason) {
        static final Judgement NEITHER = new Judgement(Verdict.NEITHER, "");
    }

    private final PatternHistory history;
    private final RunPatterns run;
    private final int commonPattern;
    private final RarityConfig config;

    Rarity(PatternHistory history, RunPatterns run, int commonPattern, RarityConfig config) {
        this.history = history;
        this.run = run;
        this.commonPattern = commonPattern;
        this.config = config;
    }

    /**
     * @param spawnSeeds the spawns by a serving process the trail began with: these alone count
     *     as routine by this run's count, as before history existed
     * @param ruleSeeds the behaviours of rules that started the trail: judged by history only,
     *     since a miner or an escape repeated within one run is no sign of routine
     */
    Judgement judge(Set<BehaviourPattern> spawnSeeds, Set<BehaviourPattern> ruleSeeds, Instant trailStart) {
        Set<BehaviourPattern> seeds = new LinkedHashSet<>(spawnSeeds);
        seeds.addAll(ruleSeeds);
        if (seeds.isEmpty()) {
            return Judgement.NEITHER;
        }
        if (ruleSeeds.isEmpty() && seeds.stream().allMatch(p -> run.count(p) >= commonPattern)) {
            long seen = seeds.stream().mapToLong(run::count).min().orElse(0);
            return new Judgement(
                    Verdict.ROUTINE,
                    "the spawn it began with ("
                            + String.join(
                                    ", ",
                                    seeds.stream()
                                            .map(BehaviourPattern::behaviour)
                                            .toList())
                            + ") was seen " + seen + " times, routine for this workload");
        }
        List<String> routine = new ArrayList<>();
        for (BehaviourPattern seed : seeds) {
            Optional<Sightings> seen = together(seed);
            if (!ruleSeeds.contains(seed) && run.count(seed) >= commonPattern) {
                routine.add(seed.behaviour() + " seen " + run.count(seed) + " times in this run");
            } else if (seen.isPresent() && seen.get().days() >= config.routineDays()) {
                routine.add(seed.behaviour() + " seen on " + seen.get().days() + " days since "
                        + day(seen.get().firstSeen()));
            }
        }
        if (routine.size() == seeds.size()) {
            return new Judgement(Verdict.ROUTINE, "routine for " + scopes(seeds) + ": " + String.join("; ", routine));
        }
        for (BehaviourPattern seed : seeds) {
            Optional<Instant> watched = history.watchedSince(seed.scope());
            if (history.sightings(seed).isEmpty()
                    && watched.isPresent()
                    && !watched.get().plus(config.noveltyAfter()).isAfter(trailStart)) {
                return new Judgement(
                        Verdict.NEW,
                        "new for " + seed.scope() + ": " + seed.behaviour() + " never seen in the "
                                + ChronoUnit.DAYS.between(watched.get(), trailStart) + " days watched since "
                                + day(watched.get()));
            }
        }
        return Judgement.NEITHER;
    }

    /** History's sightings with this run's added. */
    private Optional<Sightings> together(BehaviourPattern pattern) {
        Optional<RunCount> now = run.seen(pattern);
        Optional<Sightings> before = history.sightings(pattern);
        if (now.isEmpty()) {
            return before;
        }
        return Optional.of(before.map(b -> b.plus(now.get())).orElseGet(() -> Sightings.of(now.get())));
    }

    private static String scopes(Set<BehaviourPattern> seeds) {
        return String.join(
                ", ", seeds.stream().map(BehaviourPattern::scope).distinct().toList());
    }

    private static LocalDate day(Instant time) {
        return LocalDate.ofInstant(time, ZoneOffset.UTC);
    }
}
