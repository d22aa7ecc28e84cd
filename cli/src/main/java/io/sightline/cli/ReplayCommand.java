package io.sightline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sightline replay}: sends a scenario's data to a running server, paced by event time. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replays a folder laid out as inventory/, scans/, telemetry/ into a running server over HTTP:",
            "documents first, then telemetry in event-time order at --speed times real time (0: as fast as accepted)."
        })
final class ReplayCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "folder with inventory/, scans/, telemetry/")
    Path folder;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "URL",
            description = "the server, e.g. http://127.0.0.1:8080/")
    URI to;

    @Option(
            names = "--token",
            paramLabel = "T",
            defaultValue = "${env:SIGHTLINE_TOKEN}",
            description = "an ingest (or operator/admin) token; default: $SIGHTLINE_TOKEN")
    String token;

    @Option(
            names = "--speed",
            defaultValue = "1",
            description = "times real time; 0 sends as fast as the server accepts (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(
            names = "--batch",
            defaultValue = "500",
            description = "most records per request (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--evidence-map",
            paramLabel = "FILE",
            description =
                    "write which file:line each record the server took came from (JSON: {\"ingest/tetragon:1\": \"telemetry/tetragon.jsonl:1\"})")
    Path evidenceMap;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a token is needed: --token T or SIGHTLINE_TOKEN");
        }
        Replayer.Summary summary = new Replayer(to, token, speed, batch, System.err).replay(folder);
        if (evidenceMap != null) {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(evidenceMap.toFile(), summary.evidence());
        }
        int skipped = summary.skippedByServer();
        System.err.printf(
                "replay: %d documents and %d telemetry records sent to %s in %d ms; the server skipped %d %s%n",
                summary.documents(),
                summary.records(),
                to,
                summary.elapsed().toMillis(),
                skipped,
                skipped == 1 ? "record" : "records");
        return 0;
    }
}
