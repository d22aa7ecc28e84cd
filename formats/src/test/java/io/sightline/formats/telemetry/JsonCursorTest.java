package io.sightline.formats.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alibaba.fastjson2.JSONException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonCursorTest {

    @Test
    void scalarsReadAsJacksonsTreeWouldHoldThem() {
        List<Object> values = new ArrayList<>();
        try (JsonCursor json =
                cursor("{\"a\":\"x\",\"b\":12,\"c\":null,\"d\":1.5,\"e\":true,\"f\":99999999999999999999,\"g\":-7}")) {
            json.enterObject();
            for (String name = json.firstName(); name != null; name = json.nextName()) {
                values.add(json.scalar());
            }
            assertThat(json.atEnd()).isTrue();
        }

        assertThat(values)
                .containsExactly(
                        "x",
                        12L,
                        null,
                        DoubleNode.valueOf(1.5),
                        BooleanNode.TRUE,
                        BigIntegerNode.valueOf(new BigInteger("99999999999999999999")),
                        -7L);
    }

    @Test
    void arraysInArraysAndEmptyOnesAfterACommaAreWellFormed() {
        // fastjson2's own comma flag still says "comma" on entering [2,3] and [] here.
        try (JsonCursor json = cursor("{\"a\":[[1],[2,3]],\"b\":[],\"c\":{\"d\":[]}}")) {
            json.enterObject();
            assertThat(json.firstName()).isEqualTo("a");
            assertThat(json.enterArray()).isTrue();
            assertThat(json.arrayEnds(true)).isFalse();
            json.skip();
            assertThat(json.arrayEnds(false)).isFalse();
            json.skip();
            assertThat(json.arrayEnds(false)).isTrue();
            assertThat(json.nextName()).isEqualTo("b");
            assertThat(json.enterArray()).isTrue();
            assertThat(json.arrayEnds(true)).isTrue();
            assertThat(json.nextName()).isEqualTo("c");
            json.enterObject();
            assertThat(json.firstName()).isEqualTo("d");
            json.skip();
            assertThat(json.nextName()).isNull();
            assertThat(json.nextName()).isNull();
            assertThat(json.atEnd()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"a\":1 \"b\":2}",
                "{\"a\":1,}",
                "{\"a\":{\"x\":1} \"b\":2}",
                "{'a':1}",
                "{\"a\":'x'}",
                "{\"z\":'x',\"a\":1}",
                "{\"a\":\"\\x41\"}",
                "{\"a\":\"it\\'s\"}",
                "{\"a\":\"\\u12G4\"}",
                "{\"a\":\"tab\there\"}",
                "{\"a\":\"nul\u0000here\"}",
                "{\"a\":+4}",
                "{\"a\":04}",
                "{\"a\":4.}",
                "{\"a\":-}",
                "{\"a\":1e}",
                "/*c*/{\"a\":1}",
                "{/*c*/\"a\":1}",
                "{\"a\":/*c*/1}",
                "{\"a\":1/*c*/}",
                "{\"a\":1,/*c*/\"b\":2}",
                "{\"a\":1} //c",
                "{\"a\":1}/*c*/",
                "{\"z\":{\"a\":007},\"a\":1}",
                "{\"z\":{\"a\":+7}}",
                "{\"z\":{/*c*/}}",
                "{\"z\":[1,/*c*/2]}",
                "{\"z\":{\"a\":'x'}}"
            })
    void whatJsonDoesNotAllowIsRefusedWhereFastjsonWouldTakeIt(String text) {
        assertThatThrownBy(() -> readAll(text)).isInstanceOf(JSONException.class);
    }

    @Test
    void theEscapesAndNumbersJsonWritesReadAsWritten() {
        List<Object> values = new ArrayList<>();
        try (JsonCursor json =
                cursor("{\"a\":\"q\\\" b\\\\ s\\/ \\u00e9\\n\",\"b\":-0,\"c\":0,\"d\":1e5,\"e\":-2.50E-1," + "\"f\":"
                        + "9".repeat(1000) + "}")) {
            json.enterObject();
            for (String name = json.firstName(); name != null; name = json.nextName()) {
                values.add(json.scalar());
            }
        }

        assertThat(values)
                .containsExactly(
                        "q\" b\\ s/ \u00e9\n",
                        0L,
                        0L,
                        DoubleNode.valueOf(1e5),
                        DoubleNode.valueOf(-0.25),
                        BigIntegerNode.valueOf(new BigInteger("9".repeat(1000))));
        assertThatThrownBy(() -> readAll("{\"a\":" + "9".repeat(1001) + "}")).isInstanceOf(JSONException.class);
    }

    @Test
    void aNegativeZeroKeepsItsSignAndANameLongerThanJacksonReadsIsRefused() {
        try (JsonCursor json = cursor("{\"a\":-0.0,\"b\":-0e0,\"c\":-0}")) {
            json.enterObject();
            json.firstName();
            assertThat(json.scalar()).isEqualTo(DoubleNode.valueOf(-0.0));
            json.nextName();
            assertThat(json.scalar()).isEqualTo(DoubleNode.valueOf(-0.0));
            json.nextName();
            assertThat(json.scalar()).isEqualTo(0L);
        }

        assertThatThrownBy(() -> readAll("{\"" + "n".repeat(50_001) + "\":1}")).isInstanceOf(JSONException.class);
        assertThatThrownBy(() -> readAll("{\"z\":{\"" + "n".repeat(50_001) + "\":1}}"))
                .isInstanceOf(JSONException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1 2]", "[1,2,]"})
    void anArrayWithAMissingOrTrailingCommaIsRefused(String array) {
        assertThatThrownBy(() -> {
                    try (JsonCursor json = cursor(array)) {
                        json.enterArray();
                        for (boolean first = true; !json.arrayEnds(first); first = false) {
                            json.skip();
                        }
                    }
                })
                .isInstanceOf(JSONException.class);
    }

    @Test
    void malformedUtf8IsRefusedAndWellFormedTextReadsAsWritten() {
        byte[] malformed = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};
        assertThatThrownBy(() -> JsonCursor.ofLine(Amid.line(malformed))).isInstanceOf(JSONException.class);

        try (JsonCursor json = cursor("{\"a\":\"caf\u00e9 \u00fcber \u2603\"}")) {
            json.enterObject();
            json.firstName();
            assertThat(json.scalar()).isEqualTo("caf\u00e9 \u00fcber \u2603");
        }
    }

    @Test
    void anObjectWhereAScalarBelongsIsTheTreeJacksonBuildsOfIt() throws Exception {
        String value = "{\"b\":[1,\"x\",true,null,1.5,4294967296,-3],\"c\":{}}";
        try (JsonCursor json = cursor("{\"a\":" + value + "}")) {
            json.enterObject();
            json.firstName();

            assertThat(json.scalar()).isEqualTo(new ObjectMapper().readTree(value));
        }
    }

    @Test
    void objectsAndArraysNestedDeeperThanJacksonReadsAreRefusedWhereTheyStart() {
        // Jackson reads 1,000 levels, the outer object counted: this line is as deep as it goes.
        String thousand = "{\"a\":" + "[".repeat(999) + "]".repeat(999) + "}";
        String deeper = "{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}";
        String deepObjects = "{\"a\":" + "{\"b\":".repeat(100_000) + "1" + "}".repeat(100_001);
        String quoted = "{\"a\":\"" + "{".repeat(5000) + "\"}";

        for (String line : List.of(thousand, quoted)) {
            try (JsonCursor json = cursor(line)) {
                json.enterObject();
                json.firstName();
                json.skip();
                assertThat(json.nextName()).isNull();
            }
        }
        for (String line : List.of(deeper, deepObjects)) {
            try (JsonCursor json = cursor(line)) {
                json.enterObject();
                json.firstName();
                assertThatThrownBy(json::skip).isInstanceOf(JSONException.class).hasMessageContaining("1000");
            }
            try (JsonCursor json = cursor(line)) {
                assertThatThrownBy(json::node).isInstanceOf(JSONException.class);
            }
        }
    }

    private static void readAll(String text) {
        try (JsonCursor json = cursor(text)) {
            json.enterObject();
            for (String name = json.firstName(); name != null; name = json.nextName()) {
                if (name.equals("z")) {
                    json.skip();
                } else {
                    json.scalar();
                }
            }
            if (!json.atEnd()) {
                // What the readers of lines do with a record followed by anything but spaces.
                throw new JSONException("more after the record");
            }
        }
    }

    private static JsonCursor cursor(String text) {
        return JsonCursor.ofLine(Amid.line(text));
    }
}
