package io.sightline.event;

import java.util.Optional;

/** A record about one process; the parent travels with it when the sensor reports it. */
public sealed interface ProcessEvent extends RuntimeEvent permits ProcessExec, ProcessExit, NetworkFlow, FileAccess {

    ProcessRef process();

    Optional<ProcessRef> parent();

    @Override
    ProcessEvent withSource(SourceRecord source);
}
