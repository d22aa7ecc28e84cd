package io.sightline.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A relist that runs beside informers: what they wrote after the list began is newer than the list. */
class AssetStoreRelistTest {

    private static final String SOURCE = "prod";
    private static final ObjectKey KEPT = new ObjectKey("Pod", "web", "kept");
    private static final ObjectKey MISSED = new ObjectKey("Pod", "web", "missed");
    private static final ObjectKey ADDED = new ObjectKey("Pod", "web", "added");

    private final AssetStore store = new AssetStore(Clock.systemUTC());

    @Test
    void objectNotListedAndUntouchedSinceTheListBeganIsSwept() {
        store.upsert(SOURCE, KEPT, pod("1"));
        store.upsert(SOURCE, MISSED, pod("1"));
        long mark = store.mark();

        store.replaceKindListedAfter(SOURCE, "Pod", Map.of(KEPT, pod("2")), mark);

        assertThat(store.object(SOURCE, MISSED).orElseThrow().live()).isFalse();
        assertThat(store.object(SOURCE, KEPT).orElseThrow().object().path("rv").asText())
                .isEqualTo("2");
    }

    @Test
    void objectAnInformerAddedAfterTheListBeganIsNotSwept() {
        long mark = store.mark();
        store.upsert(SOURCE, ADDED, pod("5"));

        store.replaceKindListedAfter(SOURCE, "Pod", Map.of(), mark);

        assertThat(store.object(SOURCE, ADDED).orElseThrow().live()).isTrue();
    }

    @Test
    void objectAnInformerDeletedAfterTheListBeganStaysGone() {
        store.upsert(SOURCE, KEPT, pod("1"));
        long mark = store.mark();
        store.markGone(SOURCE, KEPT);

        store.replaceKindListedAfter(SOURCE, "Pod", Map.of(KEPT, pod("1")), mark);

        assertThat(store.object(SOURCE, KEPT).orElseThrow().live()).isFalse();
    }

    @Test
    void objectAnInformerUpdatedAfterTheListBeganKeepsTheNewerCopy() {
        store.upsert(SOURCE, KEPT, pod("1"));
        long mark = store.mark();
        store.upsert(SOURCE, KEPT, pod("3"));

        store.replaceKindListedAfter(SOURCE, "Pod", Map.of(KEPT, pod("2")), mark);

        assertThat(store.object(SOURCE, KEPT).orElseThrow().object().path("rv").asText())
                .isEqualTo("3");
    }

    private static JsonNode pod(String resourceVersion) {
        return JsonNodeFactory.instance.objectNode().put("rv", resourceVersion);
    }
}
