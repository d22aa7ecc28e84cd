package io.sightline.remediation.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sightline.finding.Severity;
import io.sightline.remediation.Log4ShellScenario;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exported ClusterPolicy parses as YAML, has Kyverno's required fields and the right digests. */
class KyvernoPolicyExportTest {

    @Test
    void policyBlocksExactlyTheAttackedDigests() throws Exception {
        List<ImplicatedImage> images =
                KyvernoPolicyExport.implicated(Log4ShellScenario.analysis().storyboards(), Severity.MEDIUM);
        String yaml = KyvernoPolicyExport.toYaml(KyvernoPolicyExport.DEFAULT_NAME, images);

        JsonNode policy = new YAMLMapper().readTree(yaml);
        assertThat(policy.path("apiVersion").asText()).isEqualTo("kyverno.io/v1");
        assertThat(policy.path("kind").asText()).isEqualTo("ClusterPolicy");
        assertThat(policy.at("/metadata/name").asText()).isEqualTo("sightline-block-implicated-images");
        assertThat(policy.at("/metadata/labels/app.kubernetes.io~1managed-by").asText())
                .isEqualTo("sightline");
        assertThat(policy.at("/spec/validationFailureAction").asText()).isEqualTo("Enforce");

        JsonNode rules = policy.at("/spec/rules");
        assertThat(rules.isArray()).isTrue();
        assertThat(rules).hasSize(1);
        JsonNode rule = rules.get(0);
        assertThat(rule.path("name").asText()).isNotBlank();
        assertThat(rule.at("/match/any/0/resources/kinds/0").asText()).isEqualTo("Pod");
        assertThat(rule.at("/validate/message").asText())
                .contains(Log4ShellScenario.attack().id());
        JsonNode each = rule.at("/validate/foreach/0");
        assertThat(each.path("list").asText()).contains("containers");
        JsonNode condition = each.at("/deny/conditions/any/0");
        assertThat(condition.path("key").asText()).isEqualTo("{{ element.image }}");
        assertThat(condition.path("operator").asText()).isEqualTo("AnyIn");

        List<String> values = new ArrayList<>();
        condition.path("value").forEach(v -> values.add(v.asText()));
        assertThat(values)
                .containsExactlyInAnyOrderElementsOf(Log4ShellScenario.attackedDigests().stream()
                        .map(d -> "*@" + d)
                        .toList());
    }

    @Test
    void lowStoryboardsImplicateNothingAndNoEmptyPolicyIsWritten() {
        List<ImplicatedImage> none = KyvernoPolicyExport.implicated(
                Log4ShellScenario.analysis().storyboards().stream()
                        .filter(s -> s.severity() == Severity.LOW)
                        .toList(),
                Severity.MEDIUM);

        assertThat(none).isEmpty();
        assertThatThrownBy(() -> KyvernoPolicyExport.toYaml("p", none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no implicated image");
    }
}
