package io.sightline.event;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** A process ended. */
public record ProcessExit(SourceRecord source, Instant time, ProcessRef process, Optional<ProcessRef> parent)
        implements ProcessEvent {

    public ProcessExit {
        requireNonNull(source, "source is null");
        requireNonNull(time, "time is null");
        requireNonNull(process, "process is null");
        requireNonNull(parent, "parent is null");
    }

    @Override
    public ProcessExit withSource(SourceRecord other) {
        return new ProcessExit(other, time, process, parent);
    }
}
