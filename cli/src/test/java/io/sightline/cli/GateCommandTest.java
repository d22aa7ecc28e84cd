package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Exit codes and output of {@code sightline gate} and {@code remediate} on log4shell-lateral. */
class GateCommandTest {

    private static final String FOLDER = Path.of(System.getProperty("sightline.scenarios"), "log4shell-lateral")
            .toString();
    private static final String ORDERS_DIGEST =
            "sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var commandLine = Sightline.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return commandLine.execute(args);
    }

    @Test
    void attackedImageFailsWithOneReasonPerLine() {
        assertThat(run("gate", "--image", ORDERS_DIGEST, "--from", FOLDER, "--kev"))
                .isEqualTo(1);

        assertThat(out.toString().lines())
                .hasSize(4)
                .first()
                .asString()
                .startsWith("FAIL: " + ORDERS_DIGEST + " (matched by digest)");
    }

    @Test
    void imageBelowPolicyPassesWithOneLine() {
        int code = run(
                "gate",
                "--image",
                "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/kube-proxy:v1.30.3-minimal-eksbuild.5",
                "--from",
                FOLDER,
                "--max-severity",
                "high");

        assertThat(code).isZero();
        assertThat(out.toString().lines()).singleElement().asString().startsWith("pass: ");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("gate", "--from", FOLDER)).isEqualTo(2);
        assertThat(run("gate", "--image", ORDERS_DIGEST, "--from", FOLDER, "--max-severity", "severe"))
                .isEqualTo(2);
        assertThat(run("gate", "--image", ORDERS_DIGEST, "--from", "/no/such/folder"))
                .isEqualTo(2);
        assertThat(run("gate", "--image", "not a ref!!", "--from", FOLDER)).isEqualTo(2);
        assertThat(err.toString()).contains("--image not a ref!!: 'not a ref!!' is not an image reference");
        assertThat(run("remediate", "sb-x", "--from", FOLDER, "--execute")).isEqualTo(2);
        assertThat(err.toString()).contains("--execute needs --operator NAME");
    }

    @Test
    void anUnseenImageFailsUnlessAllowed() {
        String unseen = "registry.example/team/new-service:1.0.0";

        assertThat(run("gate", "--image", unseen, "--from", FOLDER)).isEqualTo(1);
        assertThat(out.toString().lines()).hasSize(2).last().asString().startsWith("  not seen: no scan report");
        out.getBuffer().setLength(0);
        assertThat(run("gate", "--image", unseen, "--from", FOLDER, "--allow-unseen"))
                .isZero();
        assertThat(out.toString()).startsWith("pass: " + unseen + " (not seen: ");
    }

    @Test
    void dryRunListsTheApiCallsAndChangesNothing() {
        assertThat(run("gate", "export-kyverno", "--from", FOLDER)).isZero();
        String policy = out.toString();
        out.getBuffer().setLength(0);
        String storyboard = policy.lines()
                .filter(l -> l.contains("sightline.io/storyboards"))
                .findFirst()
                .orElseThrow()
                .replaceAll(".*: *\"?([^\"]*)\"?$", "$1");

        assertThat(run("remediate", storyboard, "--from", FOLDER)).isZero();

        assertThat(out.toString())
                .startsWith("DRY RUN for " + storyboard)
                .contains("DELETE /api/v1/namespaces/payments/pods/orders-api-mk27884nf2-knqbq")
                .contains("POST /apis/networking.k8s.io/v1/namespaces/inventory/networkpolicies")
                .contains("PATCH /api/v1/nodes/ip-10-0-2-143.ec2.internal");
    }
}
