package io.sightline.remediation.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sightline.remediation.Log4ShellScenario;
import io.sightline.storyboard.Storyboard;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery against a JDK HttpServer on 127.0.0.1: an endpoint that takes the payload, one that
 * fails twice before it does, one that always fails and one that refuses the payload. Waits
 * between attempts are recorded by a fake sleeper instead of slept.
 */
class WebhookSenderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private final AtomicInteger downCalls = new AtomicInteger();
    private final AtomicInteger refusedCalls = new AtomicInteger();
    private final List<Duration> waits = new ArrayList<>();
    private HttpServer server;
    private WebhookSender sender;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", exchange -> {
            bodies.add(read(exchange.getRequestBody()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.createContext("/flaky", exchange -> {
            read(exchange.getRequestBody());
            exchange.sendResponseHeaders(flakyCalls.incrementAndGet() <= 2 ? 503 : 200, -1);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            read(exchange.getRequestBody());
            downCalls.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.createContext("/refuses", exchange -> {
            read(exchange.getRequestBody());
            refusedCalls.incrementAndGet();
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
        });
        server.start();
        Clock clock = Clock.fixed(Instant.parse("2024-11-14T10:00:00Z"), ZoneOffset.UTC);
        sender = new WebhookSender(HttpClient.newHttpClient(), RetryPolicy.DEFAULTS, waits::add, clock);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void storyboardEventIsDeliveredOnTheFirstAttempt() throws IOException {
        Storyboard attack = Log4ShellScenario.attack();
        Delivery delivery = sender.send(url("/ok"), "webhook", attack.id(), Payloads.webhook(attack));

        assertThat(delivery.delivered()).isTrue();
        assertThat(delivery.attempts())
                .singleElement()
                .satisfies(a -> assertThat(a.status()).isEqualTo(OptionalInt.of(204)));
        assertThat(waits).isEmpty();
        JsonNode body = MAPPER.readTree(bodies.getFirst());
        assertThat(body.path("event").asText()).isEqualTo("storyboard");
        assertThat(body.path("id").asText()).isEqualTo(attack.id());
        assertThat(body.path("severity").asText()).isEqualTo("critical");
        assertThat(body.path("pods").toString())
                .contains("payments/orders-api-mk27884nf2-knqbq", "inventory/inventory-svc-mcxr5jjvj-ktlmq");
    }

    @Test
    void failingEndpointIsRetriedWithBackoffUntilItTakesThePayload() {
        Storyboard attack = Log4ShellScenario.attack();
        Delivery delivery = sender.send(url("/flaky"), "ticket", attack.id(), Payloads.ticket(attack));

        assertThat(delivery.delivered()).isTrue();
        assertThat(delivery.attempts()).extracting(a -> a.status().orElse(-1)).containsExactly(503, 503, 200);
        assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
    }

    @Test
    void endpointThatNeverRecoversIsReportedAfterTheLastAttempt() {
        Delivery delivery = sender.send(url("/down"), "webhook", "sb-x", "{}");

        assertThat(delivery.delivered()).isFalse();
        assertThat(delivery.attempts()).hasSize(4).allMatch(a -> a.error().equals("HTTP 500"));
        assertThat(downCalls).hasValue(4);
        assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(2000));
        assertThat(DeliveryLog.toJson(delivery)).contains("\"delivered\":false", "\"status\":500", "\"attempt\":4");
    }

    @Test
    void refusedPayloadIsNotRetried() {
        Delivery delivery = sender.send(url("/refuses"), "webhook", "sb-x", "{}");

        assertThat(delivery.delivered()).isFalse();
        assertThat(delivery.attempts()).hasSize(1);
        assertThat(refusedCalls).hasValue(1);
    }

    @Test
    void closedPortIsAConnectionFailureRetriedAndReported() throws IOException {
        URI closed;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/gone");
        }
        Delivery delivery = new WebhookSender(
                        HttpClient.newHttpClient(),
                        RetryPolicy.DEFAULTS.withMaxAttempts(2),
                        waits::add,
                        Clock.systemUTC())
                .send(closed, "webhook", "sb-x", "{}");

        assertThat(delivery.delivered()).isFalse();
        assertThat(delivery.attempts())
                .hasSize(2)
                .allMatch(a -> a.status().isEmpty() && a.error().equals("connection refused to " + closed));
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
