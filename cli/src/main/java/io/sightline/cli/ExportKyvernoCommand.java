package io.sightline.cli;

import io.sightline.finding.Severity;
import io.sightline.remediation.admission.ImplicatedImage;
import io.sightline.remediation.admission.KyvernoPolicyExport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sightline gate export-kyverno}: the admission side of the gate. */
@Command(
        name = "export-kyverno",
        mixinStandardHelpOptions = true,
        description = "Writes a Kyverno ClusterPolicy that refuses pods using, by digest, an image implicated in an"
                + " open storyboard (medium or above).")
final class ExportKyvernoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", paramLabel = "DIR", description = "analysed folder: inventory/, scans/, telemetry/")
    Path from;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "write the policy to FILE instead of stdout")
    Path output;

    @Option(names = "--name", defaultValue = KyvernoPolicyExport.DEFAULT_NAME, description = "policy name")
    String name;

    @Override
    public Integer call() throws IOException {
        FolderAnalysis analysis = FolderAnalysis.of(spec.commandLine(), from, null);
        List<ImplicatedImage> images =
                KyvernoPolicyExport.implicated(analysis.result().storyboards(), Severity.MEDIUM);
        if (images.isEmpty()) {
            spec.commandLine().getErr().println("no image is implicated in an open storyboard; no policy written");
            return 0;
        }
        String yaml = KyvernoPolicyExport.toYaml(name, images);
        if (output == null) {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
        } else {
            Files.writeString(output, yaml, StandardCharsets.UTF_8);
            spec.commandLine().getErr().println("wrote " + output + ": blocks " + images.size() + " digest(s)");
        }
        return 0;
    }
}
