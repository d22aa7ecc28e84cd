package io.sightline.engine;

import io.sightline.event.ApiCall;
import io.sightline.event.SourceRecord;
import java.time.Instant;
import java.util.List;

/**
 * A Kubernetes API call as the engine keeps it for the retention, for a trail that reaches the
 * API from the call's source address to take in: only what the trail's step and the index by
 * source need. About 48 bytes; the parsed call, with its audit id, optional fields and instant,
 * was several times that, and the API's own clients make most of the calls a cluster sees.
 */
final class KeptApiCall {

    final long nanos;
    private final String file;
    private final int line;
    final String user;
    final String verb;
    final String requestUri;
    final int status;
    final List<String> sourceIps;

    KeptApiCall(ApiCall call) {
        this.nanos = EventNanos.of(call.time());
        this.file = call.source().file();
        this.line = call.source().line();
        this.user = call.user();
        this.verb = call.verb();
        this.requestUri = call.requestUri();
        this.status = call.status();
        this.sourceIps = call.sourceIps();
    }

    Instant time() {
        return EventNanos.instant(nanos);
    }

    SourceRecord source() {
        return new SourceRecord(file, line);
    }
}
