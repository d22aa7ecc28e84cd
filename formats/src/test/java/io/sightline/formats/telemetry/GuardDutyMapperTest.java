package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GuardDuty sample findings (fragments, kept by stix-shifter) and the scenario findings. */
class GuardDutyMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void runtimeSampleWithoutResourceHasNoHostSoNoProcess() {
        TelemetryFiles.Read read = TelemetryFiles.readCorpus(
                "guardduty/test_aws_guardduty_json_to_stix.py.L869-932.runtime-CGroupsReleaseAgentModified.json");

        Detection finding = read.at(1, Detection.class);

        assertThat(finding.rule()).isEqualTo("PrivilegeEscalation:Runtime/CGroupsReleaseAgentModified");
        assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        assertThat(finding.summary())
                .isEqualTo("Container escape via cgroups was detected in EC2 instance i-99999999.");
        assertThat(finding.time()).isEqualTo(Instant.parse("2023-06-01T15:31:22Z"));
        assertThat(finding.host()).isEmpty();
        assertThat(finding.process()).isEmpty();
        assertThat(finding.parentPid()).hasValue(1233);
        assertThat(finding.techniques()).isEmpty();
    }

    @Test
    void fragmentsWithoutTypeAreSkippedWithAReason() {
        TelemetryFiles.Read apiCall = TelemetryFiles.readCorpus(
                "guardduty/test_aws_guardduty_json_to_stix.py.L1144-1188.eks-audit-KubernetesApiCallAction.json");
        TelemetryFiles.Read cluster = TelemetryFiles.readCorpus(
                "guardduty/test_aws_guardduty_json_to_stix.py.L692-745.eks-cluster-kubernetes-details.json");

        assertThat(apiCall.summary().skipped())
                .extracting(SkippedRecord::line, SkippedRecord::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        1, "guardduty finding: missing field Type; record skipped"));
        assertThat(cluster.summary().skipped())
                .extracting(SkippedRecord::reason)
                .containsExactly(
                        "no known format: expected a Tetragon event, Falco alert, Kubernetes audit Event,"
                                + " GuardDuty finding, AUOMS record, Sysmon for Linux event or Tracee event, got an object with fields [Resource, SchemaVersion]; record skipped");
    }

    @Test
    void eventBridgeEnvelopeWithCamelCaseKeysGivesTheSameDetection() throws IOException {
        Path findings = TelemetryFiles.scenarios().resolve("docker-host-miner/telemetry/guardduty-findings.json");
        JsonNode finding = JSON.readTree(findings.toFile()).path("Findings").path(0);
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("version", "0");
        envelope.put("detail-type", "GuardDuty Finding");
        envelope.put("source", "aws.guardduty");
        envelope.set("detail", camelCase(finding));
        Path path = folder.resolve("eventbridge.jsonl");
        Files.writeString(path, JSON.writeValueAsString(envelope) + "\n");

        Detection fromEnvelope = TelemetryFiles.read(path, "eventbridge.jsonl").at(1, Detection.class);
        Detection fromApi =
                TelemetryFiles.read(findings, "guardduty-findings.json").at(2, Detection.class);

        assertThat(fromEnvelope.rule()).isEqualTo("CryptoCurrency:Runtime/BitcoinTool.B");
        assertThat(fromEnvelope.remotes()).containsExactly(new Endpoint("198.51.100.23", 3333));
        assertThat(fromEnvelope.process()).isEqualTo(fromApi.process());
        assertThat(fromEnvelope.container()).isEqualTo(fromApi.container());
        assertThat(fromEnvelope.severity()).isEqualTo(fromApi.severity());
        assertThat(fromEnvelope.time()).isEqualTo(fromApi.time());
        assertThat(fromEnvelope.process()).hasValueSatisfying(miner -> {
            assertThat(miner.pid()).isEqualTo(883_382);
            assertThat(miner.startTime()).isEqualTo(Instant.parse("2024-11-16T02:09:07.960Z"));
        });
    }

    /** EventBridge delivers the finding with the first letter of every key in lower case. */
    private static JsonNode camelCase(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = field.getKey();
                copy.set(Character.toLowerCase(key.charAt(0)) + key.substring(1), camelCase(field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(camelCase(element)));
            return copy;
        }
        return node;
    }
}
