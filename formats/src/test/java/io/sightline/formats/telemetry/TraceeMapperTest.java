package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.PodKey;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessExit;
import io.sightline.event.ProcessRef;
import io.sightline.finding.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracee samples from aquasecurity/tracee docs (legacy trace.Event, v0.10 to 2023), and events
 * written here from api/v1beta1/event.proto, since no v1beta1 capture is in the corpus.
 */
class TraceeMapperTest {

    @TempDir
    Path temp;

    @Test
    void v010SignatureWithoutMetadataIsADetectionAndExecveAnExecKeyedOnItsTime() {
        TelemetryFiles.Read read = TelemetryFiles.readCorpus("tracee/everything-is-an-event.md.L70_L106.jsonl");

        assertThat(read.summary().format()).isEqualTo("tracee");
        assertThat(read.summary().accepted()).isEqualTo(2);
        assertThat(read.summary().skipped()).isEmpty();

        Detection fileless = read.at(1, Detection.class);
        assertThat(fileless.sensor()).isEqualTo("tracee");
        assertThat(fileless.rule()).isEqualTo("fileless_execution");
        assertThat(fileless.severity()).isEqualTo(Severity.UNKNOWN);
        assertThat(fileless.techniques()).isEmpty();
        assertThat(fileless.time()).isEqualTo(Instant.parse("2022-12-15T15:45:28.028881186Z"));
        assertThat(fileless.host()).hasValue("tracee-tester");
        assertThat(fileless.parentPid()).hasValue(6135);
        ProcessRef process = fileless.process().orElseThrow();
        assertThat(process.pid()).isEqualTo(6136);
        // threadStartTime 883410317491 counts from boot in v0.10: the start is not known.
        assertThat(process.startKnown()).isFalse();
        assertThat(process.executable()).isEqualTo("3");
        assertThat(fileless.container()).hasValueSatisfying(container -> {
            assertThat(container.id().id())
                    .isEqualTo("c7e3c75bf167348bf79262bf6e688088f9b4d54ebcc79464f40b52b80c73ff55");
            assertThat(container.pod()).hasValue(new PodKey("tracee-system", "tracee-wk8wh"));
            assertThat(container.image()).hasValue("docker.io/aquasec/tracee:latest");
        });

        ProcessExec umount = read.at(2, ProcessExec.class);
        Instant execTime = Instant.parse("2022-12-15T15:46:49.363959531Z");
        assertThat(umount.time()).isEqualTo(execTime);
        assertThat(umount.process().host()).isEqualTo("pool-hst1l5k80-");
        assertThat(umount.process().pid()).isEqualTo(6664);
        assertThat(umount.process().startKnown()).isTrue();
        assertThat(umount.process().startTime()).isEqualTo(execTime);
        assertThat(umount.process().executable()).isEqualTo("/usr/bin/umount");
        assertThat(umount.process().arguments())
                .isEqualTo("/var/lib/kubelet/pods/b0067d27-41c6-46eb-bb53-c1e0c75af9b8/volumes/"
                        + "kubernetes.io~projected/kube-api-access-mgc48");
        assertThat(umount.process().uid()).hasValue(0);
        assertThat(umount.parent()).hasValueSatisfying(parent -> {
            assertThat(parent.pid()).isEqualTo(1362);
            assertThat(parent.startKnown()).isFalse();
        });
    }

    @Test
    void v020SignatureWithMetadataCarriesItsIdSeverityAndTechnique() {
        TelemetryFiles.Read read =
                TelemetryFiles.readCorpus("tracee/setup-development-machine-with-vagrant.md.L264.json");

        assertThat(read.summary().accepted()).isEqualTo(1);
        Detection antiDebugging = read.at(1, Detection.class);
        assertThat(antiDebugging.rule()).isEqualTo("TRC-102 Anti-Debugging detected");
        assertThat(antiDebugging.severity()).isEqualTo(Severity.LOW);
        assertThat(antiDebugging.techniques()).containsExactly("T1622");
        assertThat(antiDebugging.summary()).startsWith("A process used anti-debugging techniques");
        assertThat(antiDebugging.host()).hasValue("ubuntu-jammy");
        assertThat(antiDebugging.parentPid()).hasValue(95_597);
        assertThat(antiDebugging.container()).isEmpty();
        ProcessRef strace = antiDebugging.process().orElseThrow();
        assertThat(strace.pid()).isEqualTo(95_599);
        assertThat(strace.executable()).isEqualTo("strace");
        // threadStartTime is in epoch nanoseconds by v0.20, and the thread is the main thread.
        assertThat(strace.startKnown()).isTrue();
        assertThat(strace.startTime()).isEqualTo(Instant.parse("2023-03-29T19:44:47.787109775Z"));
    }

    @Test
    void packetsAndReadsAreRecordsWithoutEvents() {
        TelemetryFiles.Read packets = TelemetryFiles.readCorpus("tracee/network-events.md.L35-38.jsonl");
        assertThat(packets.summary().accepted()).isEqualTo(4);
        assertThat(packets.summary().skipped()).isEmpty();
        assertThat(packets.events()).isEmpty();

        TelemetryFiles.Read read = TelemetryFiles.readCorpus("tracee/forensics.md.L81.json");
        assertThat(read.summary().format()).isEqualTo("tracee");
        assertThat(read.summary().accepted()).isEqualTo(1);
        assertThat(read.events()).isEmpty();
    }

    @Test
    void legacyConnectAcceptOpenAndExit() throws IOException {
        String context = "\"timestamp\":1696255674450496178,\"threadStartTime\":1696249856019516599,"
                + "\"processId\":4242,\"threadId\":4242,\"hostProcessId\":4242,\"hostThreadId\":4242,"
                + "\"hostParentProcessId\":1729,\"userId\":1000,\"processName\":\"curl\",\"hostName\":\"rugged\","
                + "\"containerId\":\"\",\"processEntityId\":3999221038,";
        Path file = write(
                "{" + context + "\"eventId\":\"1035\",\"eventName\":\"security_socket_connect\",\"returnValue\":0,"
                        + "\"args\":[{\"name\":\"sockfd\",\"type\":\"int\",\"value\":3},"
                        + "{\"name\":\"type\",\"type\":\"string\",\"value\":\"SOCK_STREAM\"},"
                        + "{\"name\":\"remote_addr\",\"type\":\"struct sockaddr*\",\"value\":"
                        + "{\"sa_family\":\"AF_INET\",\"sin_port\":\"443\",\"sin_addr\":\"93.184.216.34\"}}]}",
                "{" + context + "\"eventId\":\"1035\",\"eventName\":\"security_socket_connect\",\"returnValue\":0,"
                        + "\"args\":[{\"name\":\"remote_addr\",\"type\":\"struct sockaddr*\",\"value\":"
                        + "{\"sa_family\":\"AF_UNIX\",\"sun_path\":\"/run/dbus/system_bus_socket\"}}]}",
                "{" + context + "\"eventId\":\"1036\",\"eventName\":\"security_socket_accept\",\"returnValue\":0,"
                        + "\"args\":[{\"name\":\"local_addr\",\"type\":\"struct sockaddr*\",\"value\":"
                        + "{\"sa_family\":\"AF_INET\",\"sin_port\":\"8080\",\"sin_addr\":\"10.0.0.5\"}}]}",
                "{" + context + "\"eventId\":\"1031\",\"eventName\":\"security_file_open\",\"returnValue\":0,"
                        + "\"args\":[{\"name\":\"pathname\",\"type\":\"const char*\",\"value\":\"/etc/cron.d/x\"},"
                        + "{\"name\":\"flags\",\"type\":\"string\",\"value\":\"O_WRONLY|O_CREAT\"}]}",
                "{" + context + "\"eventId\":\"1015\",\"eventName\":\"sched_process_exit\",\"returnValue\":0,"
                        + "\"args\":[{\"name\":\"exit_code\",\"type\":\"long\",\"value\":0},"
                        + "{\"name\":\"process_group_exit\",\"type\":\"bool\",\"value\":true}]}");

        TelemetryFiles.Read read = TelemetryFiles.read(file, "tracee.jsonl");

        assertThat(read.summary().accepted()).isEqualTo(5);
        NetworkFlow connect = read.at(1, NetworkFlow.class);
        assertThat(connect.direction()).isEqualTo(NetworkFlow.Direction.OUTBOUND);
        assertThat(connect.remote()).isEqualTo(new Endpoint("93.184.216.34", 443));
        assertThat(connect.local()).isEqualTo(SensorValues.UNKNOWN_END);
        assertThat(connect.process().pid()).isEqualTo(4242);
        assertThat(connect.process().startTime()).isEqualTo(Instant.parse("2023-10-02T12:30:56.019516599Z"));
        assertThat(connect.process().execId()).hasValue("tracee:rugged:3999221038");
        assertThat(read.events()).noneMatch(event -> event.source().line() == 2);
        NetworkFlow accept = read.at(3, NetworkFlow.class);
        assertThat(accept.direction()).isEqualTo(NetworkFlow.Direction.INBOUND);
        assertThat(accept.local()).isEqualTo(new Endpoint("10.0.0.5", 8080));
        FileAccess open = read.at(4, FileAccess.class);
        assertThat(open.path()).isEqualTo("/etc/cron.d/x");
        assertThat(open.mode()).isEqualTo(FileAccess.Mode.WRITE);
        assertThat(read.at(5, ProcessExit.class).process().pid()).isEqualTo(4242);
    }

    @Test
    void v1beta1ExecConnectAndThreat() throws IOException {
        String workload = "\"workload\":{\"process\":{\"executable\":{\"path\":\"/usr/bin/curl\"},\"unique_id\":111,"
                + "\"host_pid\":5151,\"pid\":7,\"real_user\":{\"id\":0},\"thread\":{\"start_time\":"
                + "\"2025-01-02T03:04:05.000000006Z\",\"name\":\"curl\",\"host_tid\":5151,\"tid\":7},"
                + "\"ancestors\":[{\"host_pid\":5150,\"pid\":1}]},\"container\":{\"id\":"
                + "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"name\":\"web\","
                + "\"image\":{\"id\":\"sha256:aa\",\"repo_digests\":[\"nginx@sha256:bb\"],\"name\":\"nginx:1.25\"}},"
                + "\"k8s\":{\"pod\":{\"name\":\"web-0\",\"uid\":\"u\"},\"namespace\":{\"name\":\"shop\"}}}";
        Path file = write(
                "{\"timestamp\":\"2025-01-02T03:04:05.5Z\",\"id\":1014,\"name\":\"sched_process_exec\"," + workload
                        + ",\"data\":[{\"name\":\"pathname\",\"value\":\"/usr/bin/curl\"},"
                        + "{\"name\":\"argv\",\"value\":[\"curl\",\"-s\",\"http://x\"]}]}",
                "{\"timestamp\":\"2025-01-02T03:04:06Z\",\"id\":1035,\"name\":\"security_socket_connect\"," + workload
                        + ",\"data\":[{\"name\":\"remote_addr\",\"value\":{\"sa_family\":2,"
                        + "\"sin_addr\":\"203.0.113.9\",\"sin_port\":3333}}]}",
                "{\"timestamp\":\"2025-01-02T03:04:07Z\",\"id\":6001,\"name\":\"stratum_protocol\"," + workload
                        + ",\"threat\":{\"description\":\"Crypto miner protocol\",\"mitre\":{\"tactic\":{\"name\":"
                        + "\"Impact\"},\"technique\":{\"id\":\"T1496\",\"name\":\"Resource Hijacking\"}},"
                        + "\"severity\":3,\"name\":\"Stratum protocol\"}}");

        TelemetryFiles.Read read = TelemetryFiles.read(file, "tracee-v1beta1.jsonl");

        assertThat(read.summary().format()).isEqualTo("tracee");
        assertThat(read.summary().accepted()).isEqualTo(3);
        ProcessExec exec = read.at(1, ProcessExec.class);
        assertThat(exec.process().host()).isEqualTo(SensorValues.UNNAMED_HOST);
        assertThat(exec.process().pid()).isEqualTo(5151);
        assertThat(exec.process().startTime()).isEqualTo(Instant.parse("2025-01-02T03:04:05.000000006Z"));
        assertThat(exec.process().arguments()).isEqualTo("-s http://x");
        assertThat(exec.process().execId()).hasValue("tracee:localhost:111");
        assertThat(exec.parent().orElseThrow().pid()).isEqualTo(5150);
        assertThat(exec.process().container()).hasValueSatisfying(container -> {
            assertThat(container.pod()).hasValue(new PodKey("shop", "web-0"));
            assertThat(container.imageDigest()).hasValue("sha256:bb");
        });
        assertThat(read.at(2, NetworkFlow.class).remote()).isEqualTo(new Endpoint("203.0.113.9", 3333));
        Detection miner = read.at(3, Detection.class);
        assertThat(miner.rule()).isEqualTo("Stratum protocol");
        assertThat(miner.severity()).isEqualTo(Severity.HIGH);
        assertThat(miner.techniques()).containsExactly("T1496");
        assertThat(miner.process().orElseThrow().key()).isEqualTo(exec.process().key());
    }

    private Path write(String... lines) throws IOException {
        Path file = temp.resolve("events.jsonl");
        Files.write(file, java.util.List.of(lines));
        return file;
    }
}
