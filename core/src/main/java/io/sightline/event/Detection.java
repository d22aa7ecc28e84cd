package io.sightline.event;

import static java.util.Objects.requireNonNull;

import io.sightline.finding.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A third-party detection: a Falco alert or a GuardDuty finding. It names the process when the
 * sensor knows it (Falco gives host pid and start time, GuardDuty pid and start time to the
 * millisecond), so the engine can attach it to the process node another sensor built.
 * {@code parentPid} is set when only the parent's pid is known.
 */
public record Detection(
        SourceRecord source,
        Instant time,
        String sensor,
        String rule,
        Severity severity,
        List<String> techniques,
        String summary,
        Optional<String> host,
        Optional<ProcessRef> process,
        OptionalLong parentPid,
        Optional<ContainerContext> container,
        List<Endpoint> remotes)
        implements RuntimeEvent {

    public Detection {
        requireNonNull(source, "source is null");
        requireNonNull(time, "time is null");
        requireNonNull(sensor, "sensor is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(severity, "severity is null");
        techniques = List.copyOf(techniques);
        requireNonNull(summary, "summary is null");
        requireNonNull(host, "host is null");
        requireNonNull(process, "process is null");
        requireNonNull(parentPid, "parentPid is null");
        requireNonNull(container, "container is null");
        remotes = List.copyOf(remotes);
    }

    @Override
    public Detection withSource(SourceRecord other) {
        return new Detection(
                other, time, sensor, rule, severity, techniques, summary, host, process, parentPid, container, remotes);
    }
}
