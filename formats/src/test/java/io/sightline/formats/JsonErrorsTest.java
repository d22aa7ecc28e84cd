package io.sightline.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Jackson's messages for broken JSON, as a user reads them: what is wrong, not which setting would allow it. */
class JsonErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Test
    void aCommentNaNDeepNestingAndASecondValueAreSaidWithoutJacksonsSettings() {
        assertThat(describe("// hello\n{\"a\":1}"))
                .isEqualTo("Unexpected character ('/' (code 47)): maybe a (non-standard) comment?");
        assertThat(describe("{\"pid\": NaN}")).isEqualTo("Non-standard token 'NaN'");
        assertThat(describe("[".repeat(1001) + "]".repeat(1001)))
                .isEqualTo("Document nesting depth (1001) exceeds the maximum allowed (1000)");
        assertThat(describe("{\"a\":1} {\"b\":2}")).isEqualTo("another JSON value follows the first on the same line");
    }

    @Test
    void aDocumentCutShortKeepsWhatIsMissingAndLosesWhereJacksonStartedReading() {
        assertThat(describe("{\n  \"Results\": [\n    {\"Target\": \"x\""))
                .isEqualTo("Unexpected end-of-input: expected close marker for Object");
    }

    private static String describe(String text) {
        return JsonErrors.describe(catchThrowableOfType(JsonProcessingException.class, () -> JSON.readTree(text)));
    }
}
