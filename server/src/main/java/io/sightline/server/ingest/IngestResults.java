package io.sightline.server.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** An {@link IngestResult} as stored with its idempotency key, so a retry gets it back unchanged. */
final class IngestResults {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IngestResults() {}

    static String toJson(IngestResult result) {
        ObjectNode node = JSON.createObjectNode();
        node.put("stream", result.stream());
        node.put("accepted", result.accepted());
        node.put("first", result.firstStreamSeq());
        node.put("last", result.lastStreamSeq());
        node.put("format", result.format());
        result.skipped()
                .forEach(skip -> node.withArray("skipped")
                        .addObject()
                        .put("index", skip.index())
                        .put("reason", skip.reason()));
        return node.toString();
    }

    static IngestResult fromJson(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            List<IngestResult.Skip> skipped = new ArrayList<>();
            node.path("skipped")
                    .forEach(skip -> skipped.add(new IngestResult.Skip(
                            skip.path("index").asInt(), skip.path("reason").asText())));
            return new IngestResult(
                    node.path("stream").asText(),
                    node.path("accepted").asInt(),
                    node.path("first").asLong(),
                    node.path("last").asLong(),
                    node.path("format").asText(),
                    skipped);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored idempotency receipt is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
