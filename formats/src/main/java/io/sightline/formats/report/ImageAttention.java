package io.sightline.formats.report;

import io.sightline.finding.Severity;
import io.sightline.rank.RankedImage;
import io.sightline.storyboard.Storyboard;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Which ranked images deserve attention: the summary counts of the reports. */
public final class ImageAttention {

    private ImageAttention() {}

    /** Images whose scanners reported a high or critical vulnerability. */
    public static List<RankedImage> flagged(List<RankedImage> images) {
        return images.stream()
                .filter(i -> i.vulnerabilityCounts().getOrDefault(Severity.CRITICAL, 0)
                                + i.vulnerabilityCounts().getOrDefault(Severity.HIGH, 0)
                        > 0)
                .toList();
    }

    /**
     * Images that need action now: they took part in a storyboard of medium severity or more, or
     * they run with a known-exploited vulnerability that has a fix.
     */
    public static List<RankedImage> needingAction(List<RankedImage> images, List<Storyboard> storyboards) {
        Set<String> serious = storyboards.stream()
                .filter(s -> s.severity().atLeast(Severity.MEDIUM))
                .map(Storyboard::id)
                .collect(Collectors.toSet());
        return images.stream()
                .filter(i -> i.storyboards().stream().anyMatch(serious::contains)
                        || (!i.containers().isEmpty()
                                && !i.fixes().isEmpty()
                                && i.factors().stream().anyMatch(f -> f.name().equals("known exploited"))))
                .toList();
    }
}
