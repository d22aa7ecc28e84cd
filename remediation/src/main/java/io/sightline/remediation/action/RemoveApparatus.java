package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.event.SourceRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What the attacker left behind in one place (a container, or a host entered by escape): files
 * written or downloaded and processes still running, each with its evidence. No API removes them;
 * the agent will (later work), so this gives exact commands. Replacing the pod removes a
 * container's files and processes too.
 */
public record RemoveApparatus(Place place, List<Artifact> files, List<RunningProcess> processes)
        implements RemediationAction {

    public RemoveApparatus {
        requireNonNull(place, "place is null");
        files = List.copyOf(files);
        processes = List.copyOf(processes);
    }

    /**
     * Where the apparatus is: a container ({@code namespace}, {@code pod}, {@code container} set) or
     * a host (those empty).
     */
    public record Place(String host, String namespace, String pod, String container) {

        public Place {
            requireNonNull(host, "host is null");
            requireNonNull(namespace, "namespace is null");
            requireNonNull(pod, "pod is null");
            requireNonNull(container, "container is null");
        }

        public boolean inContainer() {
            return !pod.isEmpty();
        }

        @Override
        public String toString() {
            return inContainer() ? namespace + "/" + pod + "/" + container : "host " + host;
        }
    }

    /** A file or directory the trail wrote, downloaded or created, and how. */
    public record Artifact(String path, boolean directory, String how, SourceRecord evidence) {}

    /** A process the trail started that no exit record ended. {@code pid} is the host pid. */
    public record RunningProcess(long pid, String commandLine, String started, SourceRecord evidence) {}

    @Override
    public String kind() {
        return "remove-apparatus";
    }

    @Override
    public String target() {
        return place.toString();
    }

    @Override
    public String why() {
        return files.size() + " file(s) left and " + processes.size() + " process(es) still running on the trail";
    }

    @Override
    public List<ApiRequest> calls() {
        return List.of();
    }

    @Override
    public List<String> commands() {
        List<String> commands = new ArrayList<>();
        for (RunningProcess process : processes) {
            commands.add("on node " + place.host() + ": ps -o pid=,lstart=,args= -p " + process.pid()
                    + "  # expect " + process.commandLine() + " started " + process.started()
                    + "; then: sudo kill -KILL " + process.pid());
        }
        for (Artifact file : files) {
            String rm = (file.directory() ? "rm -rf " : "rm -f ") + file.path();
            commands.add(
                    place.inContainer()
                            ? "kubectl -n " + place.namespace() + " exec " + place.pod() + " -c " + place.container()
                                    + " -- " + rm
                            : "on node " + place.host() + ": sudo " + rm);
        }
        return commands;
    }

    @Override
    public List<SourceRecord> evidence() {
        List<SourceRecord> evidence = new ArrayList<>();
        files.forEach(f -> evidence.add(f.evidence()));
        processes.forEach(p -> evidence.add(p.evidence()));
        return evidence.stream().distinct().sorted().toList();
    }
}
