package io.sightline.discovery.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * Turns an AWS SDK response object into JSON under the service model's member names, which are the
 * names the AWS CLI prints ({@code InstanceId}, {@code PrivateIpAddresses} for EC2; {@code name},
 * {@code endpoint} for EKS). The file parsers read that shape, so SDK results go through the same
 * mapping as {@code aws ec2 describe-instances} output. Absent members are left out; timestamps are
 * ISO-8601 as the CLI prints them.
 */
final class SdkJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private SdkJson() {}

    static ObjectNode toJson(SdkPojo pojo) {
        ObjectNode object = JSON.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (value != null && !(value instanceof SdkAutoConstructList) && !(value instanceof SdkAutoConstructMap)) {
                object.set(field.memberName(), value(value));
            }
        }
        return object;
    }

    private static JsonNode value(Object value) {
        return switch (value) {
            case SdkPojo pojo -> toJson(pojo);
            case List<?> list -> {
                ArrayNode array = JSON.arrayNode();
                list.forEach(item -> array.add(item == null ? JSON.nullNode() : value(item)));
                yield array;
            }
            case Map<?, ?> map -> {
                ObjectNode object = JSON.objectNode();
                map.forEach(
                        (key, item) -> object.set(String.valueOf(key), item == null ? JSON.nullNode() : value(item)));
                yield object;
            }
            case String text -> JSON.textNode(text);
            case Boolean flag -> JSON.booleanNode(flag);
            case Integer number -> JSON.numberNode(number);
            case Long number -> JSON.numberNode(number);
            case Short number -> JSON.numberNode(number);
            case Double number -> JSON.numberNode(number);
            case Float number -> JSON.numberNode(number);
            case BigDecimal number -> JSON.numberNode(number);
            case Instant instant -> JSON.textNode(instant.toString());
            case SdkBytes bytes -> JSON.binaryNode(bytes.asByteArray());
            default -> JSON.textNode(value.toString());
        };
    }
}
