package io.sightline.formats.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Describes a document that is not the expected format, so the rejection says what came. */
final class Documents {

    private static final int FIELDS_SHOWN = 6;

    private Documents() {}

    /** {@code an object with fields [a, b, c]}, {@code an array of 4 objects}, {@code a string}. */
    static String describe(JsonNode node) {
        if (node.isObject()) {
            return "an object with fields " + fieldNames(node);
        }
        if (node.isArray()) {
            return node.isEmpty() ? "an empty array" : "an array of " + node.size() + " " + typeName(node.get(0)) + "s";
        }
        return "a " + typeName(node);
    }

    /**
     * botocore's placebo recorder (used by cloud-custodian's tests) wraps a parsed response as
     * {@code {"status_code": 200, "data": {...}}}; the data member is close to what the AWS CLI prints.
     */
    static Optional<String> placeboHint(JsonNode root) {
        if (root.has("status_code") && root.path("data").isObject()) {
            return Optional.of(
                    "a botocore placebo recording ({status_code, data}); its data member" + " holds the response");
        }
        return Optional.empty();
    }

    private static String fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        if (names.size() <= FIELDS_SHOWN) {
            return names.toString();
        }
        return names.subList(0, FIELDS_SHOWN) + " and " + (names.size() - FIELDS_SHOWN) + " more";
    }

    private static String typeName(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
