package io.sightline.event;

import java.time.Instant;

/** One runtime record from a sensor, reduced to what the engine stitches on. */
public sealed interface RuntimeEvent permits ProcessEvent, ApiCall, Detection {

    SourceRecord source();

    Instant time();

    /** The same event from another record: the one a server's log gave it once stored. */
    RuntimeEvent withSource(SourceRecord source);
}
