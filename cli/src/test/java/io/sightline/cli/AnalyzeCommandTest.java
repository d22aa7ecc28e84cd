package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Usage and input errors: one line naming the problem, exit status 2, no stack trace. */
class AnalyzeCommandTest {

    private static final String SCENARIOS = System.getProperty("sightline.scenarios");

    @TempDir
    Path temp;

    @Test
    void aMissingFolderIsNamed() {
        Result result = run("analyze", temp.resolve("nowhere").toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("sightline: no such folder: " + temp.resolve("nowhere") + "\n");
    }

    @Test
    void aFolderOfSeveralEnvironmentsIsRefused() {
        Result result = run("analyze", SCENARIOS);

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err())
                .contains(
                        "holds several analysis folders (benign-ci-noise, docker-host-miner, log4shell-lateral, otrf-log4shell)");
    }

    @Test
    void anUnwritableOutputFailsBeforeAnyWork() {
        Path output = temp.resolve("missing/analysis.json");

        Result result = run("analyze", SCENARIOS + "/docker-host-miner", "--output", output.toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("folder " + temp.resolve("missing") + " does not exist");
    }

    @Test
    void aKevFileWithoutCveIdsIsRefused() {
        Path notKev = Path.of(SCENARIOS, "docker-host-miner/scans/redis.snyk.json");

        Result result = run("analyze", SCENARIOS + "/docker-host-miner", "--kev", notKev.toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("vulnerabilities[].cveID").doesNotContain("Exception");
    }

    @Test
    void anUnknownFormatIsRefused() {
        Result result = run("analyze", SCENARIOS + "/docker-host-miner", "--format", "xml");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("sightline: --format must be text, json, sarif or fixlist, got 'xml'\n");
    }

    @Test
    void anOutputThatRefusesWritesFailsNamingTheFileAndTheReason() {
        Path refusing = Path.of("/proc/version");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isWritable(refusing), "/proc/version is writable only for root");

        Result result = run("analyze", SCENARIOS + "/docker-host-miner", "--output", refusing.toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("sightline: cannot write /proc/version: input/output error\n");
    }

    @Test
    void anOutputWithoutWritePermissionIsRefusedWithTheReason() throws java.io.IOException {
        Path locked = java.nio.file.Files.createDirectories(temp.resolve("locked"));
        java.nio.file.Files.setPosixFilePermissions(locked, java.util.Set.of());
        org.junit.jupiter.api.Assumptions.assumeFalse(
                java.nio.file.Files.isWritable(locked), "permissions do not bite for root");
        Path output = locked.resolve("analysis.json");

        Result result = run("analyze", SCENARIOS + "/docker-host-miner", "--output", output.toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("sightline: cannot write " + output + ": permission denied\n");
    }

    @Test
    void aMissingOrUnreadableEpssFileIsNamedWithTheReason() {
        Path missing = temp.resolve("epss.csv");

        Result absent = run("analyze", SCENARIOS + "/docker-host-miner", "--epss", missing.toString());
        Result folder = run("analyze", SCENARIOS + "/docker-host-miner", "--epss", temp.toString());

        assertThat(absent.status()).isEqualTo(2);
        assertThat(absent.err())
                .isEqualTo("sightline: cannot read EPSS file " + missing + ": no such file or folder\n");
        assertThat(folder.status()).isEqualTo(2);
        assertThat(folder.err()).isEqualTo("sightline: cannot read EPSS file " + temp + ": is a directory\n");
    }

    @Test
    void aFileGivenAsTheFolderIsNamedAsAFile() {
        Path file = Path.of(SCENARIOS, "docker-host-miner/scans/redis.snyk.json");

        Result result = run("analyze", file.toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err())
                .isEqualTo("sightline: " + file + " is a file; expected a folder laid out as inventory/, scans/,"
                        + " telemetry/ (or name files with --inventory, --scans, --events)\n");
    }

    @Test
    void aNegativeTopSaysWhatIsExpected() {
        Result result = run("fixes", "--from", SCENARIOS + "/docker-host-miner", "--top", "-1");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("sightline: --top must be 1 or more (images to show), got -1\n");
    }

    @Test
    void noCommandPrintsTheUsageAndExitsTwo() {
        Result result = run();

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err())
                .startsWith("sightline: a command is needed\nUsage: sightline")
                .contains("analyze");
    }

    @Test
    void notifyToADeadUrlSaysTheConnectionWasRefused() throws java.io.IOException {
        String url;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            url = "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
        }
        StringWriter out = new StringWriter();
        CommandLine command = Sightline.commandLine();
        command.setErr(new PrintWriter(new StringWriter(), true));
        command.setOut(new PrintWriter(out, true));

        int status = command.execute(
                "notify", "--from", SCENARIOS + "/docker-host-miner", "--webhook", url, "--max-attempts", "1");

        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).contains("connection refused to " + url).doesNotContain("ConnectException");
    }

    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine command = Sightline.commandLine();
        command.setErr(new PrintWriter(err, true));
        command.setOut(new PrintWriter(new StringWriter(), true));
        int status = command.execute(args);
        return new Result(status, err.toString());
    }

    private record Result(int status, String err) {}
}
