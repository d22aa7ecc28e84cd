package io.sightline.server.api;

import io.javalin.http.sse.SseClient;
import io.sightline.storyboard.StoryboardChange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-sent-events stream of storyboard changes. The engine thread hands each batch's changes
 * here; a separate sender thread writes them to the clients, so a slow client never holds the
 * engine up. A client whose token was revoked is closed at the next change it would have been sent.
 *
 * <p>Thread safe.
 */
final class EventStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final Map<SseClient, String> clients = new ConcurrentHashMap<>();
    private final Predicate<String> tokenValid;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("sightline-sse").daemon().factory());

    /** @param tokenValid whether a token still authenticates (false once revoked) */
    EventStream(Predicate<String> tokenValid) {
        this.tokenValid = tokenValid;
    }

    void join(SseClient client, String token, long appliedSeq) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.put(client, token);
        // Tells the client it is subscribed: changes after appliedSeq will reach it.
        client.sendEvent("ready", "{\"applied_seq\":" + appliedSeq + "}");
    }

    void publish(List<StoryboardChange> changes) {
        if (clients.isEmpty()) {
            return;
        }
        List<String> payloads = changes.stream()
                .map(change -> ApiJson.change(change).toString())
                .toList();
        List<String> types = changes.stream().map(c -> c.type().label()).toList();
        sender.execute(() -> {
            for (Map.Entry<SseClient, String> entry : clients.entrySet()) {
                SseClient client = entry.getKey();
                if (!tokenValid.test(entry.getValue())) {
                    LOG.info("Closing an event stream whose token is no longer valid");
                    clients.remove(client);
                    client.close();
                    continue;
                }
                for (int i = 0; i < payloads.size(); i++) {
                    try {
                        client.sendEvent(types.get(i), payloads.get(i));
                    } catch (RuntimeException e) {
                        LOG.debug("Dropping event stream client cause={}", e.toString());
                        clients.remove(client);
                        break;
                    }
                }
            }
        });
    }

    int clients() {
        return clients.size();
    }

    @Override
    public void close() {
        sender.shutdownNow();
        clients.keySet().forEach(SseClient::close);
    }
}
