package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.discovery.sources.RegisteredSource;
import io.sightline.discovery.sources.SourceRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registering discovery sources through {@code /api/v1/sources}: the same sources.json the CLI writes. */
class SourcesApiTest {

    private static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster:
                server: https://10.0.0.1:6443
            users:
            - name: reader
              user:
                tokenFile: /var/run/secrets/reader-token
            contexts:
            - name: prod-reader
              context:
                cluster: prod
                user: reader
            current-context: prod-reader
            """;

    @TempDir
    Path dir;

    private Path data;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        data = dir.resolve("data");
        server = TestServer.start(
                TestServer.config(TestServer.storeUrl("sqlite", dir), 1000).withSources(data));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anAdminRegistersEachKindAndTheRegistryFileHoldsThem() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig.yaml"), KUBECONFIG);

        HttpResponse<String> cluster = server.post(
                "/api/v1/sources",
                server.admin,
                "{\"type\": \"cluster\", \"name\": \"prod\", \"kubeconfig\": \"" + kubeconfig + "\"}");
        HttpResponse<String> account = server.post(
                "/api/v1/sources",
                server.admin,
                "{\"type\": \"aws\", \"name\": \"payments\", \"roleArn\": \"arn:aws:iam::111122223333:role/reader\","
                        + " \"regions\": [\"us-east-1\", \"eu-west-1\"]}");
        HttpResponse<String> host = server.post(
                "/api/v1/sources",
                server.admin,
                "{\"type\": \"docker\", \"name\": \"build-01\", \"docker\": \"tcp://10.0.0.9:2375\"}");

        assertThat(List.of(cluster.statusCode(), account.statusCode(), host.statusCode()))
                .containsOnly(201);
        assertThat(SourceRegistry.load(data).sources())
                .containsExactly(
                        new RegisteredSource.Cluster("prod", kubeconfig, Optional.empty()),
                        new RegisteredSource.AwsAccount(
                                "payments",
                                Optional.empty(),
                                Optional.of("arn:aws:iam::111122223333:role/reader"),
                                List.of("us-east-1", "eu-west-1"),
                                Optional.empty()),
                        new RegisteredSource.DockerHost("build-01", URI.create("tcp://10.0.0.9:2375")));
        JsonNode listed = TestServer.JSON.readTree(
                server.get("/api/v1/sources", server.viewer).body());
        assertThat(listed.path("sources").findValuesAsText("name")).containsExactly("prod", "payments", "build-01");
        assertThat(listed.path("sources").get(1).path("describe").asText())
                .isEqualTo("default credential chain, assumes arn:aws:iam::111122223333:role/reader,"
                        + " regions us-east-1,eu-west-1");
    }

    @Test
    void badSourcesAreRefusedWithTheReasonAndNothingIsWritten() throws Exception {
        HttpResponse<String> missing = server.post(
                "/api/v1/sources",
                server.admin,
                "{\"type\": \"cluster\", \"name\": \"prod\", \"kubeconfig\": \"" + dir.resolve("nope.yaml") + "\"}");
        HttpResponse<String> badName = server.post(
                "/api/v1/sources",
                server.admin,
                "{\"type\": \"docker\", \"name\": \"Prod!\", \"docker\": \"tcp://h:1\"}");
        HttpResponse<String> badType =
                server.post("/api/v1/sources", server.admin, "{\"type\": \"gcp\", \"name\": \"x\"}");
        HttpResponse<String> notJson = server.post("/api/v1/sources", server.admin, "[1]");
        HttpResponse<String> badPort = server.post(
                "/api/v1/sources",
                server.admin,
                "{\"type\": \"docker\", \"name\": \"d\", \"docker\": \"tcp://h:99999\"}");

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("invalid_source", "nope.yaml: no such file");
        assertThat(badName.body()).contains("invalid_source", "source name 'Prod!' must be lower-case letters");
        assertThat(badType.body()).contains("unknown source type 'gcp': expected cluster, aws or docker");
        assertThat(notJson.body()).contains("invalid_json");
        assertThat(badPort.body()).contains("invalid_source", "must be unix:///path/to/docker.sock or tcp://host:port");
        assertThat(Files.exists(data.resolve(SourceRegistry.FILE))).isFalse();
    }

    @Test
    void aNameInUseIsRefusedAndRemovalTakesTheSourceOut() throws Exception {
        String host = "{\"type\": \"docker\", \"name\": \"build-01\", \"docker\": \"unix:///var/run/docker.sock\"}";
        assertThat(server.post("/api/v1/sources", server.admin, host).statusCode())
                .isEqualTo(201);

        HttpResponse<String> again = server.post("/api/v1/sources", server.admin, host);
        HttpResponse<String> removed = server.delete("/api/v1/sources/build-01", server.admin);
        HttpResponse<String> unknown = server.delete("/api/v1/sources/build-01", server.admin);

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("source_exists");
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(SourceRegistry.load(data).sources()).isEmpty();
    }

    @Test
    void onlyAdminsChangeTheRegistry() throws Exception {
        String host = "{\"type\": \"docker\", \"name\": \"build-01\", \"docker\": \"tcp://10.0.0.9:2375\"}";
        for (String token : List.of(server.ingest, server.viewer, server.operator)) {
            assertThat(server.post("/api/v1/sources", token, host).statusCode()).isEqualTo(403);
            assertThat(server.delete("/api/v1/sources/build-01", token).statusCode())
                    .isEqualTo(403);
        }
        assertThat(server.get("/api/v1/sources", server.ingest).statusCode()).isEqualTo(403);
    }
}
