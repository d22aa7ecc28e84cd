package io.sightline.event;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A TCP connection seen at one end: {@link Direction#OUTBOUND} for a connect, {@link
 * Direction#INBOUND} for an accept. {@code local} is always this process's end.
 */
public record NetworkFlow(
        SourceRecord source,
        Instant time,
        ProcessRef process,
        Optional<ProcessRef> parent,
        Direction direction,
        Endpoint local,
        Endpoint remote)
        implements ProcessEvent {

    public enum Direction {
        OUTBOUND,
        INBOUND
    }

    public NetworkFlow {
        requireNonNull(source, "source is null");
        requireNonNull(time, "time is null");
        requireNonNull(process, "process is null");
        requireNonNull(parent, "parent is null");
        requireNonNull(direction, "direction is null");
        requireNonNull(local, "local is null");
        requireNonNull(remote, "remote is null");
    }

    @Override
    public NetworkFlow withSource(SourceRecord other) {
        return new NetworkFlow(other, time, process, parent, direction, local, remote);
    }
}
