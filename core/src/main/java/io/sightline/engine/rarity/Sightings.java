package io.sightline.engine.rarity;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What earlier runs saw of one pattern: how often, on how many distinct days (UTC, by event
 * time), and when first and last.
 *
 * <p>Only the number of days is kept, not the days, so {@link #plus} counts a day of a run as new
 * when it falls outside the days from {@code firstSeen} to {@code lastSeen}: a day inside that
 * span may or may not have been counted, and is not counted again. That undercounts a run that
 * fills a gap (conservative: a pattern becomes routine later, never sooner), and it makes merging
 * the same run twice, or a run that overlaps the last one, add no days. The count is not so
 * protected: analysing the same events twice counts them twice, which is why routine is judged
 * by days.
 */
public record Sightings(long count, int days, Instant firstSeen, Instant lastSeen) {

    public Sightings {
        requireNonNull(firstSeen, "firstSeen is null");
        requireNonNull(lastSeen, "lastSeen is null");
        if (count < 1 || days < 1) {
            throw new IllegalArgumentException(
                    "sightings need a count and days of at least 1, got " + count + " and " + days);
        }
        if (lastSeen.isBefore(firstSeen)) {
            throw new IllegalArgumentException("lastSeen " + lastSeen + " is before firstSeen " + firstSeen);
        }
    }

    /** The sightings of one run on their own. */
    public static Sightings of(RunCount run) {
        requireNonNull(run, "run is null");
        return new Sightings(run.count(), run.days().size(), run.firstSeen(), run.lastSeen());
    }

    /** These sightings with a run's added, its days counted as described above. */
    public Sightings plus(RunCount run) {
        requireNonNull(run, "run is null");
        LocalDate first = day(firstSeen);
        LocalDate last = day(lastSeen);
        long newDays = run.days().stream()
                .filter(d -> d.isBefore(first) || d.isAfter(last))
                .count();
        return new Sightings(
                count + run.count(),
                Math.toIntExact(days + newDays),
                run.firstSeen().isBefore(firstSeen) ? run.firstSeen() : firstSeen,
                run.lastSeen().isAfter(lastSeen) ? run.lastSeen() : lastSeen);
    }

    static LocalDate day(Instant time) {
        return LocalDate.ofInstant(time, ZoneOffset.UTC);
    }
}
