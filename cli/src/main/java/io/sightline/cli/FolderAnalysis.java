package io.sightline.cli;

import io.sightline.engine.EngineConfig;
import io.sightline.formats.KevCatalogue;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.formats.pipeline.AnalysisResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/** The analysis of a {@code --from DIR} folder that gate, fixes, remediate and notify start from. */
record FolderAnalysis(Path folder, List<Path> inputs, AnalysisResult result) {

    static FolderAnalysis of(CommandLine commandLine, Path folder, Path kev) {
        if (folder == null) {
            throw new CommandLine.ParameterException(
                    commandLine,
                    "--from DIR is required (the --server mode needs the" + " server, which is not built yet)");
        }
        if (!Files.isDirectory(folder)) {
            throw new CommandLine.ParameterException(
                    commandLine, "--from " + folder + " is not a folder (expected inventory/, scans/, telemetry/)");
        }
        Set<String> knownExploited = kev != null ? KevCatalogue.read(kev) : KevCatalogue.bundled();
        List<Path> inputs = AnalysisPipeline.layout(folder);
        AnalysisResult result = AnalysisPipeline.run(folder, inputs, knownExploited, EngineConfig.DEFAULTS);
        return new FolderAnalysis(folder, inputs, result);
    }
}
