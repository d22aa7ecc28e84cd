package io.sightline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sightline triage}: sets a storyboard's triage status on a running server. */
@Command(
        name = "triage",
        mixinStandardHelpOptions = true,
        description = {
            "Sets a storyboard's triage status on a running server: open, acknowledged or resolved.",
            "Only operator and admin tokens may; the server keeps an audit record of each change, and its gate"
                    + " counts only open storyboards."
        })
final class TriageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STORYBOARD_ID")
    String storyboardId;

    @Option(names = "--status", required = true, paramLabel = "S", description = "open, acknowledged or resolved")
    String status;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "the running server")
    URI server;

    @Option(
            names = "--token",
            paramLabel = "T",
            defaultValue = "${env:SIGHTLINE_TOKEN}",
            description = "an operator or admin token; default: $SIGHTLINE_TOKEN")
    String token;

    @Override
    public Integer call() {
        ServerClient client = new ServerClient(server, token);
        JsonNode answer;
        try {
            answer = client.post(
                    "api/v1/storyboards/" + ServerClient.encode(storyboardId) + "/status",
                    JsonNodeFactory.instance.objectNode().put("status", status));
        } catch (ServerClient.Refused e) {
            if (e.status() == 403) {
                throw new IllegalArgumentException(
                        e.getMessage() + "; setting a triage status needs an operator or admin token", e);
            }
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(answer.path("storyboard").asText() + ": "
                + (answer.path("changed").asBoolean()
                        ? answer.path("from").asText() + " -> "
                                + answer.path("status").asText()
                        : "already " + answer.path("status").asText())
                + " (audit record " + answer.path("audit_id").asText() + ")");
        out.flush();
        return 0;
    }
}
