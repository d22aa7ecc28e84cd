package io.sightline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sightline serve} refusing what it cannot do in one line. */
class ServeCommandTest {

    @TempDir
    Path data;

    @Test
    void aPortInUseIsAUsageErrorInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            var command = Sightline.commandLine();
            command.setErr(new PrintWriter(err));

            int exit = command.execute(
                    "serve", "--port", Integer.toString(taken.getLocalPort()), "--data", data.toString());

            assertThat(exit).isEqualTo(2);
            assertThat(err.toString())
                    .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is in use")
                    .doesNotContain("\tat ");
        }
    }
}
