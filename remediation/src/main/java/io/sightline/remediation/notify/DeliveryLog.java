package io.sightline.remediation.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends delivery records as JSON lines. */
public final class DeliveryLog {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeliveryLog() {}

    public static String toJson(Delivery delivery) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("target", delivery.target());
        node.put("kind", delivery.kind());
        node.put("subject", delivery.subject());
        node.put("delivered", delivery.delivered());
        ArrayNode attempts = node.putArray("attempts");
        for (Delivery.Attempt attempt : delivery.attempts()) {
            ObjectNode a = attempts.addObject();
            a.put("attempt", attempt.number());
            a.put("at", attempt.at().toString());
            attempt.status().ifPresent(s -> a.put("status", s));
            if (!attempt.error().isEmpty()) {
                a.put("error", attempt.error());
            }
            a.put("waited_ms", attempt.waitedBefore().toMillis());
        }
        return node.toString();
    }

    public static synchronized void append(Path file, Delivery delivery) {
        try {
            Files.writeString(
                    file,
                    toJson(delivery) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append the delivery record to " + file, e);
        }
    }
}
