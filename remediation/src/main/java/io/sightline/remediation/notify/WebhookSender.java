package io.sightline.remediation.notify;

import static java.util.Objects.requireNonNull;

import io.sightline.formats.IoReasons;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs JSON payloads with bounded retries and returns a {@link Delivery} record of every attempt.
 * Never throws for a failed delivery: the record says what happened.
 *
 * <p>Thread-safe if its {@link HttpClient} and {@link Sleeper} are.
 */
public final class WebhookSender {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final HttpClient http;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final Clock clock;

    public WebhookSender(HttpClient http, RetryPolicy policy, Sleeper sleeper, Clock clock) {
        this.http = requireNonNull(http, "http is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Delivery send(URI target, String kind, String subject, String json) {
        List<Delivery.Attempt> attempts = new ArrayList<>();
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            Duration wait = attempt == 1 ? Duration.ZERO : policy.backoffBefore(attempt);
            if (!wait.isZero()) {
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    attempts.add(new Delivery.Attempt(
                            attempt, clock.instant(), OptionalInt.empty(), "interrupted while waiting to retry", wait));
                    return new Delivery(target.toString(), kind, subject, false, attempts);
                }
            }
            HttpRequest request = HttpRequest.newBuilder(target)
                    .timeout(policy.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "sightline")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                    .build();
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                boolean ok = status >= 200 && status < 300;
                attempts.add(new Delivery.Attempt(
                        attempt, clock.instant(), OptionalInt.of(status), ok ? "" : "HTTP " + status, wait));
                if (ok) {
                    return new Delivery(target.toString(), kind, subject, true, attempts);
                }
                if (!RetryPolicy.retriable(status)) {
                    log.warn(
                            "webhook target={} subject={} refused with status={}; not retried",
                            target,
                            subject,
                            status);
                    return new Delivery(target.toString(), kind, subject, false, attempts);
                }
                log.warn(
                        "webhook target={} subject={} answered status={} on attempt {} of {}; retrying",
                        target,
                        subject,
                        status,
                        attempt,
                        policy.maxAttempts());
            } catch (IOException e) {
                attempts.add(
                        new Delivery.Attempt(attempt, clock.instant(), OptionalInt.empty(), failure(e, target), wait));
                log.warn(
                        "webhook target={} subject={} failed on attempt {} of {}: {}; retrying",
                        target,
                        subject,
                        attempt,
                        policy.maxAttempts(),
                        e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                attempts.add(new Delivery.Attempt(attempt, clock.instant(), OptionalInt.empty(), "interrupted", wait));
                return new Delivery(target.toString(), kind, subject, false, attempts);
            }
        }
        log.warn("webhook target={} subject={} not delivered after {} attempts", target, subject, policy.maxAttempts());
        return new Delivery(target.toString(), kind, subject, false, attempts);
    }

    /** What went wrong, in words ({@code connection refused to URL}); the HTTP client's own messages are empty. */
    static String failure(IOException e, URI target) {
        return IoReasons.of(e) + " to " + target;
    }
}
