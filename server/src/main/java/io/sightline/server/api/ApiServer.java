package io.sightline.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.staticfiles.Location;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.formats.DocumentParser;
import io.sightline.formats.JsonErrors;
import io.sightline.formats.report.ReportJson;
import io.sightline.remediation.action.PlanOptions;
import io.sightline.remediation.action.RemediationPlan;
import io.sightline.remediation.gate.GatePolicy;
import io.sightline.server.ingest.IngestException;
import io.sightline.server.ingest.IngestService;
import io.sightline.server.ingest.Sensor;
import io.sightline.server.live.EngineLoop;
import io.sightline.server.live.View;
import io.sightline.server.remediation.RemediationException;
import io.sightline.server.remediation.ServerRemediation;
import io.sightline.store.IngestLog;
import io.sightline.store.Principal;
import io.sightline.store.Role;
import io.sightline.store.TokenStore;
import io.sightline.store.TriageStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side: ingest endpoints, the REST API under {@code /api/v1/}, its OpenAPI document and
 * the event stream. Resources are thin: they read the engine's latest {@link View} or hand bodies
 * to {@link IngestService}. Every request needs a bearer token; the route says which roles may
 * use it.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String PRINCIPAL = "sightline.principal";
    private static final String JSON = "application/json";
    /** Set on a request whose error a handler already answered, so the 404 fallback leaves it alone. */
    private static final String ANSWERED = "sightline.answered";
    /** The request's token, kept by {@link #authenticate} for routes that act on it later (the event stream). */
    private static final String TOKEN = "sightline.token";
    /** The largest request body accepted; a larger one gets 413 {@code too_large}. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private static final int RETRY_AFTER_SECONDS = 1;
    private static final String UI_PATH = "/ui";
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";
    private static final int DEFAULT_AUDIT_LIMIT = 200;

    private final EngineLoop engine;
    private final IngestService ingest;
    private final IngestLog log;
    private final TokenStore tokens;
    private final ServerRemediation remediation;
    private final EventStream events;
    private final List<Route> routes = new ArrayList<>();
    private final Instant started = Instant.now();
    private final Javalin app;
    private final SourcesApi sources;

    public ApiServer(
            EngineLoop engine, IngestService ingest, IngestLog log, TokenStore tokens, ServerRemediation remediation) {
        this(engine, ingest, log, tokens, remediation, Optional.empty());
    }

    /** @param sourcesFolder where {@code sources.json} lives, for the {@code /api/v1/sources} routes */
    public ApiServer(
            EngineLoop engine,
            IngestService ingest,
            IngestLog log,
            TokenStore tokens,
            ServerRemediation remediation,
            Optional<Path> sourcesFolder) {
        this.sources = new SourcesApi(sourcesFolder);
        this.engine = requireNonNull(engine, "engine is null");
        this.log = requireNonNull(log, "log is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.events = new EventStream(token -> tokens.verify(token).isPresent());
        this.ingest = requireNonNull(ingest, "ingest is null");
        this.remediation = requireNonNull(remediation, "remediation is null");
        engine.addListener(events::publish);
        this.app = Javalin.create(this::configure);
    }

    /** Starts listening; port 0 picks a free port (see {@link #port()}). */
    public void start(String host, int port) {
        app.start(host, port);
        LOG.info("Listening host={} port={}", host, app.port());
    }

    public int port() {
        return app.port();
    }

    /** The routes registered, as the OpenAPI document lists them. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void close() {
        events.close();
        app.stop();
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.http.maxRequestSize = MAX_REQUEST_BYTES;
        // The UI's static files hold no data: the page asks for a token and sends it with every API call.
        config.staticFiles.add(files -> {
            files.hostedPath = UI_PATH;
            files.directory = "/public";
            files.location = Location.CLASSPATH;
        });
        config.staticFiles.enableWebjars();
        config.routes.before(this::authenticate);
        config.routes.beforeMatched(this::authorize);
        config.routes.exception(ApiException.class, (e, ctx) -> {
            ObjectNode body = ApiJson.error(e.code(), e.getMessage());
            e.skipped().ifPresent(skipped -> ((ObjectNode) body.get("error")).set("skipped", skipped));
            ctx.attribute(ANSWERED, Boolean.TRUE);
            ctx.status(e.status()).contentType(JSON).result(body.toString());
        });
        config.routes.exception(
                EngineLoop.QueueFullException.class,
                (e, ctx) -> ctx.status(429)
                        .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS))
                        .contentType(JSON)
                        .result(ApiJson.error("engine_busy", e.getMessage()).toString()));
        config.routes.error(
                413,
                ctx -> ctx.contentType(JSON)
                        .result(ApiJson.error(
                                        "too_large",
                                        "the request body is over " + MAX_REQUEST_BYTES / (1024 * 1024)
                                                + " MiB; send fewer records per request")
                                .toString()));
        config.routes.error(404, ctx -> {
            if (ctx.attribute(ANSWERED) == null) {
                ctx.contentType(JSON)
                        .result(ApiJson.error("not_found", "no route " + ctx.method() + " " + ctx.path())
                                .toString());
            }
        });

        get(
                config,
                "/api/v1/status",
                Access.READ,
                "Ingest health: log and engine progress, records per stream",
                this::status);
        get(
                config,
                "/api/v1/storyboards",
                Access.READ,
                "Storyboards, most severe first (summaries)",
                this::storyboards);
        get(
                config,
                "/api/v1/storyboards/{id}",
                Access.READ,
                "One storyboard, its full trail and evidence records",
                this::storyboard);
        get(
                config,
                "/api/v1/images",
                Access.READ,
                "Ranked images with the factors behind each score and the fix list",
                this::images);
        get(
                config,
                "/api/v1/findings",
                Access.READ,
                "Scanner findings; ?image=DIGEST and ?severity=LEVEL filter",
                this::findings);
        get(
                config,
                "/api/v1/assets",
                Access.READ,
                "Asset counts",
                ctx -> json(ctx, ApiJson.assetCounts(engine.view())));
        get(
                config,
                "/api/v1/assets/clusters",
                Access.READ,
                "Clusters",
                ctx -> list(ctx, "clusters", engine.view().assets().clusters(), ApiJson::cluster));
        get(
                config,
                "/api/v1/assets/nodes",
                Access.READ,
                "Nodes and hosts",
                ctx -> list(ctx, "nodes", engine.view().assets().hosts(), ApiJson::host));
        get(
                config,
                "/api/v1/assets/workloads",
                Access.READ,
                "Workloads and their pods",
                ctx -> json(
                        ctx,
                        wrap(
                                "workloads",
                                ApiJson.workloads(engine.view().assets().pods()))));
        get(
                config,
                "/api/v1/assets/pods",
                Access.READ,
                "Pods",
                ctx -> list(ctx, "pods", engine.view().assets().pods(), ApiJson::pod));
        get(
                config,
                "/api/v1/assets/containers",
                Access.READ,
                "Containers",
                ctx -> list(ctx, "containers", engine.view().assets().containers(), ApiJson::container));
        get(
                config,
                "/api/v1/assets/images",
                Access.READ,
                "Images known from containers and scan reports",
                ctx -> list(ctx, "images", engine.view().catalogue().entries(), ApiJson::catalogueImage));
        get(
                config,
                "/api/v1/storyboards/{id}/remediation",
                Access.READ,
                "Dry run: the actions planned for a storyboard with their exact Kubernetes API calls;"
                        + " ?force=true, ?allow_dns=true, ?drain=true as for sightline remediate",
                this::remediationPlan);
        routes.add(new Route(
                "POST",
                "/api/v1/storyboards/{id}/remediation",
                Access.OPERATE,
                "Execute the plan (or the actions chosen by id) against the server's cluster, as the calling token;"
                        + " body {\"actions\": [ids], \"force\", \"allow_dns\", \"drain\"}; each action is audited",
                JSON));
        config.routes.post("/api/v1/storyboards/{id}/remediation", this::executeRemediation, Access.OPERATE);
        routes.add(new Route(
                "POST",
                "/api/v1/storyboards/{id}/status",
                Access.OPERATE,
                "Set a storyboard's triage status: body {\"status\": \"open|acknowledged|resolved\"}; audited; the gate"
                        + " counts only open storyboards",
                JSON));
        config.routes.post("/api/v1/storyboards/{id}/status", this::triage, Access.OPERATE);
        get(
                config,
                "/api/v1/audit",
                Access.READ,
                "Executed remediation actions, newest first; ?storyboard=ID and ?limit=N (default 200) filter",
                this::audit);
        get(
                config,
                "/api/v1/gate",
                Access.READ,
                "The CI gate for ?image=REF over the server's storyboards and findings; ?max_severity=S, ?kev=true,"
                        + " ?fixable_only=true, ?allow_unseen=true as for sightline gate; 400 invalid_image for"
                        + " a malformed reference",
                this::gate);
        get(config, "/api/v1/openapi.json", Access.READ, "This document", ctx -> json(ctx, OpenApi.document(routes)));
        routes.add(new Route(
                "GET",
                "/api/v1/events",
                Access.READ,
                "Server-sent events of storyboard changes: created, grew, severity_changed, merged, closed, reopened (send Accept: text/event-stream)",
                "text/event-stream"));
        config.routes.sse(
                "/api/v1/events",
                client ->
                        events.join(client, bearer(client.ctx()), engine.view().appliedSeq()),
                Access.READ);

        for (Sensor sensor : Sensor.values()) {
            post(
                    config,
                    "/api/v1/ingest/" + sensor.path(),
                    Access.INGEST,
                    "Ingest " + sensor.path() + " records",
                    ctx -> acknowledge(ctx, ingest.telemetry(sensor, ctx.body(), idempotencyKey(ctx))));
        }
        post(
                config,
                "/api/v1/ingest/scans",
                Access.INGEST,
                "Upload one scanner report (Trivy, Grype, Snyk JSON); ?name= names it in evidence",
                ctx -> uploadDocument(ctx, DocumentParser.Kind.SCAN));
        post(
                config,
                "/api/v1/ingest/inventory",
                Access.INGEST,
                "Upload one inventory document (kubectl JSON, EC2, EKS, docker inspect); ?name= names it",
                ctx -> uploadDocument(ctx, DocumentParser.Kind.INVENTORY));
        post(
                config,
                "/api/v1/tokens",
                Access.ADMIN,
                "Create a token: {\"role\": \"ingest|viewer|operator|admin\"}; the token is shown once",
                this::createToken);
        get(
                config,
                "/api/v1/sources",
                Access.READ,
                "Discovery sources registered in sources.json: clusters, AWS accounts, Docker hosts (references to"
                        + " credentials, never secrets)",
                sources::list);
        post(
                config,
                "/api/v1/sources",
                Access.ADMIN,
                "Register a source as sightline clusters|accounts|hosts add does: {\"type\": \"cluster\","
                        + " \"name\", \"kubeconfig\": ABSOLUTE_PATH, \"context\"}, {\"type\": \"aws\", \"name\","
                        + " \"profile\", \"roleArn\", \"regions\": [...], \"endpointUrl\"} or {\"type\": \"docker\","
                        + " \"name\", \"docker\": URL}; 409 source_exists for a name in use",
                sources::add);
        delete(config, "/api/v1/sources/{name}", Access.ADMIN, "Unregister the source of this name", sources::remove);
    }

    private void get(JavalinConfig config, String path, Access access, String summary, Handler handler) {
        routes.add(new Route("GET", path, access, summary, JSON));
        config.routes.get(path, handler, access);
    }

    private void delete(JavalinConfig config, String path, Access access, String summary, Handler handler) {
        routes.add(new Route("DELETE", path, access, summary, JSON));
        config.routes.delete(path, handler, access);
    }

    private void post(JavalinConfig config, String path, Access access, String summary, IngestHandler handler) {
        routes.add(new Route("POST", path, access, summary, JSON));
        config.routes.post(
                path,
                ctx -> {
                    try {
                        handler.handle(ctx);
                    } catch (IngestException e) {
                        throw new ApiException(
                                e.status(), e.code(), e.getMessage(), Optional.of(ApiJson.skips(e.skipped())));
                    }
                },
                access);
    }

    private void authenticate(Context ctx) {
        if (isUiAsset(ctx.path())) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthenticated", "a token is required: send Authorization: Bearer <token>");
        }
        String token = header.substring(7).strip();
        Optional<Principal> principal = tokens.authenticate(token);
        if (principal.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            throw new ApiException(401, "invalid_token", "the token is not known to this server");
        }
        ctx.attribute(PRINCIPAL, principal.get());
        ctx.attribute(TOKEN, token);
    }

    private void authorize(Context ctx) {
        if (isUiAsset(ctx.path())) {
            return;
        }
        Principal principal = ctx.attribute(PRINCIPAL);
        if (principal == null) {
            throw new ApiException(401, "unauthenticated", "a token is required: send Authorization: Bearer <token>");
        }
        boolean allowed = ctx.routeRoles().stream()
                .anyMatch(r -> r instanceof Access access && access.grantedTo(principal.role()));
        if (!allowed) {
            throw new ApiException(
                    403,
                    "forbidden",
                    "the " + principal.role().label() + " role may not " + ctx.method() + " " + ctx.path());
        }
    }

    private void status(Context ctx) {
        View view = engine.view();
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        node.put("log_seq", log.lastSeq());
        node.put("applied_seq", view.appliedSeq());
        node.put("replaying_log", engine.replaying());
        node.put("queued", engine.queued());
        node.put("queue_capacity", engine.capacity());
        node.put("events", view.events());
        long seconds = Math.max(1, Duration.between(started, Instant.now()).toSeconds());
        node.put("uptime_seconds", seconds);
        ObjectNode accepted = node.putObject("accepted");
        ingest.accepted().forEach(accepted::put);
        long acceptedTotal =
                ingest.accepted().values().stream().mapToLong(Long::longValue).sum();
        node.put("records_per_second", (double) acceptedTotal / seconds);
        ObjectNode skipped = node.putObject("skipped");
        ingest.skipped().forEach(skipped::put);
        node.put("engine_skipped", view.skipped());
        node.put("storyboards", view.storyboards().size());
        node.put("event_stream_clients", events.clients());
        json(ctx, node);
    }

    private void storyboards(Context ctx) {
        Map<String, TriageStatus> statuses = remediation.statuses();
        list(
                ctx,
                "storyboards",
                engine.view().storyboards(),
                s -> ApiJson.storyboardSummary(s)
                        .put(
                                "status",
                                statuses.getOrDefault(s.id(), TriageStatus.OPEN).label()));
    }

    private void storyboard(Context ctx) {
        String id = ctx.pathParam("id");
        json(
                ctx,
                engine.view()
                        .storyboard(id)
                        .map(s -> ReportJson.storyboard(s)
                                .put("status", remediation.status(id).label()))
                        .orElseThrow(() -> new ApiException(404, "not_found", "no storyboard " + id)));
    }

    private void images(Context ctx) {
        list(ctx, "images", engine.view().images(), ReportJson::image);
    }

    private void findings(Context ctx) {
        View view = engine.view();
        Optional<String> image = Optional.ofNullable(ctx.queryParam("image"));
        Optional<Severity> severity =
                Optional.ofNullable(ctx.queryParam("severity")).map(ApiServer::severity);
        ArrayNode findings = ApiJson.MAPPER.createArrayNode();
        for (ScanReport report : view.reports()) {
            if (image.isPresent()
                    && !report.repoDigests().contains(image.get())
                    && !report.configDigest().equals(image)
                    && !report.image().map(Object::toString).equals(image)) {
                continue;
            }
            for (Finding f : report.findings()) {
                if (severity.isEmpty() || f.severity() == severity.get()) {
                    findings.add(ApiJson.finding(report, f, view.catalogue().isKnownExploited(f)));
                }
            }
        }
        json(ctx, wrap("findings", findings));
    }

    private void uploadDocument(Context ctx, DocumentParser.Kind kind)
            throws IngestException, EngineLoop.QueueFullException {
        String name = Optional.ofNullable(ctx.queryParam("name")).orElse("");
        acknowledge(ctx, ingest.document(kind, name, ctx.body(), idempotencyKey(ctx)));
    }

    private static Optional<String> idempotencyKey(Context ctx) {
        return Optional.ofNullable(ctx.header(IDEMPOTENCY_KEY));
    }

    /** The answer; a retry answered from its idempotency receipt says so in a header. */
    private static void acknowledge(Context ctx, IngestService.Acknowledged acknowledged) {
        if (acknowledged.replayed()) {
            ctx.header(IDEMPOTENT_REPLAYED, "true");
        }
        json(ctx, ApiJson.ingest(acknowledged.result()));
    }

    private void createToken(Context ctx) {
        JsonNode body;
        try {
            body = ApiJson.MAPPER.readTree(ctx.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiException(400, "invalid_json", "expected {\"role\": \"...\"}: " + JsonErrors.describe(e));
        }
        Role role;
        try {
            role = Role.parse(body == null ? "" : body.path("role").asText());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_role", e.getMessage());
        }
        String token = tokens.create(role);
        LOG.info("Token created role={}", role.label());
        ctx.status(201);
        json(ctx, ApiJson.MAPPER.createObjectNode().put("role", role.label()).put("token", token));
    }

    private void remediationPlan(Context ctx) {
        String id = ctx.pathParam("id");
        PlanOptions options = new PlanOptions(flag(ctx, "force"), flag(ctx, "allow_dns"), flag(ctx, "drain"));
        RemediationPlan plan = remediation
                .plan(id, options)
                .orElseThrow(() -> new ApiException(404, "not_found", "no storyboard " + id));
        json(ctx, RemediationJson.plan(plan, options, remediation.canExecute(), ctx.attribute(PRINCIPAL)));
    }

    private void executeRemediation(Context ctx) {
        JsonNode body = ctx.body().isBlank() ? ApiJson.MAPPER.createObjectNode() : readJson(ctx.body());
        PlanOptions options = new PlanOptions(
                body.path("force").asBoolean(false),
                body.path("allow_dns").asBoolean(false),
                body.path("drain").asBoolean(false));
        Optional<Set<String>> chosen = Optional.empty();
        if (body.has("actions")) {
            if (!body.get("actions").isArray()) {
                throw new ApiException(400, "invalid_actions", "\"actions\" must be an array of action ids");
            }
            Set<String> ids = new LinkedHashSet<>();
            body.get("actions").forEach(a -> ids.add(a.asText()));
            chosen = Optional.of(ids);
        }
        try {
            json(
                    ctx,
                    RemediationJson.execution(
                            remediation.execute(ctx.pathParam("id"), options, chosen, ctx.attribute(PRINCIPAL))));
        } catch (RemediationException e) {
            throw switch (e.reason()) {
                case NO_STORYBOARD -> new ApiException(404, "not_found", e.getMessage());
                case NO_CLUSTER -> new ApiException(409, "no_cluster", e.getMessage());
                case UNKNOWN_ACTION -> new ApiException(400, "unknown_action", e.getMessage());
            };
        }
    }

    private void triage(Context ctx) {
        JsonNode body = readJson(ctx.body().isBlank() ? "{}" : ctx.body());
        TriageStatus status;
        try {
            status = TriageStatus.parse(body.path("status").asText(""));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_status", e.getMessage());
        }
        try {
            json(
                    ctx,
                    RemediationJson.triage(remediation.triage(ctx.pathParam("id"), status, ctx.attribute(PRINCIPAL))));
        } catch (RemediationException e) {
            throw new ApiException(404, "not_found", e.getMessage());
        }
    }

    private void audit(Context ctx) {
        int limit = Optional.ofNullable(ctx.queryParam("limit"))
                .map(l -> parseLimit(l))
                .orElse(DEFAULT_AUDIT_LIMIT);
        json(ctx, RemediationJson.audit(remediation.audit(Optional.ofNullable(ctx.queryParam("storyboard")), limit)));
    }

    private void gate(Context ctx) {
        String image = Optional.ofNullable(ctx.queryParam("image"))
                .filter(i -> !i.isBlank())
                .orElseThrow(() -> new ApiException(400, "missing_image", "?image=REF is required"));
        GatePolicy policy = GatePolicy.DEFAULT
                .withKev(flag(ctx, "kev"))
                .withFixableOnly(flag(ctx, "fixable_only"))
                .withAllowUnseen(flag(ctx, "allow_unseen"));
        String max = ctx.queryParam("max_severity");
        if (max != null) {
            Severity severity = Severity.parse(max);
            if (severity == Severity.UNKNOWN || severity == Severity.INFO) {
                throw new ApiException(
                        400,
                        "invalid_severity",
                        "max_severity must be low, medium, high or critical, got '" + max + "'");
            }
            policy = policy.withMaxSeverity(severity);
        }
        try {
            json(ctx, RemediationJson.gate(remediation.gate(image, policy)));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_image", "image " + image + ": " + e.getMessage());
        }
    }

    /** A {@code ?severity=} value: one of the labels, in any case. */
    private static Severity severity(String text) {
        String wanted = text.trim().toLowerCase(java.util.Locale.ROOT);
        return java.util.Arrays.stream(Severity.values())
                .filter(s -> s.label().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new ApiException(
                        400,
                        "invalid_severity",
                        "severity: expected one of critical, high, medium, low, info, unknown, got '" + text + "'"));
    }

    /** The token a request authenticated with, as {@link #authenticate} found it. */
    private static String bearer(Context ctx) {
        return requireNonNull(ctx.attribute(TOKEN), "request was not authenticated");
    }

    private static boolean flag(Context ctx, String name) {
        return Boolean.parseBoolean(ctx.queryParam(name));
    }

    private static int parseLimit(String text) {
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(400, "invalid_limit", "limit must be a whole number of 1 or more, got '" + text + "'");
    }

    private static JsonNode readJson(String body) {
        try {
            JsonNode node = ApiJson.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ApiException(400, "invalid_json", "expected a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiException(400, "invalid_json", "expected a JSON object: " + JsonErrors.describe(e));
        }
    }

    private static boolean isUiAsset(String path) {
        return path.equals(UI_PATH) || path.startsWith(UI_PATH + "/") || path.startsWith("/webjars/");
    }

    private static <T> void list(
            Context ctx, String key, java.util.Collection<T> values, Function<T, ObjectNode> render) {
        ArrayNode array = ApiJson.MAPPER.createArrayNode();
        values.forEach(v -> array.add(render.apply(v)));
        json(ctx, wrap(key, array));
    }

    private static ObjectNode wrap(String key, ArrayNode array) {
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        node.set(key, array);
        return node;
    }

    static void json(Context ctx, JsonNode node) {
        ctx.contentType(JSON).result(node.toString());
    }

    @FunctionalInterface
    private interface IngestHandler {
        void handle(Context ctx) throws IngestException, EngineLoop.QueueFullException;
    }
}
