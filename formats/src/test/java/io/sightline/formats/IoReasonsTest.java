package io.sightline.formats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class IoReasonsTest {

    @Test
    void nioExceptionsAreNamedByTheirReasonNotTheirPath() {
        assertThat(IoReasons.of(new AccessDeniedException("/tmp/out.json"))).isEqualTo("permission denied");
        assertThat(IoReasons.of(new NoSuchFileException("/tmp/out.json"))).isEqualTo("no such file or folder");
        assertThat(IoReasons.of(new FileSystemException("/tmp/x", null, "Is a directory")))
                .isEqualTo("is a directory");
        assertThat(IoReasons.of(new ConnectException())).isEqualTo("connection refused");
        assertThat(IoReasons.of(new IOException("HTTP/1.1 header parser received no bytes")))
                .isEqualTo("the connection closed before an answer came");
        assertThat(IoReasons.of(new IOException("Input/output error"))).isEqualTo("input/output error");
        assertThat(IoReasons.of(new IOException())).isEqualTo("IOException");
    }
}
