package io.sightline.remediation.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.finding.Severity;
import io.sightline.remediation.Log4ShellScenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gate on log4shell-lateral. Expected verdicts come from the scenario files: the two attacked
 * images are in the critical storyboard; kube-proxy carries one fixable high (CVE in its Trivy
 * report) and takes part in nothing; falco carries an unfixed critical (CVE-2023-45853 in zlib1g)
 * and an unfixed low; postgres carries CVE-2023-4911, which is in the bundled KEV catalogue;
 * aws-node appears only in low storyboards (Falco namespace-change alerts).
 */
class ImageGateTest {

    private static final String KUBE_PROXY =
            "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/kube-proxy:v1.30.3-minimal-eksbuild.5";
    private static final String FALCO = "docker.io/falcosecurity/falco:0.39.1";
    private static final String POSTGRES_DIGEST =
            "sha256:37f2f3c1cb1f9cd9219e8de39f4d1e9b0a8c2e395bb89abecbafa7d1a750c675";
    private static final String AWS_NODE_DIGEST =
            "sha256:babc7e1feadcbacab0f7cfad91f4aa7ae45c475ee99956d6884a06f4f1a37746";

    private final ImageGate gate = new ImageGate(Log4ShellScenario.analysis());

    @Test
    void attackedImagesFailByDigestNamingTheStoryboard() {
        String storyboard = Log4ShellScenario.attack().id();
        for (JsonNode attacked : Log4ShellScenario.truth().path("remediation")) {
            GateVerdict verdict = gate.evaluate(attacked.path("image_digest").asText(), GatePolicy.DEFAULT);

            assertThat(verdict.passed()).isFalse();
            assertThat(verdict.exitCode()).isEqualTo(1);
            assertThat(verdict.match().kind()).isEqualTo(ImageMatch.Kind.DIGEST);
            assertThat(verdict.reasons())
                    .singleElement()
                    .asString()
                    .contains("implicated in open storyboard " + storyboard + " (critical)");
        }
    }

    @Test
    void attackedImagesFailByTagAsAWeakerMatchThatResolvesToTheDigest() {
        for (JsonNode attacked : Log4ShellScenario.truth().path("remediation")) {
            GateVerdict verdict = gate.evaluate(attacked.path("image").asText(), GatePolicy.DEFAULT);

            assertThat(verdict.passed()).isFalse();
            assertThat(verdict.match().kind()).isEqualTo(ImageMatch.Kind.TAG);
            assertThat(verdict.match().digests())
                    .contains(attacked.path("image_digest").asText());
            assertThat(verdict.lines().getFirst()).startsWith("FAIL: ").contains("matched by tag (weaker");
        }
    }

    @Test
    void kevPolicyAddsTheKnownExploitedFindingsOfTheAttackedImage() {
        String orders = Log4ShellScenario.attackedDigests().getFirst();
        GateVerdict verdict = gate.evaluate(orders, GatePolicy.DEFAULT.withKev(true));

        assertThat(verdict.reasons()).hasSize(3);
        assertThat(verdict.reasons().get(1)).startsWith("finding CVE-2021-44228 (critical) in");
        assertThat(verdict.reasons().get(2)).startsWith("finding CVE-2021-45046 (critical) in");
        assertThat(verdict.reasons()).allMatch(r -> r.contains("storyboard") || r.endsWith("in CISA KEV (--kev)"));
    }

    @Test
    void imageWithNoStoryboardPassesUnlessItsFindingsAreAbovePolicy() {
        assertThat(gate.evaluate(KUBE_PROXY, GatePolicy.DEFAULT).lines())
                .singleElement()
                .asString()
                .startsWith("pass: " + KUBE_PROXY);
        assertThat(gate.evaluate(KUBE_PROXY, GatePolicy.DEFAULT.withMaxSeverity(Severity.HIGH))
                        .passed())
                .isTrue();

        GateVerdict strict = gate.evaluate(KUBE_PROXY, GatePolicy.DEFAULT.withMaxSeverity(Severity.MEDIUM));
        assertThat(strict.passed()).isFalse();
        assertThat(strict.reasons())
                .singleElement()
                .asString()
                .contains("(high)")
                .endsWith("above --max-severity medium");
    }

    @Test
    void fixableOnlyIgnoresFindingsWithoutAFix() {
        GatePolicy high = GatePolicy.DEFAULT.withMaxSeverity(Severity.HIGH);

        GateVerdict all = gate.evaluate(FALCO, high);
        assertThat(all.reasons())
                .singleElement()
                .asString()
                .startsWith("finding CVE-2023-45853 (critical) in zlib1g")
                .contains("no fix yet");

        assertThat(gate.evaluate(FALCO, high.withFixableOnly(true)).passed()).isTrue();
    }

    @Test
    void kevFailsAnImageOutsideEveryStoryboard() {
        assertThat(gate.evaluate(POSTGRES_DIGEST, GatePolicy.DEFAULT).passed()).isTrue();

        GateVerdict kev = gate.evaluate(POSTGRES_DIGEST, GatePolicy.DEFAULT.withKev(true));
        assertThat(kev.reasons()).singleElement().asString().startsWith("finding CVE-2023-4911 (high)");
    }

    @Test
    void lowStoryboardsDoNotFailTheGate() {
        assertThat(Log4ShellScenario.analysis().storyboards())
                .filteredOn(s -> s.imageDigests().contains(AWS_NODE_DIGEST))
                .isNotEmpty()
                .allMatch(s -> s.severity() == Severity.LOW);

        assertThat(gate.evaluate(AWS_NODE_DIGEST, GatePolicy.DEFAULT).passed()).isTrue();
    }

    @Test
    void anImageTheFolderNeverSawFailsUnlessUnseenImagesAreAllowed() {
        String unseen = "registry.example/team/new-service:1.0.0";

        GateVerdict verdict = gate.evaluate(unseen, GatePolicy.DEFAULT);
        GateVerdict allowed = gate.evaluate(unseen, GatePolicy.DEFAULT.withAllowUnseen(true));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.match().kind()).isEqualTo(ImageMatch.Kind.NONE);
        assertThat(verdict.reasons()).singleElement().asString().startsWith("not seen: no scan report and no running");
        assertThat(allowed.passed()).isTrue();
        assertThat(allowed.lines().getFirst()).contains("not seen: no running container and no scan report names it");
    }

    @Test
    void aDigestNoReportOrContainerNamesIsUnseenToo() {
        String digest = "sha256:" + "ab".repeat(32);

        GateVerdict verdict = gate.evaluate(digest, GatePolicy.DEFAULT);

        assertThat(verdict.match().kind()).isEqualTo(ImageMatch.Kind.DIGEST);
        assertThat(verdict.reasons()).singleElement().asString().startsWith("not seen:");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"not a ref!!", "Registry.example/Team/App:1", "app:", "app@sha256:xyz", "", "a//b", "sha256:abc"
            })
    void aMalformedReferenceIsAnErrorNotAnUnseenImage(String reference) {
        assertThatThrownBy(() -> gate.evaluate(reference, GatePolicy.DEFAULT.withAllowUnseen(true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching(
                        ".*is not (an image reference: expected \\[registry\\[:port]/]name\\[:tag]|a sha256 digest).*");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "nginx",
                "docker.io/library/nginx:1.27",
                "localhost:5000/team/app_v2:latest",
                "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/kube-proxy:v1.30.3-minimal-eksbuild.5",
                "ghcr.io/acme/api@sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540",
                "sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540"
            })
    void wellFormedReferencesAreAccepted(String reference) {
        assertThat(gate.match(reference)).isNotNull();
    }
}
