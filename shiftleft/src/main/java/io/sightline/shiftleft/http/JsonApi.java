package io.sightline.shiftleft.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GETs JSON from a vendor API with the retry policy: HTTP 429 and 503 (and 502/504) are retried
 * after the server's {@code Retry-After} (seconds or an HTTP date) or a doubling backoff, at most
 * {@link RetryPolicy#maxAttempts()} times in all; any other status fails at once with an {@link
 * ApiException} that names the status, the URL and the server's own error text. Thread safe.
 */
public final class JsonApi {

    private static final Logger log = LoggerFactory.getLogger(JsonApi.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<Integer> RETRIED = Set.of(429, 502, 503, 504);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final int DETAIL_LIMIT = 200;

    /** A response body with the headers that carry paging (a {@code Link} header) and the URL it came from. */
    public record Response(URI uri, JsonNode body, HttpHeaders headers) {}

    private final HttpClient client;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final Clock clock;

    public JsonApi(RetryPolicy policy, Sleeper sleeper, Clock clock) {
        this(
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(20))
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build(),
                policy,
                sleeper,
                clock);
    }

    JsonApi(HttpClient client, RetryPolicy policy, Sleeper sleeper, Clock clock) {
        this.client = requireNonNull(client, "client is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * @throws ApiException when the request fails for good
     * @throws InterruptedException when interrupted while waiting to retry
     */
    public Response get(URI uri, Map<String, String> headers) throws InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
        headers.forEach(request::header);
        HttpRequest built = request.build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                response = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt >= policy.maxAttempts()) {
                    throw new ApiException(
                            uri, "GET " + uri + " failed after " + attempt + " attempts: " + e.getMessage(), e);
                }
                Duration wait = policy.backoff(attempt);
                log.warn(
                        "uri={} attempt={} of {} error={}; retrying in {}",
                        uri,
                        attempt,
                        policy.maxAttempts(),
                        e,
                        wait);
                sleeper.sleep(wait);
                continue;
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                return new Response(uri, parse(uri, response.body()), response.headers());
            }
            if (!RETRIED.contains(status)) {
                throw new ApiException(status, uri, "GET " + uri + ": HTTP " + status + detail(response.body()));
            }
            Optional<Duration> asked = retryAfter(response.headers());
            if (asked.isPresent() && asked.get().compareTo(policy.maxWait()) > 0) {
                throw new ApiException(
                        status,
                        uri,
                        "GET " + uri + ": HTTP " + status + ", the server asks to wait "
                                + asked.get().toSeconds()
                                + " s (Retry-After), more than the "
                                + policy.maxWait().toSeconds()
                                + " s a sync waits; not retried");
            }
            if (attempt >= policy.maxAttempts()) {
                throw new ApiException(
                        status,
                        uri,
                        "GET " + uri + ": HTTP " + status + " on all " + attempt + " attempts"
                                + detail(response.body()));
            }
            Duration wait = asked.orElse(policy.backoff(attempt));
            log.warn(
                    "uri={} status={} attempt={} of {}; retrying in {}",
                    uri,
                    status,
                    attempt,
                    policy.maxAttempts(),
                    wait);
            sleeper.sleep(wait);
        }
    }

    private static JsonNode parse(URI uri, byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ApiException(200, uri, "GET " + uri + ": the response is not JSON (" + e.getMessage() + ")");
        }
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110 section 10.2.3). */
    Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::strip);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String text = value.get();
        if (text.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            log.warn("retryAfter=[{}] is neither seconds nor an HTTP date; using the backoff", text);
            return Optional.empty();
        }
    }

    /** The server's own words: JSON:API {@code errors[].detail} (Snyk), {@code errors[].message} (Harbor), or the text. */
    private static String detail(byte[] body) {
        String text;
        try {
            JsonNode root = MAPPER.readTree(body);
            JsonNode error = root == null ? null : root.path("errors").path(0);
            if (error != null && error.isObject()) {
                text = error.path("detail").asText(error.path("message").asText(""));
            } else {
                text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
        text = text.strip().replaceAll("\\s+", " ");
        if (text.isEmpty()) {
            return "";
        }
        return " (" + (text.length() > DETAIL_LIMIT ? text.substring(0, DETAIL_LIMIT) + "..." : text) + ")";
    }
}
