package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sightline shiftleft} end to end against a stub of Snyk's REST API serving one container
 * project and its corpus issue ({@code snyk/snyk_sca_scan_api_many_vuln.json}): add, list, sync to
 * files, analyze those files, and the user errors that exit 2 with one line.
 */
class ShiftleftCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOKEN = "cli-test-token-77aa";
    private static final String ORG = "11111111111-2222-3333333-4444";
    private static final String PROJECT = "1111111-1111-1111-1111-11111";

    @TempDir
    Path temp;

    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        JsonNode corpus = MAPPER.readTree(
                Path.of(System.getProperty("sightline.corpus"), "shiftleft", "snyk", "snyk_sca_scan_api_many_vuln.json")
                        .toFile());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> answer(exchange, corpus));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange, JsonNode corpus) throws IOException {
        try (exchange) {
            ObjectNode body = MAPPER.createObjectNode();
            body.putObject("jsonapi").put("version", "1.0");
            String path = exchange.getRequestURI().getPath();
            int status = 200;
            if (!("token " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                body.putArray("errors").addObject().put("status", "401").put("detail", "Unauthorized");
            } else if (path.equals("/rest/orgs/" + ORG)) {
                body.putObject("data").put("id", ORG).put("type", "org");
            } else if (path.equals("/rest/orgs/" + ORG + "/projects")) {
                ObjectNode project =
                        body.putArray("data").addObject().put("id", PROJECT).put("type", "project");
                project.putObject("attributes")
                        .put("name", "docker.io/acme/api:1.4")
                        .put("type", "deb");
            } else if (path.equals("/rest/orgs/" + ORG + "/issues")) {
                ArrayNode data = body.putArray("data");
                corpus.path("data").forEach(issue -> {
                    if (issue.at("/relationships/scan_item/data/id").asText().equals(PROJECT)) {
                        data.add(issue);
                    }
                });
            } else {
                status = 404;
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine command = Sightline.commandLine();
            command.setErr(new PrintWriter(err, true));
            status = command.execute(args);
        } finally {
            System.setOut(original);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    private Path addAccount() throws IOException {
        Path data = temp.resolve("data");
        Path tokenFile = temp.resolve("snyk-token");
        Files.writeString(tokenFile, TOKEN + "\n");
        String api = "http://127.0.0.1:" + server.getAddress().getPort() + "/rest";
        Result added = run(
                "shiftleft",
                "add",
                "snyk",
                "acme",
                "--org",
                ORG,
                "--token-file",
                tokenFile.toString(),
                "--api-url",
                api,
                "--data",
                data.toString());
        assertThat(added.status()).as(added.err()).isZero();
        assertThat(added.out()).startsWith("added snyk account acme: org " + ORG + " at " + api + ", token from file ");
        return data;
    }

    @Test
    void addListSyncAndAnalyzeThePulledReports() throws IOException {
        Path data = addAccount();
        Path out = temp.resolve("pulled");

        assertThat(Files.readString(data.resolve("shiftleft/accounts.json"))).doesNotContain(TOKEN);
        assertThat(run("shiftleft", "list", "--data", data.toString()).out()).startsWith("acme\tsnyk\torg " + ORG);

        Result synced = run("shiftleft", "sync", "--data", data.toString(), "--out", out.toString());
        assertThat(synced.status()).isZero();
        assertThat(synced.out())
                .isEqualTo("acme: 1 images scanned, 1 reports pulled, written to " + out.resolve("acme") + "\n"
                        + "  pulled: docker.io/acme/api:1.4 (project-" + PROJECT + ".json)\n");
        Path file = out.resolve("acme").resolve("project-" + PROJECT + ".json");
        assertThat(Files.readString(file))
                .contains("\"sightline_scanner_pull\"")
                .doesNotContain(TOKEN);

        Result analyzed = run("analyze", "--scans", out.toString(), "--format", "json");
        assertThat(analyzed.status()).as(analyzed.err()).isZero();
        JsonNode json = MAPPER.readTree(analyzed.out());
        assertThat(json.path("images").get(0).path("image").asText()).isEqualTo("docker.io/acme/api:1.4");
    }

    @Test
    void analyzeSyncsTheRegisteredAccountsFirst() throws IOException {
        Path data = addAccount();

        Result analyzed = run("analyze", "--scanner-accounts", data.toString(), "--format", "json");

        assertThat(analyzed.status()).as(analyzed.err()).isZero();
        assertThat(MAPPER.readTree(analyzed.out())
                        .path("images")
                        .get(0)
                        .path("image")
                        .asText())
                .isEqualTo("docker.io/acme/api:1.4");
        assertThat(data.resolve("shiftleft/pulled/acme/project-" + PROJECT + ".json"))
                .isRegularFile();
    }

    @Test
    void aScheduledSyncRunsItsBoundedIterations() throws IOException {
        Path data = addAccount();

        Result synced =
                run("shiftleft", "sync", "acme", "--data", data.toString(), "--every", "PT0S", "--iterations", "2");

        assertThat(synced.status()).isZero();
        assertThat(synced.out()).startsWith("sync 1:\nacme: 1 images scanned").contains("\nsync 2:\nacme: 1 images");
    }

    @Test
    void aRejectedTokenIsReportedWithTheAccountAndExitsOne() throws IOException {
        Path data = addAccount();
        Files.writeString(temp.resolve("snyk-token"), "expired\n");

        Result synced = run("shiftleft", "sync", "--data", data.toString());

        assertThat(synced.status()).isEqualTo(1);
        assertThat(synced.out())
                .startsWith("acme: error: Snyk account acme: the token from file ")
                .contains("was rejected (HTTP 401;");
    }

    @Test
    void userErrorsAreOneLineAndExitTwo() throws IOException {
        Path data = addAccount();

        Result removed = run("shiftleft", "remove", "nope", "--data", data.toString());
        assertThat(removed.status()).isEqualTo(2);
        assertThat(removed.err()).isEqualTo("sightline: no scanner account named 'nope' in " + data + "\n");

        Result again = run(
                "shiftleft",
                "add",
                "snyk",
                "acme",
                "--org",
                "o",
                "--token-env",
                "SNYK_TOKEN",
                "--data",
                data.toString());
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.err())
                .isEqualTo(
                        "sightline: a scanner account named 'acme' is already registered; remove it first to replace it\n");

        Result region = run("shiftleft", "add", "ecr", "aws", "--region", "moon", "--data", data.toString());
        assertThat(region.status()).isEqualTo(2);
        assertThat(region.err()).isEqualTo("sightline: --region must be an AWS region such as us-east-1, got 'moon'\n");

        Result empty = run("shiftleft", "sync", "--data", temp.resolve("empty").toString());
        assertThat(empty.status()).isEqualTo(2);
        assertThat(empty.err()).startsWith("sightline: no scanner accounts registered in ");

        assertThat(run("shiftleft", "remove", "acme", "--data", data.toString()).out())
                .isEqualTo("removed scanner account acme\n");
    }
}
