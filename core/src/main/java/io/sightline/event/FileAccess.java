package io.sightline.event;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** A process read or wrote a file. */
public record FileAccess(
        SourceRecord source, Instant time, ProcessRef process, Optional<ProcessRef> parent, String path, Mode mode)
        implements ProcessEvent {

    public enum Mode {
        READ,
        WRITE
    }

    public FileAccess {
        requireNonNull(source, "source is null");
        requireNonNull(time, "time is null");
        requireNonNull(process, "process is null");
        requireNonNull(parent, "parent is null");
        requireNonNull(path, "path is null");
        requireNonNull(mode, "mode is null");
    }

    @Override
    public FileAccess withSource(SourceRecord other) {
        return new FileAccess(other, time, process, parent, path, mode);
    }
}
