package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.server.api.ApiServer;
import io.sightline.server.api.Route;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens and roles on every route, and the OpenAPI document listing every route. */
class ApiAccessTest {

    @TempDir
    Path dir;

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(TestServer.storeUrl("sqlite", dir));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyRouteRefusesRequestsWithoutAValidToken() throws Exception {
        List<String> refused = new ArrayList<>();
        for (Route route : server.server.api().routes()) {
            String path = route.path().replace("{id}", "sb-0000000000").replace("{name}", "prod");
            for (String token : new String[] {null, "sl_0123456789ab_wrong", "not-a-token"}) {
                HttpResponse<String> response = server.call(route.method(), path, token);
                assertThat(response.statusCode())
                        .as("%s %s with token %s", route.method(), path, token)
                        .isEqualTo(401);
                refused.add(route.method() + " " + path);
            }
        }
        assertThat(refused).hasSizeGreaterThan(40);
        assertThat(server.get("/api/v1/no-such-route", null).statusCode()).isEqualTo(401);
        assertThat(server.get("/", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theUiShellIsServedWithoutATokenAndHoldsNoData() throws Exception {
        HttpResponse<String> page = server.get("/ui/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Sightline</title>").doesNotContain("sb-");
        assertThat(server.get("/webjars/cytoscape/3.33.1/dist/cytoscape.min.js", null)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void anIngestTokenCanOnlyIngest() throws Exception {
        for (Route route : server.server.api().routes()) {
            String path = route.path().replace("{id}", "sb-0000000000").replace("{name}", "prod");
            int status = server.call(route.method(), path, server.ingest).statusCode();
            if (path.startsWith("/api/v1/ingest/")) {
                assertThat(status).as("%s %s", route.method(), path).isNotIn(401, 403);
            } else {
                assertThat(status).as("%s %s", route.method(), path).isEqualTo(403);
            }
        }
    }

    @Test
    void viewersReadButCannotIngestOrCreateTokens() throws Exception {
        assertThat(server.get("/api/v1/storyboards", server.viewer).statusCode())
                .isEqualTo(200);
        HttpResponse<String> ingest = server.post("/api/v1/ingest/falco", server.viewer, "{}");
        assertThat(ingest.statusCode()).isEqualTo(403);
        assertThat(ingest.body()).contains("\"code\":\"forbidden\"").contains("the viewer role may not POST");
        assertThat(server.post("/api/v1/tokens", server.viewer, "{\"role\":\"admin\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(server.post("/api/v1/tokens", server.operator, "{\"role\":\"admin\"}")
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void onlyOperatorsAndAdminsMayExecuteRemediation() throws Exception {
        String path = "/api/v1/storyboards/sb-0000000000/remediation";
        for (String token : List.of(server.ingest, server.viewer)) {
            HttpResponse<String> refused = server.post(path, token, "{}");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("may not POST " + path);
        }
        for (String token : List.of(server.operator, server.admin)) {
            HttpResponse<String> allowed = server.post(path, token, "{}");
            assertThat(allowed.statusCode()).as("no cluster configured").isEqualTo(409);
            assertThat(allowed.body()).contains("\"code\":\"no_cluster\"", "--kubeconfig");
        }
        JsonNode document = server.getJson("/api/v1/openapi.json");
        assertThat(document.path("paths")
                        .path("/api/v1/storyboards/{id}/remediation")
                        .path("post")
                        .path("description")
                        .asText())
                .isEqualTo("Token roles allowed: admin, operator.");
        assertThat(document.path("paths").has("/api/v1/audit")).isTrue();
        assertThat(document.path("paths").has("/api/v1/gate")).isTrue();
    }

    @Test
    void adminsCreateTokensThatWorkAtOnce() throws Exception {
        HttpResponse<String> created = server.post("/api/v1/tokens", server.admin, "{\"role\":\"viewer\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String token = TestServer.JSON.readTree(created.body()).path("token").asText();
        assertThat(server.get("/api/v1/status", token).statusCode()).isEqualTo(200);
        assertThat(server.post("/api/v1/tokens", server.admin, "{\"role\":\"root\"}")
                        .body())
                .contains("unknown role 'root': expected one of ingest, viewer, operator, admin");
    }

    @Test
    void errorsSayWhatWasWrongAsJson() throws Exception {
        HttpResponse<String> unknown = server.get("/api/v1/storyboards/sb-nope", server.viewer);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"not_found\"", "no storyboard sb-nope");

        HttpResponse<String> noRoute = server.get("/api/v1/no-such-route", server.viewer);
        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(noRoute.body()).contains("no route GET /api/v1/no-such-route");

        HttpResponse<String> bogus = server.get("/api/v1/findings?severity=bogus", server.viewer);
        assertThat(bogus.statusCode()).isEqualTo(400);
        assertThat(bogus.body())
                .contains(
                        "\"code\":\"invalid_severity\"",
                        "expected one of critical, high, medium, low," + " info, unknown, got 'bogus'");
        assertThat(server.get("/api/v1/findings?severity=CRITICAL", server.viewer)
                        .statusCode())
                .isEqualTo(200);

        String tooLarge = "x".repeat(ApiServer.MAX_REQUEST_BYTES + 1);
        HttpResponse<String> large = server.post("/api/v1/ingest/tetragon", server.ingest, tooLarge);
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(large.body()).contains("\"code\":\"too_large\"");
    }

    @Test
    void openApiListsEveryRoute() throws Exception {
        JsonNode document = server.getJson("/api/v1/openapi.json");
        assertThat(document.path("openapi").asText()).startsWith("3.");
        for (Route route : server.server.api().routes()) {
            assertThat(document.path("paths")
                            .path(route.path())
                            .has(route.method().toLowerCase(java.util.Locale.ROOT)))
                    .as("%s %s in openapi.json", route.method(), route.path())
                    .isTrue();
        }
        assertThat(document.path("paths").size()).isGreaterThanOrEqualTo(20);
        assertThat(document.path("paths").has("/api/v1/events")).isTrue();
        assertThat(document.path("paths").has("/api/v1/storyboards/{id}")).isTrue();
    }
}
