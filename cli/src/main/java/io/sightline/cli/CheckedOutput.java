package io.sightline.cli;

import static java.util.Objects.requireNonNull;

import io.sightline.formats.IoReasons;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes a command's output to a file and says when that failed. A {@link PrintStream} swallows
 * write errors, so a full disk or a file that refuses writes ({@code /proc/version}) would
 * otherwise end in exit 0 with nothing written; this keeps the first error and {@link #finish}
 * turns it into one line naming the file and the reason. Not thread safe.
 */
final class CheckedOutput {

    /** Renders output into a stream. */
    @FunctionalInterface
    interface Renderer {
        void render(PrintStream out) throws IOException;
    }

    private CheckedOutput() {}

    /**
     * Writes to {@code file} what {@code renderer} prints.
     *
     * @throws IllegalArgumentException {@code cannot write FILE: REASON} when the file cannot be
     *     opened or a write to it fails
     */
    static void write(Path file, Renderer renderer) throws IOException {
        requireNonNull(file, "file is null");
        Recording recording;
        try {
            recording = new Recording(Files.newOutputStream(file));
        } catch (IOException e) {
            throw failure(file, e);
        }
        try (PrintStream out = new PrintStream(recording, false, StandardCharsets.UTF_8)) {
            renderer.render(out);
        }
        if (recording.failure.isPresent()) {
            throw failure(file, recording.failure.get());
        }
    }

    private static IllegalArgumentException failure(Path file, IOException e) {
        return new IllegalArgumentException("cannot write " + file + ": " + IoReasons.of(e), e);
    }

    /** Passes writes through and keeps the first failure, which PrintStream would drop. */
    private static final class Recording extends FilterOutputStream {

        private Optional<IOException> failure = Optional.empty();

        Recording(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                throw kept(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw kept(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw kept(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw kept(e);
            }
        }

        private IOException kept(IOException e) {
            if (failure.isEmpty()) {
                failure = Optional.of(e);
            }
            return e;
        }
    }
}
