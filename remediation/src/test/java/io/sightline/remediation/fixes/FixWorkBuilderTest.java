package io.sightline.remediation.fixes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.rank.PackageFix;
import io.sightline.rank.RankedImage;
import io.sightline.remediation.Log4ShellScenario;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fix work for log4shell-lateral, checked against truth.json's remediation section. */
class FixWorkBuilderTest {

    private final FixWorkBuilder builder =
            new FixWorkBuilder(Log4ShellScenario.analysis().inventory(), new ReportMetadata(Log4ShellScenario.FOLDER));

    @Test
    void rolloutsAreTheContainersTruthSaysToReplace() {
        for (JsonNode expected : Log4ShellScenario.truth().path("remediation")) {
            FixWork work = builder.build(image(expected.path("image_digest").asText()));

            List<FixWork.RunningContainer> wanted = new ArrayList<>();
            expected.path("replace")
                    .forEach(r -> wanted.add(new FixWork.RunningContainer(
                            r.path("container_id").asText(),
                            r.path("name").asText(),
                            r.path("host").asText(),
                            r.path("namespace").asText(),
                            r.path("pod").asText())));
            assertThat(work.rollouts()).singleElement().satisfies(rollout -> {
                assertThat(rollout.kind()).isEqualTo("Deployment");
                assertThat(rollout.containers()).containsExactlyInAnyOrderElementsOf(wanted);
            });
        }
    }

    @Test
    void upgradesIncludeEveryTruthUpgrade() {
        for (JsonNode expected : Log4ShellScenario.truth().path("remediation")) {
            FixWork work = builder.build(image(expected.path("image_digest").asText()));
            for (JsonNode upgrade : expected.path("upgrades")) {
                assertThat(work.upgrades())
                        .filteredOn(f ->
                                f.packageName().equals(upgrade.path("package").asText()))
                        .singleElement()
                        .satisfies(fix -> {
                            assertThat(fix.installedVersion())
                                    .isEqualTo(upgrade.path("installed_version").asText());
                            assertThat(fix.fixedVersion())
                                    .isEqualTo(upgrade.path("fixed_version").asText());
                            assertThat(fix.minimumFixForWorst())
                                    .isEqualTo(upgrade.path("minimum_fix_for_exploited_cve")
                                            .asText());
                        });
            }
            assertThat(work.upgrades()).extracting(PackageFix::ecosystem).isNotEmpty();
        }
    }

    @Test
    void baseImageComesFromTheTrivyLabelOrSnykAndIsAbsentForGrype() {
        String orders = Log4ShellScenario.attackedDigests().getFirst();
        assertThat(builder.build(image(orders)).baseImage()).contains("eclipse-temurin:11.0.13_8-jre-focal");
        assertThat(builder.build(image("sha256:fb6c4a7bfb1709409c93f2d34e2c606c131ff5c1ad36389564bd0609544fa9bd"))
                        .baseImage())
                .contains("node:14.17.0-alpine3.13");
        assertThat(builder.build(image("sha256:d0f321974c101da18ba615f4332759ac1112a3575625085bff69a994e63a0b1f"))
                        .baseImage())
                .isEmpty();
    }

    @Test
    void ecrImagesLinkToTheirConsolePageMarkedAsDerived() {
        String orders = Log4ShellScenario.attackedDigests().getFirst();
        assertThat(builder.build(image(orders)).views()).singleElement().satisfies(view -> {
            assertThat(view.given()).isFalse();
            assertThat(view.url())
                    .isEqualTo("https://us-east-1.console.aws.amazon.com/ecr/repositories/private/111122223333/"
                            + "payments/orders-api/_/image/" + orders + "/details?region=us-east-1");
        });
    }

    private static RankedImage image(String digest) {
        return Log4ShellScenario.analysis().images().stream()
                .filter(i -> i.repoDigests().contains(digest))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ranked image with digest " + digest));
    }
}
