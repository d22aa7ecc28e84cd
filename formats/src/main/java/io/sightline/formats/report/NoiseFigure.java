package io.sightline.formats.report;

import io.sightline.rank.PackageFix;
import io.sightline.rank.RankedImage;
import io.sightline.storyboard.Storyboard;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The noise figure {@code N of M flagged images need action; K of L findings}: M images carry a
 * high or critical finding, N of them need action now (see {@link ImageAttention#needingAction}); L
 * counts distinct vulnerabilities per image across all images (one CVE on three packages of one
 * image is one), K those of the images that need action that a listed upgrade clears.
 */
public record NoiseFigure(int imagesNeedingAction, int imagesFlagged, int findingsNeedingAction, int findings) {

    public static NoiseFigure of(List<RankedImage> images, List<Storyboard> storyboards) {
        List<RankedImage> flagged = ImageAttention.flagged(images);
        List<RankedImage> needing = ImageAttention.needingAction(images, storyboards);
        int total = images.stream()
                .mapToInt(i -> i.vulnerabilityCounts().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .sum();
        int actionable = 0;
        for (RankedImage image : needing) {
            Set<String> cleared = new HashSet<>();
            for (PackageFix fix : image.fixes()) {
                cleared.addAll(fix.vulnerabilities());
            }
            actionable += cleared.size();
        }
        int needingFlagged = (int) needing.stream().filter(flagged::contains).count();
        return new NoiseFigure(needingFlagged, flagged.size(), actionable, total);
    }

    public String text() {
        return imagesNeedingAction + " of " + imagesFlagged + " flagged images need action; " + findingsNeedingAction
                + " of " + findings + " findings";
    }
}
