package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.ContainerId;
import io.sightline.asset.PodKey;
import io.sightline.event.ContainerContext;
import io.sightline.event.Detection;
import io.sightline.event.Endpoint;
import io.sightline.finding.Severity;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Falco alerts captured by the Falco authors (falco-website, 2021-2023): no proc.pid yet. */
class FalcoMapperTest {

    @Test
    void oldSyscallAlertIsADetectionWithAContainerButNoProcess() {
        Detection alert =
                TelemetryFiles.readCorpus("falco/channels.md.L170.json").at(1, Detection.class);

        assertThat(alert.sensor()).isEqualTo("falco");
        assertThat(alert.rule()).isEqualTo("Terminal shell in container");
        assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(alert.host()).contains("falco-xczjd");
        assertThat(alert.time()).isEqualTo(Instant.parse("2023-05-25T13:44:05.478445995Z"));
        assertThat(alert.process()).isEmpty();
        assertThat(alert.parentPid()).isEmpty();
        // Tags are container, mitre_execution, shell: no technique id.
        assertThat(alert.techniques()).isEmpty();
        assertThat(alert.summary()).startsWith("13:44:05.478445995: Critical A shell was spawned");
        assertThat(alert.container())
                .contains(new ContainerContext(
                        new ContainerId(Optional.empty(), "ee97d9c4186f"),
                        Optional.empty(),
                        Optional.of(new PodKey("default", "kubecon")),
                        Optional.of("docker.io/library/alpine"),
                        Optional.empty()));
    }

    @Test
    void k8sAuditPluginAlertsHaveNoHostBecauseTheirsIsTheFalcoPod() {
        TelemetryFiles.Read read = TelemetryFiles.readCorpus("falco/falco-plugin-k8saudit-eks.md.L360-361.jsonl");

        assertThat(read.summary().accepted()).isEqualTo(2);
        Detection created = read.at(1, Detection.class);
        Detection exec = read.at(2, Detection.class);
        assertThat(created.rule()).isEqualTo("K8s Serviceaccount Created");
        assertThat(created.severity()).isEqualTo(Severity.INFO);
        assertThat(exec.rule()).isEqualTo("Attach/Exec Pod");
        assertThat(exec.severity()).isEqualTo(Severity.LOW);
        assertThat(exec.host()).isEmpty();
        assertThat(exec.container()).isEmpty();
    }

    @Test
    void connectionFromFdNameWhenTheAlertHasNoServerFields() {
        TelemetryFiles.Read read =
                TelemetryFiles.readCorpus("falco/falcosidekick-response-engine-part-2-openfass.md.L568-569.jsonl");

        Detection contact = read.at(2, Detection.class);

        assertThat(contact.rule()).isEqualTo("Contact K8S API Server From Container");
        assertThat(contact.remotes()).containsExactly(new Endpoint("10.96.0.1", 443));
        assertThat(contact.host()).isEmpty();
        assertThat(contact.container()).hasValueSatisfying(container -> {
            assertThat(container.id().id()).isEqualTo("12fc4de5ccc3");
            assertThat(container.image()).contains("devopps/falco-pod-delete:latest");
            assertThat(container.pod()).contains(new PodKey("openfaas-fn", "falco-pod-delete-7dc9f5fbb8-gbfk7"));
        });
        assertThat(read.at(1, Detection.class).remotes()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "Emergency, CRITICAL",
        "Alert, CRITICAL",
        "Critical, CRITICAL",
        "Error, HIGH",
        "Warning, MEDIUM",
        "Notice, LOW",
        "Informational, INFO",
        "Debug, INFO",
        "Loud, UNKNOWN"
    })
    void priorityToSeverity(String priority, Severity severity) {
        assertThat(FalcoMapper.severity(priority)).isEqualTo(severity);
    }
}
