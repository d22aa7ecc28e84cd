package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.asset.ContainerId;
import io.sightline.asset.PodKey;
import io.sightline.event.ContainerContext;
import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessRef;
import io.sightline.event.SourceRecord;
import io.sightline.formats.RecordException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tetragon samples from cilium/tetragon, current layout and the 2022 one. */
class TetragonMapperTest {

    @Test
    void testdataExecsCarryPodContainerAndImageDigest() {
        TelemetryFiles.Read read = TelemetryFiles.readCorpus("tetragon/events.json");

        assertThat(read.summary().accepted()).isEqualTo(3);
        assertThat(read.summary().format()).isEqualTo("tetragon");
        ProcessExec netserver = read.at(1, ProcessExec.class);
        ProcessRef process = netserver.process();
        assertThat(process.host()).isEqualTo("my-node");
        assertThat(process.pid()).isEqualTo(68_790);
        assertThat(process.executable()).isEqualTo("/usr/bin/netserver");
        assertThat(process.arguments()).isEqualTo("-D");
        assertThat(process.uid()).hasValue(0);
        assertThat(process.container())
                .contains(new ContainerContext(
                        new ContainerId(
                                Optional.of("containerd"),
                                "19a02291e106ce6227b684197be232ea57c4e1a5ab2604a12608c325d701c7f4"),
                        Optional.of("spaceship"),
                        Optional.of(new PodKey("default", "tiefighter")),
                        Optional.of("docker.io/tgraf/netperf:latest"),
                        Optional.of("sha256:8e86f744bfea165fd4ce68caa05abc96500f40130b857773186401926af7e9e6")));
        // This first record has no "time": the exec is dated by its process's start time.
        assertThat(netserver.time()).isEqualTo(Instant.parse("2022-10-18T03:16:18.273546829Z"));
        assertThat(netserver.parent()).hasValueSatisfying(shim -> {
            assertThat(shim.executable()).isEqualTo("/usr/bin/containerd-shim-runc-v2");
            assertThat(shim.pid()).isEqualTo(68_598);
            assertThat(shim.container()).isEmpty();
        });
        assertThat(read.at(2, ProcessExec.class).time()).isEqualTo(Instant.parse("2022-10-18T03:16:21.373327754Z"));
    }

    @Test
    void securityFilePermissionWithMaskTwoIsAWrite() {
        FileAccess access = TelemetryFiles.readCorpus("tetragon/filename-access.md.L123-212.json")
                .at(1, FileAccess.class);

        assertThat(access.path()).isEqualTo("/etc/passwd");
        assertThat(access.mode()).isEqualTo(FileAccess.Mode.WRITE);
        assertThat(access.process().executable()).isEqualTo("/bin/vi");
        assertThat(access.process().pid()).isEqualTo(64_746);
        assertThat(access.process().host()).isEqualTo("tetragon-dev-control-plane");
        assertThat(access.parent()).map(ProcessRef::executable).contains("/bin/sh");
        assertThat(access.time()).isEqualTo(Instant.parse("2024-04-14T02:18:14.376304204Z"));
    }

    @Test
    void writeSyscallKprobeWithAFileArgumentIsAWrite() {
        FileAccess access =
                TelemetryFiles.readCorpus("tetragon/process_kprobe.json").at(1, FileAccess.class);

        // The 2021 capture reports the path without its leading slash; it is kept as reported.
        assertThat(access.path()).isEqualTo("etc/passwd");
        assertThat(access.mode()).isEqualTo(FileAccess.Mode.WRITE);
        assertThat(access.process().host()).isEqualTo("gke-kprobe-validation-default-pool-b5e9dab6-k0cj");
    }

    @Test
    void legacyProcessConnectIsAnOutboundFlowOfTheSameNetcat() {
        ProcessExec exec =
                TelemetryFiles.readCorpus("tetragon/nc_process_exec.json").at(1, ProcessExec.class);
        NetworkFlow connect =
                TelemetryFiles.readCorpus("tetragon/nc_process_connect.json").at(1, NetworkFlow.class);

        assertThat(connect.direction()).isEqualTo(NetworkFlow.Direction.OUTBOUND);
        assertThat(connect.local()).isEqualTo(new Endpoint("10.88.0.6", 48_416));
        assertThat(connect.remote()).isEqualTo(new Endpoint("64.225.45.153", 443));
        assertThat(connect.process().key()).isEqualTo(exec.process().key());
        assertThat(exec.process().arguments()).isEqualTo("raiz3gjkgtfhkkc.not-reverse-shell.com 443");
        assertThat(exec.process().container())
                .map(ContainerContext::id)
                .contains(new ContainerId(
                        Optional.of("docker"), "e6af4dff4ea3b8d50313c59fbaa442e377da35671e79f43b8dc53c5efcc9b659"));
    }

    @Test
    void nsenterFromAPrivilegedPod() {
        ProcessExec exec = TelemetryFiles.readCorpus("tetragon/privileged-pod-nsenter.json")
                .at(1, ProcessExec.class);

        assertThat(exec.process().executable()).isEqualTo("/usr/bin/nsenter");
        assertThat(exec.process().arguments()).isEqualTo("-t 1 -m -u -n -i -p bash");
        assertThat(exec.process().container()).hasValueSatisfying(container -> {
            assertThat(container.pod()).contains(new PodKey("default", "privileged-pod"));
            assertThat(container.image()).contains("nginx:latest");
            assertThat(container.imageDigest())
                    .contains("sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31");
        });
        assertThat(exec.parent()).map(ProcessRef::pid).contains(17_022L);
    }

    @Test
    void kprobeOfAFunctionWeDoNotFollowIsAValidRecordWithNoEvent() throws IOException, RecordException {
        ObjectNode kprobe = filenameAccess();
        ObjectNode event = (ObjectNode) kprobe.path("process_kprobe");
        event.put("function_name", "security_bprm_check");
        event.remove("args");

        assertThat(TetragonMapper.accepts(kprobe)).isTrue();
        assertThat(TetragonMapper.map(kprobe, new SourceRecord("t.json", 1))).isEmpty();
    }

    @Test
    void connectWithoutSocketArgumentIsRejectedNamingTheField() throws IOException {
        ObjectNode kprobe = filenameAccess();
        ((ObjectNode) kprobe.path("process_kprobe")).put("function_name", "tcp_connect");

        assertThatThrownBy(() -> TetragonMapper.map(kprobe, new SourceRecord("t.json", 1)))
                .isInstanceOf(RecordException.class)
                .hasMessage("tetragon process_kprobe tcp_connect: missing field args[].sock_arg");
    }

    private static ObjectNode filenameAccess() throws IOException {
        String text = Files.readString(TelemetryFiles.corpus("tetragon/filename-access.md.L123-212.json"));
        return (ObjectNode) new ObjectMapper().readTree(text);
    }
}
