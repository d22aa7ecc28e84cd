package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sightline token create|list|revoke} over the embedded store. */
class TokenCommandTest {

    @TempDir
    Path data;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream systemOut;

    @BeforeEach
    void captureOutput() {
        systemOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(systemOut);
    }

    @Test
    void aCreatedTokenIsListedByIdAndRoleAndIsGoneOnceRevoked() {
        assertThat(run("token", "create", "--role", "viewer", "--data", data.toString()))
                .isZero();
        String token = printed().strip();
        String id = token.substring(3, token.indexOf('_', 3));

        assertThat(run("token", "list", "--data", data.toString())).isZero();
        assertThat(printed().lines().toList())
                .hasSize(2)
                .last()
                .asString()
                .startsWith(id)
                .contains(" viewer ")
                .doesNotContain(token.substring(token.lastIndexOf('_') + 1));

        assertThat(run("token", "revoke", id, "--data", data.toString())).isZero();
        assertThat(run("token", "list", "--data", data.toString())).isZero();
        assertThat(printed().lines().toList()).singleElement().asString().startsWith("ID");
    }

    @Test
    void revokingAnUnknownIdIsAUsageError() {
        assertThat(run("token", "revoke", "000000000000", "--data", data.toString()))
                .isEqualTo(2);
    }

    private int run(String... args) {
        out.reset();
        return Sightline.commandLine().execute(args);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
