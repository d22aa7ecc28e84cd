package io.sightline.shiftleft.harbor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.shiftleft.Account;
import io.sightline.shiftleft.AccountFailure;
import io.sightline.shiftleft.AccountPull;
import io.sightline.shiftleft.Corpus;
import io.sightline.shiftleft.Secret;
import io.sightline.shiftleft.StubServer;
import io.sightline.shiftleft.StubServer.Reply;
import io.sightline.shiftleft.StubServer.Request;
import io.sightline.shiftleft.http.JsonApi;
import io.sightline.shiftleft.http.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Harbor connector against a stub of the v2.0 API: projects paged by a {@code Link} header,
 * repositories (one with a slash, addressed double-encoded), artifacts with tags, and the corpus's
 * real vulnerability reports ({@code harbor/harbor-trivy-vuln.json}, report 1.1 naming its artifact
 * digest; {@code harbor/harbor-5-vuln.json}, report 1.0 naming nothing).
 */
class HarborConnectorTest {

    static final String DEBIAN = "sha256:711103cfce07dc03d61f51e819fad7d6fbbad20fc99caa039cc8da77e7a1c51b";
    static final String WEB = "sha256:" + "ab".repeat(32);
    static final String UNSCANNED = "sha256:" + "cd".repeat(32);
    static final String BASIC =
            "Basic " + Base64.getEncoder().encodeToString("robot$ci:harbor-pw-91".getBytes(StandardCharsets.UTF_8));

    static final String BASE = "/api/v2.0";

    private StubServer server;

    @BeforeEach
    void start() throws IOException {
        server = new StubServer(this::harbor);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Reply harbor(Request request) {
        if (!request.header("Authorization").equals(BASIC)) {
            return new Reply(401, Map.of(), "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"unauthorized\"}]}");
        }
        String path = request.path();
        if (path.equals(
                BASE + "/projects/library/repositories/debian/artifacts/" + DEBIAN + "/additions/vulnerabilities")) {
            return Reply.json(Corpus.read("harbor/harbor-trivy-vuln.json").toString());
        }
        if (path.equals(
                BASE + "/projects/team/repositories/apps%252Fweb/artifacts/" + WEB + "/additions/vulnerabilities")) {
            return Reply.json(Corpus.read("harbor/harbor-5-vuln.json").toString());
        }
        return switch (path) {
            case BASE + "/projects" ->
                request.query().contains("page=2")
                        ? Reply.json("[{\"project_id\":2,\"name\":\"team\"}]")
                        : new Reply(
                                200,
                                Map.of("Link", "<" + BASE + "/projects?page=2&page_size=100>; rel=\"next\""),
                                "[{\"project_id\":1,\"name\":\"library\"}]");
            case BASE + "/projects/library/repositories" -> Reply.json("[{\"id\":1,\"name\":\"library/debian\"}]");
            case BASE + "/projects/team/repositories" -> Reply.json("[{\"id\":2,\"name\":\"team/apps/web\"}]");
            case BASE + "/projects/library/repositories/debian/artifacts" ->
                Reply.json("[{\"type\":\"IMAGE\",\"digest\":\"" + DEBIAN + "\",\"tags\":[{\"name\":\"bullseye\"}]}]");
            case BASE + "/projects/team/repositories/apps%252Fweb/artifacts" ->
                Reply.json("[{\"type\":\"IMAGE\","
                        + "\"digest\":\"" + WEB + "\",\"tags\":[{\"name\":\"2.1\"}]},{\"type\":\"IMAGE\",\"digest\":\""
                        + UNSCANNED + "\",\"tags\":null},{\"type\":\"CHART\",\"digest\":\"sha256:" + "ef".repeat(32)
                        + "\",\"tags\":[{\"name\":\"0.1.0\"}]}]");
            default -> new Reply(404, Map.of(), "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"not found\"}]}");
        };
    }

    private HarborConnector connector() {
        return new HarborConnector(
                new JsonApi(RetryPolicy.DEFAULTS, d -> {}, Clock.systemUTC()),
                Map.of("HARBOR_PASSWORD", "harbor-pw-91", "STALE", "old-pw")::get);
    }

    private Account.Harbor account(String variable) {
        return new Account.Harbor("registry", server.uri(""), "robot$ci", new Secret.FromEnv(variable));
    }

    @Test
    void pullsEveryImageArtifactOfEveryProjectAndNamesTheUnscannedOne() throws Exception {
        AccountPull pull = connector().pull(account("HARBOR_PASSWORD"));

        assertThat(pull.imagesListed())
                .as("two projects, three image artifacts; the chart is not an image")
                .isEqualTo(3);
        assertThat(pull.reports())
                .extracting(r -> r.image().orElseThrow())
                .containsExactly(
                        server.authority() + "/library/debian:bullseye", server.authority() + "/team/apps/web:2.1");
        assertThat(pull.problems())
                .singleElement()
                .asString()
                .isEqualTo("artifact " + server.authority() + "/team/apps/web@" + UNSCANNED + " (" + UNSCANNED
                        + "): no vulnerability report (HTTP 404: not scanned yet); other artifacts kept");
        assertThat(server.requests())
                .filteredOn(r -> r.path().endsWith("/additions/vulnerabilities"))
                .allSatisfy(r -> assertThat(r.header("X-Accept-Vulnerabilities"))
                        .startsWith("application/vnd.security.vulnerability.report; version=1.1"));
    }

    @Test
    void reportsParseWithTheirArtifactIdentityIncludingTheOneThatNamesNone() throws Exception {
        AccountPull pull = connector().pull(account("HARBOR_PASSWORD"));

        ScanReport debian = Corpus.parse(pull.reports().get(0)).getFirst();
        assertThat(debian.scanner()).isEqualTo("harbor");
        assertThat(debian.repoDigests()).containsExactly(DEBIAN);
        assertThat(debian.findings())
                .extracting(f -> f.id() + " " + f.pkg().name() + " " + f.pkg().version())
                .containsExactly(
                        "CVE-2022-1304 e2fsprogs 1.46.2-2",
                        "CVE-2019-1010023 libc6 2.31-13+deb11u3",
                        "CVE-2019-1010024 libc6 2.31-13+deb11u3");
        assertThat(debian.findings().getFirst().severity()).isEqualTo(Severity.HIGH);

        ScanReport web = Corpus.parse(pull.reports().get(1)).getFirst();
        assertThat(web.image().orElseThrow().repository()).isEqualTo("team/apps/web");
        assertThat(web.repoDigests())
                .as("the 1.0 report names no artifact: the connector does")
                .containsExactly(WEB);
        assertThat(web.findings()).hasSize(5);
        assertThat(web.findings().get(3).id()).isEqualTo("CVE-YYYY-004");
        assertThat(web.findings().get(3).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(web.findings().get(3).fixedVersion()).hasValue("unexploitable-version-4");
    }

    @Test
    void aRejectedPasswordFailsTheAccountNamingItButNotThePassword() {
        Assertions.assertThatThrownBy(() -> connector().pull(account("STALE")))
                .isInstanceOf(AccountFailure.class)
                .hasMessageStartingWith(
                        "Harbor account registry: user robot$ci with the password from $STALE was rejected (HTTP 401)")
                .hasMessageContaining("(unauthorized)")
                .hasMessageNotContaining("old-pw");
    }
}
