package io.sightline.shiftleft.snyk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.shiftleft.Account;
import io.sightline.shiftleft.AccountPull;
import io.sightline.shiftleft.Connectors;
import io.sightline.shiftleft.Corpus;
import io.sightline.shiftleft.Secret;
import io.sightline.shiftleft.ShiftleftSync;
import io.sightline.shiftleft.StubServer;
import io.sightline.shiftleft.StubServer.Reply;
import io.sightline.shiftleft.StubServer.Request;
import io.sightline.shiftleft.ecr.EcrConnector;
import io.sightline.shiftleft.harbor.HarborConnector;
import io.sightline.shiftleft.http.JsonApi;
import io.sightline.shiftleft.http.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Snyk connector against a stub of the REST API. The issues are the corpus's real {@code GET
 * /orgs/{org}/issues} entries ({@code snyk/snyk_sca_scan_api_many_vuln.json}), each served to the
 * project its {@code relationships.scan_item} names; organisation and project documents follow the
 * JSON:API shapes of Snyk's REST reference (data, attributes.type/name, links.next).
 */
class SnykConnectorTest {

    static final String TOKEN = "snyk-test-token-0f3c";
    static final String ORG = "11111111111-2222-3333333-4444";
    static final String API_PROJECT = "1111111-1111-1111-1111-11111";
    static final String BATCH_PROJECT = "222222-2222-2222-2222-222222222222";
    static final String WORKER_PROJECT = "55555555-5555-5555-5555-5555555555";
    static final String API_PIP_PROJECT = "333333-3333-3333-3333-3333333333";
    static final String WORKER_GO_PROJECT = "44444444-44444-4444-4444-44444444444";

    private final List<Duration> slept = new ArrayList<>();
    private final AtomicBoolean rateLimitedOnce = new AtomicBoolean();
    private StubServer server;

    @BeforeEach
    void start() throws IOException {
        server = new StubServer(this::snyk);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Serves org, two pages of projects (the first answered once with 429), and per-project issue pages. */
    Reply snyk(Request request) {
        if (!request.header("Authorization").equals("token " + TOKEN)) {
            return new Reply(
                    401,
                    Map.of(),
                    "{\"jsonapi\":{\"version\":\"1.0\"},\"errors\":[{\"status\":\"401\","
                            + "\"detail\":\"Unauthorized\"}]}");
        }
        String path = request.path();
        if (path.equals("/rest/orgs/" + ORG)) {
            return Reply.json("{\"jsonapi\":{\"version\":\"1.0\"},\"data\":{\"id\":\"" + ORG + "\",\"type\":\"org\","
                    + "\"attributes\":{\"name\":\"Acme\",\"slug\":\"acme\"}}}");
        }
        if (path.equals("/rest/orgs/" + ORG + "/projects")) {
            if (!request.query().contains("starting_after")) {
                if (rateLimitedOnce.compareAndSet(false, true)) {
                    return new Reply(429, Map.of("Retry-After", "7"), "");
                }
                return Reply.json(page(
                        List.of(
                                project(API_PROJECT, "deb", "docker.io/acme/api:1.4", "target-api"),
                                project(
                                        API_PIP_PROJECT,
                                        "pip",
                                        "docker.io/acme/api:1.4:/app/requirements.txt",
                                        "target-api"),
                                project("npm-1", "npm", "acme/web", "target-web-repo"),
                                project(WORKER_GO_PROJECT, "gomodules", "worker", "target-worker")),
                        "/rest/orgs/" + ORG
                                + "/projects?version=2024-10-15&limit=100&starting_after=v1.eyJpZCI6Mn0%3D"));
            }
            return Reply.json(page(
                    List.of(
                            project(WORKER_PROJECT, "apk", "docker.io/acme/worker:2.0", "target-worker"),
                            project(BATCH_PROJECT, "linux", "docker.io/acme/batch:3", "target-batch")),
                    null));
        }
        if (path.equals("/rest/orgs/" + ORG + "/issues")) {
            if (request.query().contains("scan_item.id=" + BATCH_PROJECT)) {
                return new Reply(
                        500,
                        Map.of(),
                        "{\"jsonapi\":{\"version\":\"1.0\"},\"errors\":[{\"status\":\"500\","
                                + "\"detail\":\"internal server error\"}]}");
            }
            if (request.query().contains("starting_after")) {
                // The last page of a cursor-paged list may be empty: the cursor cannot know there is no more.
                return Reply.json(page(List.of(), null));
            }
            List<JsonNode> issues = new ArrayList<>();
            for (JsonNode issue :
                    Corpus.read("snyk/snyk_sca_scan_api_many_vuln.json").path("data")) {
                String project = issue.path("relationships")
                        .path("scan_item")
                        .path("data")
                        .path("id")
                        .asText();
                if (request.query().contains("scan_item.id=" + project)) {
                    issues.add(issue);
                }
            }
            // Older versions write links.next relative to the API root, without /rest.
            String next = request.query().contains(WORKER_PROJECT)
                    ? "/orgs/" + ORG + "/issues?version=2024-10-15&limit=100&scan_item.id=" + WORKER_PROJECT
                            + "&scan_item.type=project&starting_after=v1.eyJpZCI6MX0%3D"
                    : null;
            return Reply.json(page(issues, next));
        }
        return new Reply(404, Map.of(), "{\"errors\":[{\"status\":\"404\",\"detail\":\"Not Found\"}]}");
    }

    /** A project as Snyk's REST reference gives it: attributes, and the target it is filed under. */
    static JsonNode project(String id, String type, String name, String target) {
        return Corpus.object("{\"id\":\"" + id + "\",\"type\":\"project\",\"attributes\":{\"name\":\"" + name
                + "\",\"type\":\"" + type + "\",\"origin\":\"cli\",\"status\":\"active\"},"
                + "\"relationships\":{\"organization\":{\"data\":{\"id\":\"" + ORG + "\",\"type\":\"org\"}},"
                + "\"target\":{\"data\":{\"id\":\"" + target + "\",\"type\":\"target\"}}}}");
    }

    static String page(List<JsonNode> data, String next) {
        ObjectNode root = Corpus.MAPPER.createObjectNode();
        root.putObject("jsonapi").put("version", "1.0");
        ArrayNode array = root.putArray("data");
        data.forEach(array::add);
        ObjectNode links = root.putObject("links");
        if (next != null) {
            links.put("next", next);
        }
        return root.toString();
    }

    private SnykConnector connector() {
        JsonApi api = new JsonApi(
                new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30)),
                slept::add,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        return new SnykConnector(api, Map.of("SNYK_TOKEN", TOKEN, "OLD_TOKEN", "revoked-token")::get);
    }

    private Account.Snyk account(String name, String variable) {
        return new Account.Snyk(name, ORG, server.uri("/rest"), new Secret.FromEnv(variable));
    }

    @Test
    void pullsEveryContainerProjectAcrossPagesAndKeepsTheOthersWhenOneProjectFails() throws Exception {
        AccountPull pull = connector().pull(account("acme-snyk", "SNYK_TOKEN"));

        assertThat(pull.failure()).isEmpty();
        assertThat(pull.imagesListed())
                .as("deb, apk and linux projects; the npm project is not an image")
                .isEqualTo(3);
        assertThat(pull.reports())
                .extracting(r -> r.name() + " " + r.image().orElseThrow())
                .as("the pip and Go projects inside the api and worker images, pulled under those images")
                .containsExactly(
                        "project-" + API_PROJECT + " docker.io/acme/api:1.4",
                        "project-" + API_PIP_PROJECT + " docker.io/acme/api:1.4",
                        "project-" + WORKER_GO_PROJECT + " docker.io/acme/worker:2.0",
                        "project-" + WORKER_PROJECT + " docker.io/acme/worker:2.0");
        assertThat(server.requests())
                .filteredOn(r -> r.path().endsWith("/issues"))
                .as("the npm project of a source repository is not an image's")
                .noneMatch(r -> r.query().contains("npm-1"));
        assertThat(pull.problems())
                .singleElement()
                .asString()
                .startsWith("project " + BATCH_PROJECT + " (docker.io/acme/batch:3): GET ")
                .contains("HTTP 500 (internal server error)", "other projects kept");
        assertThat(slept)
                .as("the 429 on the first projects page waited Retry-After: 7")
                .containsExactly(Duration.ofSeconds(7));
        assertThat(server.requests())
                .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("token " + TOKEN));
        assertThat(server.requests())
                .filteredOn(r -> r.path().endsWith("/issues"))
                .as("the worker's issues were followed to a second page through a root-relative links.next")
                .filteredOn(r -> r.query().contains(WORKER_PROJECT))
                .hasSize(2);
    }

    @Test
    void pulledIssuesParseWithTheImageTheProjectNames() throws Exception {
        AccountPull pull = connector().pull(account("acme-snyk", "SNYK_TOKEN"));

        ScanReport api = Corpus.parse(pull.reports().get(0)).getFirst();
        assertThat(api.scanner()).isEqualTo("snyk");
        assertThat(api.image().orElseThrow().toString()).isEqualTo("docker.io/acme/api:1.4");
        Finding pillow = api.findings().getFirst();
        assertThat(pillow.id()).isEqualTo("SNYK-PYTHON-PILLOW-6219984");
        assertThat(pillow.pkg().name()).isEqualTo("pillow");
        assertThat(pillow.pkg().version()).isEqualTo("9.5.0");
        assertThat(pillow.severity()).isEqualTo(Severity.HIGH);

        ScanReport apiApplication = Corpus.parse(pull.reports().get(1)).getFirst();
        assertThat(apiApplication.image().orElseThrow().toString()).isEqualTo("docker.io/acme/api:1.4");
        assertThat(apiApplication.findings()).isEmpty();
        assertThat(apiApplication.suppressed())
                .extracting(
                        s -> s.finding().pkg().name() + " " + s.finding().pkg().ecosystem())
                .containsExactly("pillow pip");

        ScanReport worker = Corpus.parse(pull.reports().get(3)).getFirst();
        assertThat(worker.findings()).as("h11's issue is resolved in Snyk").isEmpty();
        assertThat(worker.suppressed()).singleElement().satisfies(s -> {
            assertThat(s.finding().id()).isEqualTo("CVE-2025-43859");
            assertThat(s.status()).isEqualTo("resolved");
        });
    }

    @Test
    void aRejectedTokenFailsItsAccountByNameAndTheNextAccountStillSyncs() throws Exception {
        Connectors connectors = new Connectors(
                connector(),
                new HarborConnector(new JsonApi(RetryPolicy.DEFAULTS, d -> {}, Clock.systemUTC()), v -> null),
                new EcrConnector());

        List<ShiftleftSync.Outcome> outcomes = new ShiftleftSync(connectors)
                .sync(List.of(account("old-snyk", "OLD_TOKEN"), account("acme-snyk", "SNYK_TOKEN")), Optional.empty());

        assertThat(outcomes.get(0).pull().failure())
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("Snyk account old-snyk: the token from $OLD_TOKEN was rejected (HTTP 401;")
                        .contains("(Unauthorized)")
                        .doesNotContain("revoked-token"));
        assertThat(outcomes.get(1).pull().failure()).isEmpty();
        assertThat(outcomes.get(1).pull().reports()).hasSize(4);
    }

    @Test
    void aMissingTokenVariableFailsTheAccountWithoutCallingTheApi() throws Exception {
        Connectors connectors = new Connectors(
                connector(),
                new HarborConnector(new JsonApi(RetryPolicy.DEFAULTS, d -> {}, Clock.systemUTC()), v -> null),
                new EcrConnector());

        AccountPull pull = new ShiftleftSync(connectors)
                .sync(List.of(account("new-snyk", "UNSET_TOKEN")), Optional.empty())
                .getFirst()
                .pull();

        assertThat(pull.failure())
                .hasValue("Snyk account new-snyk: no token: environment variable UNSET_TOKEN is not set or empty");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void anApplicationProjectJoinsTheImageItsNameExtendsAmongSeveralInItsTarget() {
        ImageProjects.Sorted sorted = ImageProjects.sort(List.of(
                project("os-1", "deb", "acme/api:1.4", "t"),
                project("os-2", "deb", "acme/api:1.5", "t"),
                project("jar", "maven", "acme/api:1.5:/app/orders.jar", "t"),
                project("lost", "npm", "somewhere/package.json", "t"),
                project("cli-os", "apk", "docker-image|acme/worker", "cli"),
                project("cli-npm", "npm", "docker-image|acme/worker:/app/package.json", "cli")));

        assertThat(sorted.images()).isEqualTo(3);
        assertThat(sorted.projects())
                .extracting(p -> p.id() + " " + p.image())
                .as("the CLI's docker-image| prefix is not part of the image reference")
                .containsExactly(
                        "os-1 acme/api:1.4",
                        "os-2 acme/api:1.5",
                        "jar acme/api:1.5",
                        "cli-os acme/worker",
                        "cli-npm acme/worker");
        assertThat(sorted.problems())
                .singleElement()
                .asString()
                .startsWith("project lost (somewhere/package.json, npm): its target t holds 2 images");
    }

    @Test
    void nextLinksResolveAgainstTheHostOrTheApiRoot() {
        URI api = URI.create("https://api.snyk.io/rest");
        assertThat(SnykConnector.nextPage(
                        api,
                        Corpus.object("{\"n\":\"/rest/orgs/o/issues?starting_after=x\"}")
                                .get("n")))
                .hasValue(URI.create("https://api.snyk.io/rest/orgs/o/issues?starting_after=x"));
        assertThat(SnykConnector.nextPage(
                        api,
                        Corpus.object("{\"n\":\"/orgs/o/issues?starting_after=x\"}")
                                .get("n")))
                .hasValue(URI.create("https://api.snyk.io/rest/orgs/o/issues?starting_after=x"));
        assertThat(SnykConnector.nextPage(api, Corpus.object("{\"n\":null}").get("n")))
                .isEmpty();
    }
}
