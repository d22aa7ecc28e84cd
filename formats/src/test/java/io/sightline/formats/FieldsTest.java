package io.sightline.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DateTimeException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2024-11-14T09:06:13.611000000Z",
                "2024-11-14T09:06:13Z",
                "2024-11-14T09:06:13.6Z",
                "2024-11-14T09:08:52.309000Z",
                "2024-02-29T23:59:59.999999999Z",
                "1970-01-01T00:00:00Z",
                "2024-11-14T09:06:13.611+01:00",
                "2024-11-14T09:06:13.611000000+00:00"
            })
    void readsTimestampsAsInstantParseDoes(String text) {
        assertThat(Fields.parseInstant(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-11-14T25:00:00Z", "yesterday"})
    void refusesImpossibleTimestamps(String text) {
        assertThatThrownBy(() -> Fields.parseInstant(text)).isInstanceOf(DateTimeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-30T00:00:00Z", "yesterday"})
    void anImpossibleTimestampNamesTheField(String text) throws Exception {
        var node = new ObjectMapper().readTree("{\"process\":{\"start_time\":\"" + text + "\"}}");

        assertThatThrownBy(() -> Fields.instant(node, "process.start_time"))
                .isInstanceOf(RecordException.class)
                .hasMessage("field process.start_time: expected an RFC 3339 timestamp, got '" + text + "'");
    }
}
