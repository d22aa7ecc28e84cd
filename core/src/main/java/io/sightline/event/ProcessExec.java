package io.sightline.event;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** A process started (execve). */
public record ProcessExec(SourceRecord source, Instant time, ProcessRef process, Optional<ProcessRef> parent)
        implements ProcessEvent {

    public ProcessExec {
        requireNonNull(source, "source is null");
        requireNonNull(time, "time is null");
        requireNonNull(process, "process is null");
        requireNonNull(parent, "parent is null");
    }

    @Override
    public ProcessExec withSource(SourceRecord other) {
        return new ProcessExec(other, time, process, parent);
    }
}
