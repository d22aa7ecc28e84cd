package io.sightline.cli;

import io.sightline.event.SkippedRecord;
import io.sightline.finding.Suppression;
import io.sightline.formats.InputLoader;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.formats.report.ImageAttention;
import io.sightline.formats.report.NoiseFigure;
import io.sightline.rank.PackageFix;
import io.sightline.rank.RankedImage;
import io.sightline.storyboard.Storyboard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/** The human-readable report of {@code analyze}: storyboards, the fix list, a summary. */
final class TextReport {

    private static final int TRAIL_STEPS_SHOWN = 80;
    private static final int IMAGES_SHOWN = 10;
    private static final int SUPPRESSED_SHOWN = 20;

    private TextReport() {}

    /** The report, every control character from the telemetry escaped (see {@link TerminalText}). */
    static void write(AnalysisResult analysis, PrintStream out) {
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        PrintStream text = new PrintStream(report, false, StandardCharsets.UTF_8);
        writeStoryboards(analysis.storyboards(), text);
        writeImages(analysis.images(), text);
        writeSummary(analysis, text);
        text.flush();
        out.print(TerminalText.escape(report.toString(StandardCharsets.UTF_8)));
    }

    private static void writeStoryboards(List<Storyboard> storyboards, PrintStream out) {
        out.println("STORYBOARDS (" + storyboards.size() + ")");
        if (storyboards.isEmpty()) {
            out.println("  none: no attack trail was found");
        }
        for (Storyboard s : storyboards) {
            out.println();
            out.printf(
                    "%s  %s  %s .. %s  %s%n",
                    s.id(),
                    s.severity().label().toUpperCase(),
                    time(s.firstSeen()),
                    time(s.lastSeen()),
                    plural(s.records().size(), "record"));
            out.println("  hosts:      "
                    + (s.hosts().isEmpty() ? "none named by the sensor" : String.join(", ", s.hosts())));
            List<String> containers = s.containers().stream()
                    .map(c -> (c.pod().isEmpty() ? c.name() : c.namespace() + "/" + c.pod() + "/" + c.name())
                            + (c.image().isEmpty() ? "" : " (" + c.image() + ")"))
                    .toList();
            if (!containers.isEmpty()) {
                out.println("  containers: " + String.join(", ", containers));
            }
            if (!s.imageDigests().isEmpty()) {
                out.println("  images:     " + String.join(", ", s.imageDigests()));
            }
            if (!s.services().isEmpty()) {
                out.println("  services:   " + String.join(", ", s.services()));
            }
            if (!s.externalAddresses().isEmpty()) {
                out.println("  addresses:  " + String.join(", ", s.externalAddresses()));
            }
            if (!s.identities().isEmpty()) {
                out.println("  identities: " + String.join(", ", s.identities()));
            }
            out.println("  techniques: "
                    + (s.techniques().isEmpty() ? "none tagged" : "")
                    + s.techniques().stream()
                            .map(t -> t.id() + (t.name().isEmpty() ? "" : " " + t.name()))
                            .collect(Collectors.joining(", ")));
            out.println("  why " + s.severity().label() + ": " + String.join("; ", s.severityReasons()));
            out.println("  trail:");
            s.trail().stream()
                    .limit(TRAIL_STEPS_SHOWN)
                    .forEach(step -> out.printf(
                            "    %s  %-28s %s%n",
                            time(step.time()),
                            shorten(step.container().isEmpty() ? step.host() : step.container()),
                            step.text()));
            if (s.trail().size() > TRAIL_STEPS_SHOWN) {
                out.println("    ... " + (s.trail().size() - TRAIL_STEPS_SHOWN) + " more steps (see --format json)");
            }
        }
        out.println();
    }

    static void writeImages(List<RankedImage> images, PrintStream out) {
        out.println("RANKED IMAGES (" + images.size() + ", top " + Math.min(IMAGES_SHOWN, images.size()) + " shown)");
        for (RankedImage image : images.stream().limit(IMAGES_SHOWN).toList()) {
            out.println();
            out.printf("#%d  %s  score %.2f%n", image.rank(), image.image(), image.score());
            out.println("    digest:  "
                    + (image.repoDigests().isEmpty()
                            ? "none known"
                            : image.repoDigests().getFirst())
                    + "  (joined by " + join(image.joinedBy()) + ")");
            out.println("    running: " + plural(image.containers().size(), "container")
                    + (image.storyboards().isEmpty() ? "" : "; storyboards " + String.join(", ", image.storyboards())));
            for (RankedImage.Factor factor : image.factors()) {
                out.printf("    %+7.2f  %s: %s%n", factor.points(), factor.name(), factor.detail());
            }
            for (PackageFix fix : image.fixes().stream().limit(5).toList()) {
                out.printf(
                        "    upgrade %s %s -> %s (clears %s; %s needs %s)%s%n",
                        fix.packageName(),
                        fix.installedVersion(),
                        fix.fixedVersion(),
                        String.join(" ", fix.vulnerabilities()),
                        fix.worstId(),
                        fix.minimumFixForWorst(),
                        fix.loadedAtRuntime() ? " [loaded at runtime]" : "");
            }
        }
        out.println();
    }

    private static void writeSummary(AnalysisResult analysis, PrintStream out) {
        out.println("SUMMARY");
        for (InputLoader.FileSummary file : analysis.files()) {
            out.printf(
                    "  %-48s %-24s %6d read %4d skipped%n", file.file(), file.format(), file.records(), file.skipped());
        }
        for (SkippedRecord skipped : analysis.skipped()) {
            out.println("  skipped " + skipped);
        }
        List<Suppression> suppressed = suppressed(analysis);
        if (!suppressed.isEmpty()) {
            out.println("  suppressed " + suppressed.size() + " finding(s) (VEX or the scanner's own status):");
            for (Suppression s : suppressed.stream().limit(SUPPRESSED_SHOWN).toList()) {
                out.println("    " + s.finding().id() + " in "
                        + s.finding().pkg().name() + " "
                        + s.finding().pkg().version() + ": " + s.status()
                        + (s.justification().isEmpty() ? "" : " (" + s.justification() + ")") + " [" + s.source()
                        + "]");
            }
            if (suppressed.size() > SUPPRESSED_SHOWN) {
                out.println("    ... " + (suppressed.size() - SUPPRESSED_SHOWN) + " more (see --format json)");
            }
        }
        out.printf(
                "  %s in %d ms; %d arrived more than the lateness bound behind the newest record of their file %s%n",
                plural((int) analysis.events(), "event"),
                analysis.elapsedMillis(),
                analysis.lateEvents(),
                analysis.sortedByTime()
                        ? "(so the telemetry was sorted by event time and stitched again)"
                        : "(stitched anyway)");
        List<RankedImage> flagged = ImageAttention.flagged(analysis.images());
        List<RankedImage> action = ImageAttention.needingAction(analysis.images(), analysis.storyboards());
        out.printf("  images flagged by scanners (a high or critical finding): %d%n", flagged.size());
        out.printf(
                "  images that need action now (in a storyboard, or running a fixable KEV finding): %d%n",
                action.size());
        action.forEach(image -> out.println("    #" + image.rank() + " " + image.image()));
        out.println(
                "  " + NoiseFigure.of(analysis.images(), analysis.storyboards()).text());
    }

    /** A tag-only join is said to be weaker: the tag may have moved since the scan. */
    private static String join(String joinedBy) {
        return joinedBy.equals("tag")
                ? "tag only, lower confidence: no digest ties the reports to the running containers"
                : joinedBy;
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    static List<Suppression> suppressed(AnalysisResult analysis) {
        return analysis.reports().stream().flatMap(r -> r.suppressed().stream()).toList();
    }

    private static String time(java.time.Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    private static String shorten(String text) {
        return text.length() > 28 ? text.substring(0, 27) + "…" : text;
    }
}
