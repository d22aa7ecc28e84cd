package io.sightline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.event.ProcessKey;
import io.sightline.event.ProcessRef;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowIndexTest {

    private final Events events = new Events();
    private final ProcessRef curl =
            Events.process("node-1", 400, 0, "/usr/bin/curl", "-s http://10.0.2.7/", Optional.empty());
    private final ProcessNode node = new ProcessNode(new ProcessKey("node-1", 400, 0), Instant.EPOCH);

    @Test
    void aNewerFlowOfTheSameClientEndReplacesTheOlderAsNewest() {
        FlowIndex index = new FlowIndex();
        Address pod = new Address("10.0.1.10", 1);
        Flow first = flow(pod, 41000);
        Flow second = flow(pod, 41000);

        assertThat(index.put(first.localKey(), first)).isNull();
        assertThat(index.put(second.localKey(), second)).isSameAs(first);

        assertThat(index.get(Flow.key(pod, 41000))).isSameAs(second);
        assertThat(index.get(Flow.key(pod, 41001))).isNull();
        assertThat(index.size()).isEqualTo(1);
        index.remove(Flow.key(pod, 41000));
        assertThat(index.get(Flow.key(pod, 41000))).isNull();
        assertThat(index.size()).isZero();
    }

    @Test
    void keysTheAddressNumberAboveThePort() {
        Address pod = new Address("10.0.1.10", 3);

        // 3 << 16 = 196608, plus port 443.
        assertThat(Flow.key(pod, 443)).isEqualTo(197_051L);
        assertThat(Flow.key(pod, 0)).isNotZero();
    }

    /**
     * Removing from a table with linear probing must move later entries of a probe run back, or
     * a search stops at the hole; a small key space makes long runs, and each step is checked
     * against a HashMap, through growth past 4,000 ends and shrinking back to a handful.
     */
    @Test
    void findsWhatAMapWouldThroughPutsRemovalsGrowthAndShrinking() {
        FlowIndex index = new FlowIndex();
        Map<Long, Flow> expected = new HashMap<>();
        Address[] addresses = {new Address("10.0.1.10", 1), new Address("10.0.1.11", 2), new Address("10.0.1.12", 3)};
        Random random = new Random(11);

        for (int step = 0; step < 60_000; step++) {
            boolean growing = step < 30_000;
            Address address = addresses[random.nextInt(addresses.length)];
            long key = Flow.key(address, random.nextInt(growing ? 2_000 : 200));
            if (random.nextInt(10) < (growing ? 6 : 3)) {
                Flow flow = flow(address, (int) (key & 0xFFFF));
                assertThat(index.put(key, flow)).isSameAs(expected.put(key, flow));
            } else {
                index.remove(key);
                expected.remove(key);
            }
            if (step % 997 == 0 || step > 59_900) {
                for (Address each : addresses) {
                    for (int port = 0; port < 2_000; port++) {
                        long probe = Flow.key(each, port);
                        assertThat(index.get(probe)).isSameAs(expected.get(probe));
                    }
                }
            }
            assertThat(index.size()).isEqualTo(expected.size());
        }
        expected.keySet().forEach(index::remove);
        assertThat(index.size()).isZero();
    }

    private Flow flow(Address local, int port) {
        return new Flow(
                node,
                events.connect(curl, 1, local.text + ":" + port, "10.0.2.7:80"),
                local,
                new Address("10.0.2.7", 9));
    }
}
