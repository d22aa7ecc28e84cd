package io.sightline.formats.telemetry;

import io.sightline.event.ProcessRef;
import io.sightline.formats.telemetry.TetragonRecord.Pod;
import io.sightline.formats.telemetry.TetragonRecord.Process;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The process each Tetragon description seen lately was built into, per reading thread. Every
 * record describes its process and parent in full, a kprobe's process thousands of times over,
 * and building one means parsing its start time and container and hashing the result to share
 * it. A description is known when every field the process is built from is equal to the one
 * remembered under its exec id, so the process is the one that building it again would give.
 *
 * <p>Bounded like {@link SharedValues}: at {@link #CAPACITY} descriptions it starts again empty.
 */
final class DescribedProcesses {

    private static final int CAPACITY = 1 << 12;

    private static final ThreadLocal<Map<String, Described>> SEEN = ThreadLocal.withInitial(HashMap::new);

    private DescribedProcesses() {}

    /** The process built from an equal description on this thread, or {@code null}. */
    static ProcessRef known(String execId, Object host, Process fields) {
        Described described = SEEN.get().get(execId);
        return described != null && described.matches(host, fields) ? described.process : null;
    }

    static void remember(String execId, Object host, Process fields, ProcessRef process) {
        Map<String, Described> seen = SEEN.get();
        if (seen.size() >= CAPACITY) {
            seen.clear();
        }
        seen.put(execId, new Described(host, fields, process));
    }

    private record Described(Object host, Process fields, ProcessRef process) {

        boolean matches(Object otherHost, Process other) {
            return Objects.equals(host, otherHost)
                    && Objects.equals(fields.pid, other.pid)
                    && Objects.equals(fields.startTime, other.startTime)
                    && Objects.equals(fields.binary, other.binary)
                    && Objects.equals(fields.arguments, other.arguments)
                    && Objects.equals(fields.uid, other.uid)
                    && Objects.equals(fields.docker, other.docker)
                    && samePod(fields.pod, other.pod);
        }

        private static boolean samePod(Pod a, Pod b) {
            if (a == null || b == null) {
                return a == b;
            }
            return Objects.equals(a.namespace, b.namespace)
                    && Objects.equals(a.name, b.name)
                    && Objects.equals(a.containerId, b.containerId)
                    && Objects.equals(a.containerName, b.containerName)
                    && Objects.equals(a.imageId, b.imageId)
                    && Objects.equals(a.imageName, b.imageName);
        }
    }
}
