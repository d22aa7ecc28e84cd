package io.sightline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sightline.event.SourceRecord;
import io.sightline.remediation.action.ActionPlanner;
import io.sightline.remediation.action.ApiRequest;
import io.sightline.remediation.action.PlanOptions;
import io.sightline.remediation.action.RemediationAction;
import io.sightline.remediation.action.RemediationPlan;
import io.sightline.remediation.action.TrailEvents;
import io.sightline.remediation.kube.ActionOutcome;
import io.sightline.remediation.kube.AuditLog;
import io.sightline.remediation.kube.KubernetesRemediator;
import io.sightline.storyboard.Storyboard;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sightline remediate}: the runtime response to one storyboard, dry run by default. */
@Command(
        name = "remediate",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the actions for a storyboard with the exact Kubernetes API calls (dry run, the default).",
            "--execute carries them out with fabric8 against --kubeconfig/--context, as --operator, appending one"
                    + " JSON line per action to --audit-log. Running it twice changes nothing the second time.",
            "The operator name is recorded, not verified. With --server URL --token T the plan comes from a running"
                    + " server and --execute runs it there, against the server's cluster, as the token (operator or"
                    + " admin); the server keeps the audit records."
        })
final class RemediateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "STORYBOARD_ID", description = "e.g. sb-4534205025")
    String storyboardId;

    @Option(names = "--from", paramLabel = "DIR", description = "analysed folder: inventory/, scans/, telemetry/")
    Path from;

    @Option(names = "--dry-run", description = "list the actions and API calls (the default)")
    boolean dryRun;

    @Option(names = "--execute", description = "carry the actions out")
    boolean execute;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig for --execute")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "C", description = "kubeconfig context for --execute")
    String context;

    @Option(names = "--operator", paramLabel = "NAME", description = "who executes (required with --execute)")
    String operator;

    @Option(
            names = "--audit-log",
            paramLabel = "FILE",
            defaultValue = "sightline-audit.jsonl",
            description = "audit records, one JSON line per action (default: ${DEFAULT-VALUE})")
    Path auditLog;

    @Option(
            names = "--force",
            description = "delete bare pods too (nothing recreates them), and act on kube-system and the other"
                    + " system namespaces")
    boolean force;

    @Option(names = "--allow-dns", description = "leave DNS to kube-dns open through the isolation policy")
    boolean allowDns;

    @Option(names = "--drain", description = "evict the pods of cordoned nodes")
    boolean drain;

    @Option(names = "--server", paramLabel = "URL", description = "a running server instead of --from")
    URI server;

    @Option(
            names = "--token",
            paramLabel = "T",
            defaultValue = "${env:SIGHTLINE_TOKEN}",
            description = "a token for --server (operator or admin to --execute); default: $SIGHTLINE_TOKEN")
    String token;

    @Override
    public Integer call() {
        if (execute && dryRun) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dry-run and --execute exclude each other");
        }
        if (server != null) {
            return throughServer();
        }
        if (execute) {
            requireExecutionOptions();
        }
        FolderAnalysis analysis = FolderAnalysis.of(spec.commandLine(), from, null);
        Storyboard storyboard = analysis.result().storyboards().stream()
                .filter(s -> s.id().equals(storyboardId))
                .findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(),
                        "no storyboard " + storyboardId + " in " + from + "; found "
                                + String.join(
                                        ", ",
                                        analysis.result().storyboards().stream()
                                                .map(Storyboard::id)
                                                .toList())));
        RemediationPlan plan = new ActionPlanner(analysis.result().inventory())
                .plan(
                        storyboard,
                        TrailEvents.read(from, analysis.inputs(), storyboard),
                        new PlanOptions(force, allowDns, drain));
        PrintWriter out = spec.commandLine().getOut();
        if (!execute) {
            printPlan(plan, out);
            out.flush();
            return 0;
        }
        List<ActionOutcome> outcomes;
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(context, kubeconfig.toFile()))
                .build()) {
            outcomes =
                    new KubernetesRemediator(client, new AuditLog(auditLog), Clock.systemUTC(), operator).execute(plan);
        }
        outcomes.forEach(o -> out.println(o.status().name().toLowerCase(java.util.Locale.ROOT) + "  " + o.kind() + " "
                + o.target() + ": " + o.message()));
        out.println("audit: " + outcomes.size() + " record(s) appended to " + auditLog);
        out.flush();
        return outcomes.stream().anyMatch(o -> o.status() == ActionOutcome.Status.FAILED) ? 1 : 0;
    }

    private int throughServer() {
        if (from != null || kubeconfig != null || context != null || operator != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--server excludes --from, --kubeconfig, --context and --operator: the server acts on its own"
                            + " cluster (serve --kubeconfig), as the token, and keeps the audit records");
        }
        ServerClient client = new ServerClient(server, token);
        String path = "api/v1/storyboards/" + ServerClient.encode(storyboardId) + "/remediation";
        PrintWriter out = spec.commandLine().getOut();
        if (!execute) {
            printPlan(client.get(path + "?force=" + force + "&allow_dns=" + allowDns + "&drain=" + drain), out);
            out.flush();
            return 0;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("force", force).put("allow_dns", allowDns).put("drain", drain);
        JsonNode execution;
        try {
            execution = client.post(path, body);
        } catch (ServerClient.Refused e) {
            if (e.status() == 403) {
                throw new IllegalArgumentException(
                        e.getMessage() + "; executing remediation needs an operator or admin token", e);
            }
            throw e;
        }
        for (JsonNode o : execution.path("outcomes")) {
            out.println(o.path("status").asText() + "  " + o.path("kind").asText() + " "
                    + o.path("target").asText() + ": " + o.path("message").asText());
        }
        out.println(execution.path("summary").asText());
        out.println("audit: " + execution.path("outcomes").size() + " record(s) kept by the server as token "
                + execution.path("executed_by").asText() + " (GET /api/v1/audit)");
        out.flush();
        return execution.path("failed").asBoolean() ? 1 : 0;
    }

    /** The server's plan, printed as the folder mode prints its own. */
    static void printPlan(JsonNode plan, PrintWriter out) {
        JsonNode actions = plan.path("actions");
        out.println("DRY RUN for " + plan.path("storyboard").asText() + " ("
                + plan.path("severity").asText() + "): "
                + actions.size() + " action(s); nothing is changed without --execute"
                + (plan.path("cluster_configured").asBoolean()
                        ? ""
                        : " (and this server has no cluster to execute in)"));
        int n = 1;
        for (JsonNode action : actions) {
            out.println();
            out.println(n++ + ". " + action.path("kind").asText() + " "
                    + action.path("target").asText());
            out.println("   why: " + action.path("why").asText());
            if (action.has("refusal")) {
                out.println("   " + action.path("refusal").asText());
            }
            for (JsonNode call : action.path("calls")) {
                String callBody = call.path("body").asText();
                out.println("   " + call.path("method").asText() + " "
                        + call.path("path").asText() + (callBody.isEmpty() ? "" : "  " + callBody));
            }
            action.path("commands").forEach(c -> out.println("   $ " + c.asText()));
            List<String> lift = new ArrayList<>();
            action.path("lift").forEach(l -> lift.add(l.asText()));
            if (!lift.isEmpty()) {
                out.println("   lift: " + String.join(" && ", lift));
            }
            List<String> evidence = new ArrayList<>();
            action.path("evidence")
                    .forEach(e -> evidence.add(
                            e.path("file").asText() + ":" + e.path("line").asInt()));
            if (!evidence.isEmpty()) {
                out.println("   evidence: " + String.join(", ", evidence));
            }
        }
    }

    private void requireExecutionOptions() {
        if (operator == null || operator.isBlank()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--execute needs --operator NAME: every action is recorded with who ran it");
        }
        if (kubeconfig == null || !Files.isRegularFile(kubeconfig)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--execute needs --kubeconfig FILE (an existing kubeconfig)");
        }
    }

    static void printPlan(RemediationPlan plan, PrintWriter out) {
        out.println(
                "DRY RUN for " + plan.storyboardId() + " (" + plan.severity().label() + "): "
                        + plan.actions().size() + " action(s); nothing is changed without --execute");
        int n = 1;
        for (RemediationAction action : plan.actions()) {
            out.println();
            out.println(n++ + ". " + action.kind() + " " + action.target());
            out.println("   why: " + action.why());
            action.refusal().ifPresent(r -> out.println("   " + r));
            for (ApiRequest call : action.calls()) {
                out.println("   " + call);
            }
            action.commands().forEach(c -> out.println("   $ " + c));
            if (!action.liftCommands().isEmpty()) {
                out.println("   lift: " + String.join(" && ", action.liftCommands()));
            }
            if (!action.evidence().isEmpty()) {
                out.println("   evidence: "
                        + String.join(
                                ", ",
                                action.evidence().stream()
                                        .map(SourceRecord::toString)
                                        .toList()));
            }
        }
    }
}
