package io.sightline.event;

import java.time.Instant;

/** One runtime record from a sensor, reduced to what the engine stitches on. */
public sealed interface RuntimeEvent permits ProcessEvent, ApiCall, Detection {

    SourceRecord source();

    Instant time();
}
