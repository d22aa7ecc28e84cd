package io.sightline.cli;

import io.sightline.rank.PackageFix;
import io.sightline.rank.RankedImage;
import io.sightline.remediation.fixes.FixWork;
import io.sightline.remediation.fixes.FixWorkBuilder;
import io.sightline.remediation.fixes.ReportMetadata;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sightline fixes}: the fix list as work for the build pipeline. */
@Command(
        name = "fixes",
        mixinStandardHelpOptions = true,
        description = "Per image, in rank order: the package upgrades, the base image, the workloads to roll after"
                + " the rebuild and where to look at the image outside Sightline.")
final class FixesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", paramLabel = "DIR", description = "analysed folder: inventory/, scans/, telemetry/")
    Path from;

    @Option(names = "--top", defaultValue = "5", description = "images to show (default: ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be 1 or more (images to show), got " + top);
        }
        FolderAnalysis analysis = FolderAnalysis.of(spec.commandLine(), from, null);
        FixWorkBuilder builder = new FixWorkBuilder(analysis.result().inventory(), new ReportMetadata(from));
        List<RankedImage> images = analysis.result().images().stream()
                .filter(i -> !i.fixes().isEmpty())
                .limit(top)
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        for (RankedImage image : images) {
            print(builder.build(image), out);
        }
        out.flush();
        return 0;
    }

    private static void print(FixWork work, PrintWriter out) {
        out.println("#" + work.rank() + "  " + work.image());
        out.println("    digest:     " + String.join(", ", work.repoDigests()));
        if (!work.storyboards().isEmpty()) {
            out.println("    attacked:   " + String.join(", ", work.storyboards()));
        }
        out.println("    base image: " + work.baseImage().orElse("not reported by the scanner"));
        for (PackageFix fix : work.upgrades()) {
            out.println("    upgrade " + fix.packageName() + " " + fix.installedVersion() + " -> " + fix.fixedVersion()
                    + " (clears " + String.join(" ", fix.vulnerabilities()) + ")");
        }
        for (FixWork.Rollout rollout : work.rollouts()) {
            out.println("    roll " + rollout.describe() + ": "
                    + String.join(
                            ", ",
                            rollout.containers().stream()
                                    .map(c -> (c.pod().isEmpty() ? c.name() : c.pod()) + " on " + c.host())
                                    .toList()));
        }
        work.views()
                .forEach(view -> out.println("    view " + view.kind() + ": " + view.url()
                        + (view.given() ? "" : "  (" + view.source() + ")")));
        if (work.views().isEmpty()) {
            out.println("    view: the scan report gives no link (" + String.join(", ", work.reports()) + ")");
        }
        out.println();
    }
}
