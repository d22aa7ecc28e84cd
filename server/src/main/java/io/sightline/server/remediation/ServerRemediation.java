package io.sightline.server.remediation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.remediation.action.ActionPlanner;
import io.sightline.remediation.action.PlanOptions;
import io.sightline.remediation.action.RemediationAction;
import io.sightline.remediation.action.RemediationPlan;
import io.sightline.remediation.gate.GatePolicy;
import io.sightline.remediation.gate.GateVerdict;
import io.sightline.remediation.gate.ImageGate;
import io.sightline.remediation.kube.ActionOutcome;
import io.sightline.remediation.kube.KubernetesRemediator;
import io.sightline.server.live.EngineLoop;
import io.sightline.server.live.View;
import io.sightline.store.AuditRecord;
import io.sightline.store.AuditStore;
import io.sightline.store.IngestLog;
import io.sightline.store.Principal;
import io.sightline.store.TriageStatus;
import io.sightline.store.TriageStore;
import io.sightline.storyboard.Storyboard;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remediation over the server's live state. A plan is made from the engine's latest view and the
 * storyboard's evidence records read back from the ingest log, exactly as {@code sightline
 * remediate --from DIR} plans from a folder. Execution goes through fabric8 to the cluster the
 * server was started with; each action's outcome is committed to the audit store, under the id of
 * the token that asked, before the next action starts. Callers check the token's role first.
 *
 * <p>Thread safe. Executions run one at a time, so two operators acting on one storyboard see
 * each other's changes as {@code unchanged} instead of racing.
 */
public final class ServerRemediation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerRemediation.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EngineLoop engine;
    private final IngestLog log;
    private final AuditStore audit;
    private final TriageStore triage;
    private final Optional<KubernetesClient> cluster;
    private final Clock clock;
    private final ReentrantLock executing = new ReentrantLock();

    public ServerRemediation(
            EngineLoop engine,
            IngestLog log,
            AuditStore audit,
            TriageStore triage,
            Optional<KubernetesClient> cluster,
            Clock clock) {
        this.engine = requireNonNull(engine, "engine is null");
        this.log = requireNonNull(log, "log is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.triage = requireNonNull(triage, "triage is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Whether a cluster is configured, so that plans can be executed. */
    public boolean canExecute() {
        return cluster.isPresent();
    }

    /** The plan for a storyboard of the current view; empty when there is no such storyboard. */
    public Optional<RemediationPlan> plan(String storyboardId, PlanOptions options) {
        requireNonNull(storyboardId, "storyboardId is null");
        requireNonNull(options, "options is null");
        View view = engine.view();
        return view.storyboard(storyboardId).map(storyboard -> plan(view, storyboard, options));
    }

    /**
     * Executes the chosen actions of a storyboard's plan (every action when none are chosen), in
     * plan order, as {@code by}.
     *
     * @throws RemediationException when the storyboard is unknown, no cluster is configured or a
     *     chosen action is not in the plan; nothing was executed then
     */
    public Execution execute(String storyboardId, PlanOptions options, Optional<Set<String>> chosen, Principal by)
            throws RemediationException {
        requireNonNull(chosen, "chosen is null");
        requireNonNull(by, "by is null");
        KubernetesClient client = cluster.orElseThrow(() -> new RemediationException(
                RemediationException.Reason.NO_CLUSTER,
                "this server was started without --kubeconfig, so it can plan but not execute; restart it with"
                        + " serve --kubeconfig FILE [--context C]"));
        RemediationPlan plan = plan(storyboardId, options)
                .orElseThrow(() -> new RemediationException(
                        RemediationException.Reason.NO_STORYBOARD, "no storyboard " + storyboardId));
        RemediationPlan selected = select(plan, chosen);

        executing.lock();
        try {
            List<AuditRecord> recorded = new ArrayList<>();
            KubernetesRemediator remediator = new KubernetesRemediator(
                    client,
                    (time, operator, storyboard, outcome) -> recorded.add(audit.append(new AuditRecord.Pending(
                            time,
                            by,
                            storyboard,
                            outcome.kind(),
                            outcome.target(),
                            outcome.status().name().toLowerCase(Locale.ROOT),
                            outcome.message(),
                            apiCalls(outcome)))),
                    clock,
                    by.tokenId());
            List<ActionOutcome> outcomes = remediator.execute(selected);
            List<Execution.Step> steps = new ArrayList<>();
            for (int i = 0; i < outcomes.size(); i++) {
                steps.add(new Execution.Step(selected.actions().get(i).id(), outcomes.get(i), recorded.get(i)));
            }
            Execution execution = new Execution(storyboardId, by, steps);
            LOG.info(
                    "Remediation executed storyboard={} token={} actions={} changed={} failed={}",
                    storyboardId,
                    by.tokenId(),
                    steps.size(),
                    execution.changedAnything(),
                    execution.failedAny());
            return execution;
        } finally {
            executing.unlock();
        }
    }

    /** The newest audit records, of one storyboard or of all. */
    public List<AuditRecord> audit(Optional<String> storyboardId, int limit) {
        return audit.newest(storyboardId, limit);
    }

    /**
     * The CI gate over the server's state, counting only open storyboards: one acknowledged or
     * resolved by an operator no longer fails the images it took part in.
     *
     * @throws IllegalArgumentException when the reference cannot be parsed
     */
    public GateVerdict gate(String image, GatePolicy policy) {
        AnalysisResult all = ViewAnalysis.analysis(engine.view());
        Map<String, TriageStatus> statuses = triage.all();
        List<Storyboard> open = all.storyboards().stream()
                .filter(s -> statuses.getOrDefault(s.id(), TriageStatus.OPEN) == TriageStatus.OPEN)
                .toList();
        AnalysisResult analysis = new AnalysisResult(
                all.inventory(),
                all.catalogue(),
                open,
                all.images(),
                all.reports(),
                all.skipped(),
                all.files(),
                all.events(),
                all.lateEvents(),
                all.elapsedMillis());
        return new ImageGate(analysis).evaluate(image, policy);
    }

    /** Each storyboard's triage status; one never set is open. */
    public TriageStatus status(String storyboardId) {
        return triage.status(storyboardId);
    }

    public Map<String, TriageStatus> statuses() {
        return triage.all();
    }

    /**
     * Sets a storyboard's triage status as {@code by} (whose role the caller checked), with an
     * audit record of the change.
     *
     * @throws RemediationException when the server holds no such storyboard; nothing is written then
     */
    public TriageStore.Change triage(String storyboardId, TriageStatus status, Principal by)
            throws RemediationException {
        requireNonNull(status, "status is null");
        requireNonNull(by, "by is null");
        if (engine.view().storyboard(storyboardId).isEmpty()) {
            throw new RemediationException(RemediationException.Reason.NO_STORYBOARD, "no storyboard " + storyboardId);
        }
        TriageStore.Change change = triage.set(storyboardId, status, by, clock.instant());
        LOG.info(
                "Storyboard triaged storyboard={} token={} from={} to={}",
                storyboardId,
                by.tokenId(),
                change.from().label(),
                change.to().label());
        return change;
    }

    @Override
    public void close() {
        cluster.ifPresent(KubernetesClient::close);
    }

    private RemediationPlan plan(View view, Storyboard storyboard, PlanOptions options) {
        return new ActionPlanner(ViewAnalysis.inventory(view))
                .plan(storyboard, LoggedTrail.read(log, storyboard), options);
    }

    private static RemediationPlan select(RemediationPlan plan, Optional<Set<String>> chosen)
            throws RemediationException {
        if (chosen.isEmpty()) {
            return plan;
        }
        Map<String, RemediationAction> byId = plan.actions().stream()
                .collect(Collectors.toMap(RemediationAction::id, Function.identity(), (a, b) -> a));
        Set<String> unknown = new LinkedHashSet<>(chosen.get());
        unknown.removeAll(byId.keySet());
        if (!unknown.isEmpty()) {
            throw new RemediationException(
                    RemediationException.Reason.UNKNOWN_ACTION,
                    "not in the plan of " + plan.storyboardId() + ": " + String.join(", ", unknown) + "; the plan has: "
                            + String.join(", ", byId.keySet()));
        }
        List<RemediationAction> kept = plan.actions().stream()
                .filter(a -> chosen.get().contains(a.id()))
                .toList();
        return new RemediationPlan(plan.storyboardId(), plan.severity(), kept);
    }

    private static String apiCalls(ActionOutcome outcome) {
        ArrayNode calls = JSON.createArrayNode();
        for (ActionOutcome.ApiResponse response : outcome.responses()) {
            calls.addObject()
                    .put("method", response.method())
                    .put("path", response.path())
                    .put("code", response.code())
                    .put("summary", response.summary());
        }
        return calls.toString();
    }
}
