package io.sightline.remediation.action;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.Inventory;
import io.sightline.asset.Pod;
import io.sightline.asset.PodKey;
import io.sightline.asset.WorkloadRef;
import io.sightline.engine.Redaction;
import io.sightline.event.ApiCall;
import io.sightline.event.ContainerContext;
import io.sightline.event.FileAccess;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessExit;
import io.sightline.event.ProcessKey;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proposes the runtime response to one storyboard from what its trail touched: isolate the
 * workload of each pod it ran in (the pod alone when bare or a DaemonSet's), cordon (and drain) a
 * node it escaped to, revoke the service-account tokens it read or used, remove what it left
 * behind, replace each pod and scale its workload to zero. Isolation comes first (it cuts the
 * attacker off at once), replacement and scaling last (they destroy the pods' evidence).
 */
public final class ActionPlanner {

    private static final String TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    private static final String SA_PREFIX = "system:serviceaccount:";
    private static final Pattern HOST_ENTRY = Pattern.compile("(^|\\s)(-t\\s*1|--target[ =]1)(\\s|$)");
    private static final Pattern DOWNLOAD =
            Pattern.compile("(?:^|\\s)(?:-o|--output|-O|--output-document)[ =]?(/\\S+)");
    private static final Pattern HIDDEN_DIR = Pattern.compile("(?:^|\\s)(/\\S*/\\.[^/\\s]+)/?(?:\\s|$)");

    private final Inventory inventory;

    public ActionPlanner(Inventory inventory) {
        this.inventory = requireNonNull(inventory, "inventory is null");
    }

    public RemediationPlan plan(Storyboard storyboard, List<RuntimeEvent> trail, PlanOptions options) {
        requireNonNull(storyboard, "storyboard is null");
        requireNonNull(options, "options is null");
        List<RuntimeEvent> events =
                trail.stream().sorted(Comparator.comparing(RuntimeEvent::time)).toList();

        List<PodKey> pods = storyboard.containers().stream()
                .filter(c ->
                        c.namespace() != null && c.pod() != null && !c.pod().isEmpty())
                .map(c -> new PodKey(c.namespace(), c.pod()))
                .distinct()
                .toList();

        Map<WorkloadKey, List<PodKey>> owned = new LinkedHashMap<>();
        for (PodKey key : pods) {
            inventory
                    .pod(key)
                    .flatMap(Pod::workload)
                    .ifPresent(
                            ref -> owned.computeIfAbsent(new WorkloadKey(key.namespace(), ref), w -> new ArrayList<>())
                                    .add(key));
        }
        Set<PodKey> isolatedWithWorkload = new HashSet<>();
        List<RemediationAction> actions = new ArrayList<>();
        owned.forEach((workload, members) -> {
            if (workload.resource().isPresent()) {
                actions.add(new IsolateWorkload(
                        workload,
                        storyboard.id(),
                        options.allowDns(),
                        options.force(),
                        members,
                        evidenceIn(events, members)));
                isolatedWithWorkload.addAll(members);
            }
        });
        for (PodKey pod : pods) {
            if (!isolatedWithWorkload.contains(pod)) {
                actions.add(new IsolatePod(
                        pod, storyboard.id(), options.allowDns(), options.force(), evidenceIn(events, List.of(pod))));
            }
        }
        actions.addAll(cordons(events, options));
        actions.addAll(revocations(storyboard, events));
        actions.addAll(apparatus(events));
        for (PodKey key : pods) {
            Optional<Pod> pod = inventory.pod(key);
            if (pod.isEmpty()) {
                continue;
            }
            Optional<WorkloadRef> workload = pod.get().workload();
            actions.add(
                    new ReplacePod(key, pod.get().uid(), workload, options.force(), evidenceIn(events, List.of(key))));
        }
        owned.forEach((workload, members) ->
                actions.add(new ScaleWorkload(workload, options.force(), members, evidenceIn(events, members))));
        return new RemediationPlan(storyboard.id(), storyboard.severity(), actions);
    }

    private List<CordonNode> cordons(List<RuntimeEvent> events, PlanOptions options) {
        Map<String, List<SourceRecord>> hosts = new LinkedHashMap<>();
        for (RuntimeEvent event : events) {
            if (event instanceof ProcessExec exec && entersHost(exec.process())) {
                hosts.computeIfAbsent(exec.process().host(), h -> new ArrayList<>())
                        .add(exec.source());
            }
        }
        List<CordonNode> cordons = new ArrayList<>();
        hosts.forEach((host, evidence) -> {
            List<PodKey> evictions = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (Pod pod : inventory.pods()) {
                if (pod.node().filter(host::equals).isEmpty()) {
                    continue;
                }
                Optional<String> kind = pod.workload().map(WorkloadRef::kind);
                if (kind.filter("DaemonSet"::equals).isPresent()) {
                    skipped.add(pod.key() + " (DaemonSet pod)");
                } else if (kind.filter("Node"::equals).isPresent()) {
                    skipped.add(pod.key() + " (mirror pod of a static pod)");
                } else if (kind.isEmpty() && !options.force()) {
                    skipped.add(pod.key() + " (bare pod: nothing would recreate it; --force evicts it)");
                } else {
                    evictions.add(pod.key());
                }
            }
            cordons.add(new CordonNode(host, options.drain(), evictions, skipped, evidence));
        });
        return cordons;
    }

    private List<RevokeToken> revocations(Storyboard storyboard, List<RuntimeEvent> events) {
        Map<String, List<SourceRecord>> evidence = new LinkedHashMap<>();
        Map<String, List<String>> use = new LinkedHashMap<>();
        for (String identity : storyboard.identities()) {
            if (identity.startsWith(SA_PREFIX)) {
                evidence.putIfAbsent(identity, new ArrayList<>());
                use.putIfAbsent(identity, new ArrayList<>());
            }
        }
        for (RuntimeEvent event : events) {
            if (event instanceof FileAccess read
                    && read.mode() == FileAccess.Mode.READ
                    && read.path().equals(TOKEN_PATH)) {
                podOf(read.process())
                        .flatMap(inventory::pod)
                        .ifPresent(pod -> evidence.computeIfAbsent(pod.serviceAccountUser(), k -> new ArrayList<>())
                                .add(read.source()));
            } else if (event instanceof ApiCall call && evidence.containsKey(call.user())) {
                evidence.get(call.user()).add(call.source());
                use.computeIfAbsent(call.user(), k -> new ArrayList<>())
                        .add(call.verb() + " " + call.requestUri() + " -> " + call.status());
            }
        }
        List<RevokeToken> revocations = new ArrayList<>();
        evidence.forEach((user, records) -> {
            String[] parts = user.substring(SA_PREFIX.length()).split(":", 2);
            if (parts.length == 2) {
                List<String> distinctUse = new ArrayList<>(new LinkedHashSet<>(use.getOrDefault(user, List.of())));
                revocations.add(new RevokeToken(parts[0], parts[1], distinctUse, records));
            }
        });
        return revocations;
    }

    private List<RemoveApparatus> apparatus(List<RuntimeEvent> events) {
        Map<ProcessKey, ProcessKey> parents = new HashMap<>();
        Map<ProcessKey, ProcessExec> execs = new LinkedHashMap<>();
        Set<ProcessKey> exited = new HashSet<>();
        for (RuntimeEvent event : events) {
            switch (event) {
                case ProcessExec exec -> {
                    execs.putIfAbsent(exec.process().key(), exec);
                    exec.parent()
                            .ifPresent(p -> parents.putIfAbsent(exec.process().key(), p.key()));
                }
                case ProcessExit exit -> exited.add(exit.process().key());
                default -> {}
            }
        }
        Set<ProcessKey> hostEntries = new HashSet<>();
        execs.forEach((key, exec) -> {
            if (entersHost(exec.process())) {
                hostEntries.add(key);
            }
        });

        Map<RemoveApparatus.Place, List<RemoveApparatus.Artifact>> files = new LinkedHashMap<>();
        Map<RemoveApparatus.Place, List<RemoveApparatus.RunningProcess>> running = new LinkedHashMap<>();
        Set<String> seenPaths = new HashSet<>();
        for (RuntimeEvent event : events) {
            switch (event) {
                case FileAccess write
                when write.mode() == FileAccess.Mode.WRITE -> {
                    RemoveApparatus.Place place = placeOf(write.process(), parents, hostEntries);
                    addFile(
                            files,
                            seenPaths,
                            place,
                            write.path(),
                            false,
                            write.process().name() + " wrote it",
                            write);
                }
                case ProcessExec exec -> {
                    RemoveApparatus.Place place = placeOf(exec.process(), parents, hostEntries);
                    String args = exec.process().arguments();
                    Matcher download = DOWNLOAD.matcher(args);
                    if (download.find()) {
                        addFile(
                                files,
                                seenPaths,
                                place,
                                download.group(1),
                                false,
                                exec.process().name() + " downloaded it",
                                exec);
                    }
                    if (exec.process().name().equals("mkdir")) {
                        Matcher hidden = HIDDEN_DIR.matcher(args);
                        if (hidden.find()) {
                            addFile(
                                    files,
                                    seenPaths,
                                    place,
                                    hidden.group(1),
                                    true,
                                    "hidden directory made by mkdir",
                                    exec);
                        }
                    }
                    ProcessKey key = exec.process().key();
                    if (!exited.contains(key) && execs.get(key) == exec) {
                        running.computeIfAbsent(place, p -> new ArrayList<>())
                                .add(new RemoveApparatus.RunningProcess(
                                        exec.process().pid(),
                                        commandLine(exec.process()),
                                        exec.process().startTime().toString(),
                                        exec.source()));
                    }
                }
                default -> {}
            }
        }
        Set<RemoveApparatus.Place> places = new LinkedHashSet<>(files.keySet());
        places.addAll(running.keySet());
        return places.stream()
                .map(place -> new RemoveApparatus(
                        place, files.getOrDefault(place, List.of()), running.getOrDefault(place, List.of())))
                .toList();
    }

    private static void addFile(
            Map<RemoveApparatus.Place, List<RemoveApparatus.Artifact>> files,
            Set<String> seen,
            RemoveApparatus.Place place,
            String path,
            boolean directory,
            String how,
            RuntimeEvent event) {
        if (seen.add(place + "|" + path)) {
            files.computeIfAbsent(place, p -> new ArrayList<>())
                    .add(new RemoveApparatus.Artifact(path, directory, how, event.source()));
        }
    }

    /** A process started under {@code nsenter -t 1} lives in the host's namespaces, not the container's. */
    private RemoveApparatus.Place placeOf(
            ProcessRef process, Map<ProcessKey, ProcessKey> parents, Set<ProcessKey> hostEntries) {
        ProcessKey key = process.key();
        Set<ProcessKey> visited = new HashSet<>();
        while (key != null && visited.add(key)) {
            if (hostEntries.contains(key)) {
                return new RemoveApparatus.Place(process.host(), "", "", "");
            }
            key = parents.get(key);
        }
        Optional<PodKey> pod = podOf(process);
        String container = process.container()
                .flatMap(ContainerContext::name)
                .or(() -> process.container()
                        .flatMap(c -> inventory.container(c.id().id()))
                        .map(c -> c.name()))
                .orElse("");
        return pod.map(p -> new RemoveApparatus.Place(process.host(), p.namespace(), p.name(), container))
                .orElseGet(() -> new RemoveApparatus.Place(process.host(), "", "", ""));
    }

    private Optional<PodKey> podOf(ProcessRef process) {
        return process.container()
                .flatMap(c -> c.pod().or(() -> inventory.container(c.id().id()).flatMap(asset -> asset.pod())));
    }

    private List<SourceRecord> evidenceIn(List<RuntimeEvent> events, List<PodKey> pods) {
        List<SourceRecord> records = new ArrayList<>();
        for (RuntimeEvent event : events) {
            if (event instanceof ProcessExec exec
                    && podOf(exec.process()).filter(pods::contains).isPresent()) {
                records.add(exec.source());
            }
        }
        return records.stream().sorted().limit(5).toList();
    }

    private static boolean entersHost(ProcessRef process) {
        return process.name().equals("nsenter")
                && HOST_ENTRY.matcher(process.arguments()).find();
    }

    private static String commandLine(ProcessRef process) {
        String line = Redaction.mask((process.name() + " " + process.arguments()).trim());
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }
}
