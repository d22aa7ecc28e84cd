package io.sightline.event;

import static java.util.Objects.requireNonNull;

/**
 * The identity of one process, unique across hosts and time: host, host pid and start time in
 * epoch nanoseconds. A reused pid has another start time, so it never joins the earlier process.
 * Tetragon's {@code pid}/{@code start_time} and Falco's {@code proc.pid}/{@code proc.pid.ts}
 * give the same key for the same exec.
 */
public record ProcessKey(String host, long pid, long startNanos) {

    public ProcessKey {
        requireNonNull(host, "host is null");
    }

    @Override
    public String toString() {
        return host + "/" + pid + "@" + startNanos;
    }
}
