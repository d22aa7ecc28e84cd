package io.sightline.engine;

import io.sightline.event.Endpoint;
import io.sightline.event.NetworkFlow;
import io.sightline.event.SourceRecord;
import java.time.Instant;

/**
 * One connection end as the engine keeps it: the parsed record is dropped and only what matching
 * needs stays. {@code nextSameClient} chains flows that share a client endpoint, so an index
 * entry costs one map slot and no list. About 48 bytes, plus the client endpoint.
 */
final class Flow {

    final ProcessNode node;
    final boolean inbound;
    final Endpoint local;
    final Endpoint remote;
    private final long nanos;
    private final String file;
    private final int line;
    Flow nextSameClient;
    /** In the engine's index of flows by client end; see {@code StoryboardEngine.indexConnect}. */
    boolean indexed;
    /** Behind the retention: never indexed again. */
    boolean expired;

    Flow(ProcessNode node, NetworkFlow flow, Endpoint local, Endpoint remote) {
        this.node = node;
        this.inbound = flow.direction() == NetworkFlow.Direction.INBOUND;
        this.local = local;
        this.remote = remote;
        this.nanos = EventNanos.of(flow.time());
        this.file = flow.source().file();
        this.line = flow.source().line();
    }

    Instant time() {
        return EventNanos.instant(nanos);
    }

    long nanos() {
        return nanos;
    }

    SourceRecord source() {
        return new SourceRecord(file, line);
    }

    /** The client end: the local end of a connect, the remote end of an accept. */
    Endpoint client() {
        return inbound ? remote : local;
    }
}
