package io.sightline.remediation.kube;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Appends one JSON line per executed action: who, when, which storyboard, what was done and what
 * the API answered. Outcomes name objects and never carry their data, so no secret reaches the
 * log.
 *
 * <p>The CLI's record; the server keeps the same records in its store instead.
 *
 * <p>Thread-safe: appends are serialised.
 */
public final class AuditLog implements AuditSink {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;

    public AuditLog(Path file) {
        this.file = requireNonNull(file, "file is null");
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void append(Instant time, String operator, String storyboardId, ActionOutcome outcome) {
        ObjectNode record = MAPPER.createObjectNode();
        record.put("time", time.toString());
        record.put("operator", operator);
        record.put("storyboard", storyboardId);
        record.put("action", outcome.kind());
        record.put("target", outcome.target());
        record.put("status", outcome.status().name().toLowerCase(java.util.Locale.ROOT));
        record.put("message", outcome.message());
        ArrayNode api = record.putArray("api");
        for (ActionOutcome.ApiResponse response : outcome.responses()) {
            api.addObject()
                    .put("method", response.method())
                    .put("path", response.path())
                    .put("code", response.code())
                    .put("summary", response.summary());
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(
                    file,
                    MAPPER.writeValueAsString(record) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot append to audit log " + file + "; stopping before the next action", e);
        }
    }
}
