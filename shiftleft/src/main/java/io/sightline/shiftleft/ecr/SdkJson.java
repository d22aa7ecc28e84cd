package io.sightline.shiftleft.ecr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * Writes an AWS SDK model object back as the JSON the service sent, field by field under each
 * field's wire name ({@link SdkField#locationName()}), so that the parsers in {@code formats},
 * written for the service's JSON, read what the SDK returned. Timestamps become ISO-8601 text (as
 * the AWS CLI prints them); fields the service did not send are left out. Stateless.
 */
final class SdkJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SdkJson() {}

    static ObjectNode of(SdkPojo pojo) {
        ObjectNode node = NODES.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (value != null) {
                node.set(field.locationName(), value(value));
            }
        }
        return node;
    }

    private static JsonNode value(Object value) {
        return switch (value) {
            case SdkPojo pojo -> of(pojo);
            case Collection<?> items -> {
                ArrayNode array = NODES.arrayNode();
                items.forEach(item -> array.add(value(item)));
                yield array;
            }
            case Map<?, ?> map -> {
                ObjectNode object = NODES.objectNode();
                map.forEach((key, item) -> object.set(String.valueOf(key), value(item)));
                yield object;
            }
            case String text -> NODES.textNode(text);
            case Boolean flag -> NODES.booleanNode(flag);
            case Integer number -> NODES.numberNode(number);
            case Long number -> NODES.numberNode(number);
            case Float number -> NODES.numberNode(number);
            case Double number -> NODES.numberNode(number);
            case BigDecimal number -> NODES.numberNode(number);
            case Instant instant -> NODES.textNode(instant.toString());
            case SdkBytes bytes -> NODES.binaryNode(bytes.asByteArray());
            default -> NODES.textNode(value.toString());
        };
    }
}
