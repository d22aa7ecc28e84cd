package io.sightline.discovery.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceRegistryTest {

    @TempDir
    Path temp;

    @Test
    void sourcesSurviveAReloadInTheOrderRegistered() {
        Path data = temp.resolve("data");
        SourceRegistry registry = SourceRegistry.load(data);
        var cluster =
                new RegisteredSource.Cluster("prod-eks", Path.of("/etc/kube/prod.yaml"), Optional.of("admin@prod"));
        var account = new RegisteredSource.AwsAccount(
                "audit",
                Optional.of("security"),
                Optional.of("arn:aws:iam::123456789012:role/sightline-audit"),
                List.of("eu-west-1", "us-east-1"),
                Optional.of(URI.create("http://localhost:4566")));
        var host = new RegisteredSource.DockerHost("edge-1", URI.create("unix:///var/run/docker.sock"));
        registry.add(cluster);
        registry.add(account);
        registry.add(host);

        assertThat(SourceRegistry.load(data).sources()).containsExactly(cluster, account, host);
    }

    @Test
    void theFileIsOwnerOnlyAndHoldsReferencesOnly() throws IOException {
        Path data = temp.resolve("data");
        SourceRegistry registry = SourceRegistry.load(data);
        registry.add(new RegisteredSource.AwsAccount(
                "audit", Optional.of("security"), Optional.empty(), List.of(), Optional.empty()));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(registry.file())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        assertThat(Files.readString(registry.file())).contains("\"profile\" : \"security\"");
        try (var files = Files.list(data)) {
            assertThat(files).containsExactly(registry.file());
        }
    }

    @Test
    void aNameIsUniqueAcrossEveryType() {
        SourceRegistry registry = SourceRegistry.load(temp);
        registry.add(new RegisteredSource.DockerHost("edge-1", URI.create("tcp://10.0.0.5:2375")));

        assertThatThrownBy(() ->
                        registry.add(new RegisteredSource.Cluster("edge-1", Path.of("/k.yaml"), Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a source named 'edge-1' is already registered (docker");
    }

    @Test
    void removeTakesOnlyTheNamedTypeAndSaves() {
        SourceRegistry registry = SourceRegistry.load(temp);
        registry.add(new RegisteredSource.DockerHost("edge-1", URI.create("tcp://10.0.0.5:2375")));

        assertThatThrownBy(() -> registry.remove(RegisteredSource.Cluster.class, "edge-1"))
                .hasMessageContaining("no cluster named 'edge-1'");
        registry.remove(RegisteredSource.DockerHost.class, "edge-1");

        assertThat(SourceRegistry.load(temp).sources()).isEmpty();
    }

    @Test
    void badValuesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> new RegisteredSource.AwsAccount(
                        "a", Optional.empty(), Optional.of("arn:aws:iam::123:user/bob"), List.of(), Optional.empty()))
                .hasMessageContaining("'arn:aws:iam::123:user/bob' is not an IAM role ARN");
        assertThatThrownBy(() -> new RegisteredSource.DockerHost("h", URI.create("http://10.0.0.5:2375")))
                .hasMessageContaining("must be unix:///path/to/docker.sock or tcp://host:port");
        assertThatThrownBy(() -> new RegisteredSource.AwsAccount(
                        "a", Optional.empty(), Optional.empty(), List.of("Europe"), Optional.empty()))
                .hasMessageContaining("region 'Europe'");
        assertThatThrownBy(() -> new RegisteredSource.Cluster("Prod EKS", Path.of("/k"), Optional.empty()))
                .hasMessageContaining("source name 'Prod EKS'");
    }
}
