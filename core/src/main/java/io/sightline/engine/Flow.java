package io.sightline.engine;

import io.sightline.event.Endpoint;
import io.sightline.event.NetworkFlow;
import io.sightline.event.SourceRecord;
import java.time.Instant;

/**
 * One connection end as the engine keeps it: the parsed record is dropped and only what matching
 * needs stays, the two ends as interned addresses and ports rather than endpoint objects (the
 * flows in the retention are most of what the engine holds). {@code nextSameClient} chains flows
 * that share a client end, so an index entry costs one slot and no list. About 56 bytes.
 */
final class Flow {

    final ProcessNode node;
    final boolean inbound;
    final Address localAddress;
    final int localPort;
    final Address remoteAddress;
    final int remotePort;
    private final long nanos;
    private final String file;
    private final int line;
    Flow nextSameClient;
    /** In the engine's index of flows by client end; see {@code StoryboardEngine.indexConnect}. */
    boolean indexed;
    /** Behind the link horizon: never indexed again. */
    boolean expired;
    /**
     * Already a step of a trail, which it joined through the attacker address it dialled before
     * its process was on the trail; putting the process on the trail tags it but tells it no more.
     */
    boolean told;
    /**
     * Later connects of the process to the same remote end, dropped behind the link horizon while
     * this one was kept (see {@link ProcessNode#settle}); a trail's step counts them.
     */
    int repeats;

    Flow(ProcessNode node, NetworkFlow flow, Address localAddress, Address remoteAddress) {
        this.node = node;
        this.inbound = flow.direction() == NetworkFlow.Direction.INBOUND;
        this.localAddress = localAddress;
        this.localPort = flow.local().port();
        this.remoteAddress = remoteAddress;
        this.remotePort = flow.remote().port();
        this.nanos = EventNanos.of(flow.time());
        this.file = flow.source().file();
        this.line = flow.source().line();
    }

    /** An address and a port in one long, never 0: the address's number above the 16 bits of the port. */
    static long key(Address address, int port) {
        return (address.number << 16) | port;
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

    Endpoint local() {
        return new Endpoint(localAddress.text, localPort);
    }

    Endpoint remote() {
        return new Endpoint(remoteAddress.text, remotePort);
    }

    /** The local end's key: what the accept on the other side of a connect is indexed by. */
    long localKey() {
        return key(localAddress, localPort);
    }

    /** The remote end's key: what the connect on the other side of an accept is indexed by. */
    long remoteKey() {
        return key(remoteAddress, remotePort);
    }

    /** The client end's key: the local end of a connect, the remote end of an accept. */
    long clientKey() {
        return inbound ? remoteKey() : localKey();
    }
}
