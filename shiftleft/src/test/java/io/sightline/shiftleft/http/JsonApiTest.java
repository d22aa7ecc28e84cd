package io.sightline.shiftleft.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sightline.shiftleft.StubServer;
import io.sightline.shiftleft.StubServer.Reply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retries as the policy says: Retry-After honoured, attempts bounded, long waits refused. */
class JsonApiTest {

    private final List<Duration> slept = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private final JsonApi api =
            new JsonApi(new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(60)), slept::add, clock);

    @Test
    void aServerThatKeepsAnswering429FailsAfterTheLastAttemptHavingWaitedWhatItAsked() throws Exception {
        try (StubServer server = new StubServer(r -> new Reply(429, Map.of("Retry-After", "5"), ""))) {
            assertThatThrownBy(() -> api.get(server.uri("/x"), Map.of()))
                    .isInstanceOf(ApiException.class)
                    .hasMessage("GET " + server.uri("/x") + ": HTTP 429 on all 3 attempts");
            assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void aWaitLongerThanTheMaximumIsNotWaitedFor() throws Exception {
        try (StubServer server = new StubServer(r -> new Reply(429, Map.of("Retry-After", "3600"), ""))) {
            assertThatThrownBy(() -> api.get(server.uri("/x"), Map.of()))
                    .hasMessageEndingWith("HTTP 429, the server asks to wait 3600 s (Retry-After), more than the 60 s"
                            + " a sync waits; not retried");
            assertThat(slept).isEmpty();
        }
    }

    @Test
    void withoutRetryAfterA503BacksOffDoublingThenSucceeds() throws Exception {
        List<Integer> statuses = new ArrayList<>(List.of(503, 503, 200));
        try (StubServer server = new StubServer(r -> new Reply(statuses.removeFirst(), Map.of(), "{\"ok\":true}"))) {
            assertThat(api.get(server.uri("/x"), Map.of()).body().path("ok").asBoolean())
                    .isTrue();
            assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
        }
    }

    @Test
    void retryAfterAsAnHttpDateIsTheTimeUntilThen() throws Exception {
        List<Integer> statuses = new ArrayList<>(List.of(429, 200));
        try (StubServer server = new StubServer(
                r -> new Reply(statuses.removeFirst(), Map.of("Retry-After", "Sun, 01 Mar 2026 12:00:30 GMT"), "[]"))) {
            api.get(server.uri("/x"), Map.of());
            assertThat(slept).containsExactly(Duration.ofSeconds(30));
        }
    }

    @Test
    void otherStatusesFailAtOnceWithTheServersWords() throws Exception {
        try (StubServer server = new StubServer(r -> new Reply(
                404, Map.of(), "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"project x not found\"}]}"))) {
            assertThatThrownBy(() -> api.get(server.uri("/x"), Map.of()))
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.isNotFound()).isTrue())
                    .hasMessage("GET " + server.uri("/x") + ": HTTP 404 (project x not found)");
            assertThat(slept).isEmpty();
        }
    }
}
