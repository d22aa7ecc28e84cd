package io.sightline.cli;

import io.sightline.discovery.sources.SourceRegistry;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data DIR} option of the commands that read or change registered sources. */
final class DataDir {

    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = "sightline-data",
            description = "data directory holding sources.json (default: ./${DEFAULT-VALUE})")
    Path dir;

    SourceRegistry registry() {
        return SourceRegistry.load(dir.toAbsolutePath());
    }
}
