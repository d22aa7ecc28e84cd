package io.sightline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.finding.Severity;
import io.sightline.remediation.gate.GatePolicy;
import io.sightline.remediation.gate.GateVerdict;
import io.sightline.remediation.gate.ImageGate;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sightline gate}: a CI step that fails for images under attack or above a findings policy. */
@Command(
        name = "gate",
        mixinStandardHelpOptions = true,
        subcommands = {ExportKyvernoCommand.class},
        description = {
            "Exits 1 when the image is implicated in an open storyboard (medium or above) or carries findings"
                    + " above the policy, or is not seen at all (no scan report, no running container; see"
                    + " --allow-unseen), printing each reason on a line; exits 0 with one 'pass' line otherwise;"
                    + " exits 2 on usage errors, a malformed reference among them.",
            "A digest (sha256:... or REF@sha256:...) is matched exactly; a tag is resolved through the inventory"
                    + " and scan reports of DIR and reported as a weaker match.",
            "With --server URL --token T the verdict comes from a running server's storyboards and findings"
                    + " (every storyboard it holds counts as open); exit codes are the same."
        })
final class GateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--image", paramLabel = "REF", description = "image digest or reference to check")
    String image;

    @Option(names = "--from", paramLabel = "DIR", description = "analysed folder: inventory/, scans/, telemetry/")
    Path from;

    @Option(
            names = "--max-severity",
            paramLabel = "S",
            description = "highest finding severity allowed: low, medium, high or critical (default: findings"
                    + " alone do not fail)")
    String maxSeverity;

    @Option(names = "--kev", description = "fail on any finding in CISA's KEV catalogue")
    boolean kev;

    @Option(names = "--fixable-only", description = "count only findings with a fixed version")
    boolean fixableOnly;

    @Option(
            names = "--allow-unseen",
            description = "pass an image that no scan report or running container names (default: it fails, since"
                    + " nothing says it is safe and the reference may be mistyped)")
    boolean allowUnseen;

    @Option(names = "--kev-file", paramLabel = "FILE", description = "KEV catalogue JSON (default: the bundled copy)")
    Path kevFile;

    @Option(names = "--server", paramLabel = "URL", description = "a running server instead of --from")
    URI server;

    @Option(
            names = "--token",
            paramLabel = "T",
            defaultValue = "${env:SIGHTLINE_TOKEN}",
            description = "a viewer, operator or admin token for --server; default: $SIGHTLINE_TOKEN")
    String token;

    @Override
    public Integer call() {
        if (image == null || image.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--image REF is required");
        }
        GatePolicy policy =
                GatePolicy.DEFAULT.withKev(kev).withFixableOnly(fixableOnly).withAllowUnseen(allowUnseen);
        if (maxSeverity != null) {
            policy = policy.withMaxSeverity(severity(maxSeverity));
        }
        if (server != null) {
            return fromServer(policy);
        }
        FolderAnalysis analysis = FolderAnalysis.of(spec.commandLine(), from, kevFile);
        GateVerdict verdict;
        try {
            verdict = new ImageGate(analysis.result()).evaluate(image, policy);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--image " + image + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        verdict.lines().forEach(out::println);
        out.flush();
        return verdict.exitCode();
    }

    private int fromServer(GatePolicy policy) {
        if (from != null || kevFile != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--server excludes --from and --kev-file (the server uses the catalogue it was started with)");
        }
        StringBuilder query = new StringBuilder("api/v1/gate?image=").append(ServerClient.encode(image));
        policy.maxSeverity().ifPresent(s -> query.append("&max_severity=").append(s.label()));
        query.append("&kev=").append(policy.kev()).append("&fixable_only=").append(policy.fixableOnly());
        query.append("&allow_unseen=").append(policy.allowUnseen());
        JsonNode verdict = new ServerClient(server, token).get(query.toString());
        PrintWriter out = spec.commandLine().getOut();
        verdict.path("lines").forEach(line -> out.println(line.asText()));
        out.flush();
        return verdict.path("passed").asBoolean() ? GateVerdict.PASS : GateVerdict.FAIL;
    }

    private Severity severity(String text) {
        Severity parsed = Severity.parse(text);
        if (parsed == Severity.UNKNOWN || parsed == Severity.INFO) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--max-severity must be low, medium, high or critical, got '" + text + "'");
        }
        return parsed;
    }
}
