package io.sightline.discovery.docker;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * A read-only client of the Docker Engine API: {@code GET} requests answered with JSON. A
 * {@code tcp://host:port} daemon is reached with the JDK's {@link HttpClient}; a
 * {@code unix:///path} socket, which that client cannot open, with one HTTP/1.1 request per
 * connection over a {@link SocketChannel} on a {@link UnixDomainSocketAddress} ({@code
 * Connection: close}, the body read to the end, chunked transfer decoded).
 *
 * <p>Paths are sent without an API version prefix, so the daemon answers in its own version; the
 * fields read ({@code Id}, {@code Image}, {@code Config}, {@code HostConfig.Privileged},
 * {@code RepoDigests}) exist in every version since 1.24.
 *
 * <p>Thread-safe.
 */
public final class DockerEngine {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final URI daemon;
    private final HttpClient http;

    public DockerEngine(URI daemon) {
        this.daemon = requireNonNull(daemon, "daemon is null");
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    public URI daemon() {
        return daemon;
    }

    /** The JSON body of {@code GET path}; a status other than 200 is a {@link DockerApiException}. */
    public JsonNode get(String path) throws IOException {
        Answer answer = "unix".equals(daemon.getScheme()) ? overUnixSocket(path) : overTcp(path);
        if (answer.status() != 200) {
            throw new DockerApiException(
                    answer.status(), "GET " + path + ": HTTP " + answer.status() + " " + message(answer.body()));
        }
        return MAPPER.readTree(answer.body());
    }

    private Answer overTcp(String path) throws IOException {
        URI uri = URI.create("http://" + daemon.getHost() + ":" + daemon.getPort() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + uri, e);
        }
    }

    private Answer overUnixSocket(String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(daemon.getPath())))) {
            String request = "GET " + path + " HTTP/1.1\r\nHost: docker\r\nAccept: application/json\r\n"
                    + "Connection: close\r\n\r\n";
            Channels.newOutputStream(channel).write(request.getBytes(StandardCharsets.US_ASCII));
            return readResponse(Channels.newInputStream(channel));
        }
    }

    /** Reads an HTTP/1.1 response to the end of the connection. */
    static Answer readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        boolean chunked = false;
        long length = -1;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("content-length:")) {
                length = Long.parseLong(
                        header.substring("content-length:".length()).trim());
            }
        }
        if (chunked) {
            return new Answer(status, dechunk(in));
        }
        return new Answer(status, length >= 0 ? in.readNBytes((int) length) : in.readAllBytes());
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
            body.write(in.readNBytes(size));
            line(in);
        }
        return body.toByteArray();
    }

    private static int chunkSize(String line) {
        int extension = line.indexOf(';');
        return Integer.parseInt((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed in the middle of an HTTP response");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** The daemon's {@code {"message": ...}} error body, or the body's start. */
    private static String message(byte[] body) {
        try {
            JsonNode error = MAPPER.readTree(body);
            if (error != null && error.path("message").isTextual()) {
                return error.path("message").asText();
            }
        } catch (IOException e) {
            // Not JSON: fall through to the raw text.
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    record Answer(int status, byte[] body) {}

    /** The daemon answered with an error status. */
    public static final class DockerApiException extends IOException {

        private static final long serialVersionUID = 1L;

        private final int status;

        DockerApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
