package io.sightline.event;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A process as one record describes it. {@code execId} is the sensor's own unique id where it has
 * one (Tetragon {@code exec_id}, GuardDuty process {@code Uuid}); the engine keys processes on
 * {@link #key()} and keeps the sensor ids as aliases.
 */
public record ProcessRef(
        String host,
        long pid,
        Instant startTime,
        String executable,
        String arguments,
        Optional<String> execId,
        Optional<ContainerContext> container,
        OptionalLong uid) {

    public ProcessRef {
        requireNonNull(host, "host is null");
        requireNonNull(startTime, "startTime is null");
        requireNonNull(executable, "executable is null");
        requireNonNull(arguments, "arguments is null");
        requireNonNull(execId, "execId is null");
        requireNonNull(container, "container is null");
        requireNonNull(uid, "uid is null");
    }

    public ProcessKey key() {
        return new ProcessKey(host, pid, startTime.getEpochSecond() * 1_000_000_000L + startTime.getNano());
    }

    /** The executable's file name: {@code /usr/bin/curl} is {@code curl}. */
    public String name() {
        int slash = executable.lastIndexOf('/');
        return slash >= 0 ? executable.substring(slash + 1) : executable;
    }
}
