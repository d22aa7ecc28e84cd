package io.sightline.event;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A process as one record describes it. {@code execId} is the sensor's own unique id where it has
 * one (Tetragon {@code exec_id}, GuardDuty process {@code Uuid}, Sysmon {@code ProcessGuid}); the
 * engine keys processes on {@link #key()} and keeps the sensor ids as aliases.
 *
 * <p>When {@code startKnown} is false the record names the process by host and pid only (auditd
 * gives a parent as {@code ppid} and nothing more): {@code startTime} is then a time the process
 * was seen alive, and its start was no later. The engine resolves such a reference to the newest
 * process of that pid that started by then. See {@link #seenAlive}.
 */
public record ProcessRef(
        String host,
        long pid,
        Instant startTime,
        String executable,
        String arguments,
        Optional<String> execId,
        Optional<ContainerContext> container,
        OptionalLong uid,
        boolean startKnown) {

    /** {@link ProcessKey#startNanos()} of a process whose start no record gave. */
    public static final long UNKNOWN_START = Long.MIN_VALUE;

    public ProcessRef {
        requireNonNull(host, "host is null");
        requireNonNull(startTime, "startTime is null");
        requireNonNull(executable, "executable is null");
        requireNonNull(arguments, "arguments is null");
        requireNonNull(execId, "execId is null");
        requireNonNull(container, "container is null");
        requireNonNull(uid, "uid is null");
    }

    /** A process whose start time the record gives. */
    public ProcessRef(
            String host,
            long pid,
            Instant startTime,
            String executable,
            String arguments,
            Optional<String> execId,
            Optional<ContainerContext> container,
            OptionalLong uid) {
        this(host, pid, startTime, executable, arguments, execId, container, uid, true);
    }

    /**
     * A process known by host and pid only, alive at {@code seenAt}: the newest process of that pid
     * started by then. {@code executable} is empty when the record does not say.
     */
    public static ProcessRef seenAlive(
            String host, long pid, Instant seenAt, String executable, String arguments, OptionalLong uid) {
        return new ProcessRef(host, pid, seenAt, executable, arguments, Optional.empty(), Optional.empty(), uid, false);
    }

    /**
     * The process's identity. For a reference by pid only ({@code !startKnown}) this is the key of
     * "the process of this pid that started before anything the sensors saw", with start {@link
     * #UNKNOWN_START}.
     */
    public ProcessKey key() {
        long startNanos =
                startKnown ? startTime.getEpochSecond() * 1_000_000_000L + startTime.getNano() : UNKNOWN_START;
        return new ProcessKey(host, pid, startNanos);
    }

    /** The executable's file name: {@code /usr/bin/curl} is {@code curl}. */
    public String name() {
        int slash = executable.lastIndexOf('/');
        return slash >= 0 ? executable.substring(slash + 1) : executable;
    }
}
