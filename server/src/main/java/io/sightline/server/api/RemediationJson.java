package io.sightline.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.event.SourceRecord;
import io.sightline.remediation.action.ApiRequest;
import io.sightline.remediation.action.PlanOptions;
import io.sightline.remediation.action.RemediationAction;
import io.sightline.remediation.action.RemediationPlan;
import io.sightline.remediation.gate.GateVerdict;
import io.sightline.remediation.kube.ActionOutcome;
import io.sightline.server.remediation.Execution;
import io.sightline.store.AuditRecord;
import io.sightline.store.Principal;
import io.sightline.store.TriageStore;
import java.util.List;
import java.util.Locale;

/** JSON shapes of remediation plans, executions, audit records and gate verdicts. Keys are snake_case. */
final class RemediationJson {

    private RemediationJson() {}

    /**
     * A plan as a dry run: every action with its exact API calls. {@code can_execute} says whether
     * this caller could execute it here (an operator or admin token, and a configured cluster).
     */
    static ObjectNode plan(RemediationPlan plan, PlanOptions options, boolean clusterConfigured, Principal caller) {
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        node.put("storyboard", plan.storyboardId());
        node.put("severity", plan.severity().label());
        node.put("dry_run", true);
        node.put("cluster_configured", clusterConfigured);
        node.put("can_execute", clusterConfigured && Access.OPERATE.grantedTo(caller.role()));
        node.putObject("options")
                .put("force", options.force())
                .put("allow_dns", options.allowDns())
                .put("drain", options.drain());
        ArrayNode actions = node.putArray("actions");
        for (RemediationAction action : plan.actions()) {
            ObjectNode a = actions.addObject();
            a.put("id", action.id());
            a.put("kind", action.kind());
            a.put("target", action.target());
            a.put("why", action.why());
            action.refusal().ifPresent(r -> a.put("refusal", r));
            ArrayNode calls = a.putArray("calls");
            for (ApiRequest call : action.calls()) {
                calls.addObject()
                        .put("method", call.method())
                        .put("path", call.path())
                        .put("body", call.body());
            }
            strings(a.putArray("commands"), action.commands());
            strings(a.putArray("lift"), action.liftCommands());
            ArrayNode evidence = a.putArray("evidence");
            for (SourceRecord record : action.evidence()) {
                evidence.addObject().put("file", record.file()).put("line", record.line());
            }
        }
        return node;
    }

    static ObjectNode execution(Execution execution) {
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        node.put("storyboard", execution.storyboardId());
        node.put("executed_by", execution.by().tokenId());
        node.put("role", execution.by().role().label());
        node.put("changed", execution.changedAnything());
        node.put("failed", execution.failedAny());
        node.put(
                "summary",
                execution.steps().isEmpty()
                        ? "no action was chosen; nothing executed"
                        : execution.changedAnything()
                                ? "the cluster was changed; see each action"
                                : "nothing changed: the cluster was already as the plan wants it (or the actions"
                                        + " are manual or refused)");
        ArrayNode outcomes = node.putArray("outcomes");
        for (Execution.Step step : execution.steps()) {
            ActionOutcome outcome = step.outcome();
            ObjectNode o = outcomes.addObject();
            o.put("id", step.actionId());
            o.put("kind", outcome.kind());
            o.put("target", outcome.target());
            o.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
            o.put("message", outcome.message());
            o.put("audit_id", step.audit().id());
            o.set("api", apiCalls(step.audit()));
        }
        return node;
    }

    static ObjectNode audit(List<AuditRecord> records) {
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        ArrayNode array = node.putArray("audit");
        for (AuditRecord record : records) {
            ObjectNode r = array.addObject();
            r.put("id", record.id());
            r.put("time", record.executedAt().toString());
            r.put("token_id", record.by().tokenId());
            r.put("role", record.by().role().label());
            r.put("storyboard", record.storyboard());
            r.put("action", record.action());
            r.put("target", record.target());
            r.put("status", record.status());
            r.put("message", record.message());
            r.set("api", apiCalls(record));
        }
        return node;
    }

    static ObjectNode triage(TriageStore.Change change) {
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        node.put("storyboard", change.audit().storyboard());
        node.put("from", change.from().label());
        node.put("status", change.to().label());
        node.put("changed", change.changed());
        node.put("by", change.audit().by().tokenId());
        node.put("audit_id", change.audit().id());
        return node;
    }

    static ObjectNode gate(GateVerdict verdict) {
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        node.put("image", verdict.image());
        node.put("passed", verdict.passed());
        node.put("exit_code", verdict.exitCode());
        node.put("match", verdict.match().describe());
        strings(node.putArray("reasons"), verdict.reasons());
        strings(node.putArray("lines"), verdict.lines());
        return node;
    }

    private static JsonNode apiCalls(AuditRecord record) {
        try {
            return ApiJson.MAPPER.readTree(record.apiCalls());
        } catch (JsonProcessingException e) {
            // Written by this server as JSON; an unreadable one is shown as text rather than lost.
            return ApiJson.MAPPER.getNodeFactory().textNode(record.apiCalls());
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
