package io.sightline.engine;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Inventory;
import io.sightline.event.ContainerContext;
import io.sightline.event.Detection;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Severity;
import io.sightline.storyboard.Storyboard;
import io.sightline.storyboard.Storyboard.ContainerEntity;
import io.sightline.storyboard.Storyboard.TechniqueTag;
import io.sightline.storyboard.Storyboard.TrailStep;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns the engine's trails into storyboards: entities resolved, severity explained. */
final class StoryboardSnapshot {

    private static final Set<Tactic> ADVANCED =
            EnumSet.of(Tactic.INITIAL_ACCESS, Tactic.LATERAL_MOVEMENT, Tactic.PRIVILEGE_ESCALATION, Tactic.IMPACT);

    private final Inventory inventory;
    private final ImageRisk imageRisk;
    private final Rarity rarity;

    private static final Set<Tactic> CORROBORATING = EnumSet.of(
            Tactic.PERSISTENCE,
            Tactic.PRIVILEGE_ESCALATION,
            Tactic.CREDENTIAL_ACCESS,
            Tactic.LATERAL_MOVEMENT,
            Tactic.COMMAND_AND_CONTROL,
            Tactic.EXFILTRATION,
            Tactic.IMPACT);

    private final CommandLabels labels;
    private final java.util.function.LongFunction<SourceRecord> recordOf;
    private final Map<String, String> containerLabels = new java.util.HashMap<>();

    StoryboardSnapshot(
            Inventory inventory,
            ImageRisk imageRisk,
            Rarity rarity,
            CommandLabels labels,
            java.util.function.LongFunction<SourceRecord> recordOf) {
        this.labels = labels;
        this.recordOf = recordOf;
        this.inventory = inventory;
        this.imageRisk = imageRisk;
        this.rarity = rarity;
    }

    /** The storyboards of the trails (each with the closed storyboards it continues), the loose alerts and the closed. */
    List<Storyboard> build(
            List<Trail> trails,
            List<StoryboardEngine.LooseDetection> loose,
            TrailSnapshots built,
            List<Storyboard> closed) {
        List<Trail> withRecords =
                trails.stream().filter(t -> !t.records.isEmpty()).toList();
        List<Storyboard> storyboards = new ArrayList<>(built.of(
                withRecords, (t, graphs) -> Continuation.of(fromTrail(t, graphs), t.continues), this::judgement));
        storyboards.addAll(built.ofAlerts(loose, this::fromLooseDetections));
        storyboards.addAll(closed);
        storyboards.sort(Comparator.comparing(Storyboard::severity)
                .reversed()
                .thenComparing(Storyboard::firstSeen)
                .thenComparing(Storyboard::id));
        return storyboards;
    }

    private Storyboard fromTrail(Trail trail, MemberGraphs graphs) {
        Map<String, ContainerEntity> containers = new LinkedHashMap<>();
        Set<String> hosts = new LinkedHashSet<>();
        for (ProcessNode member : trail.members()) {
            hosts.add(member.host());
            member.container.ifPresent(c -> containers.computeIfAbsent(c.id().id(), id -> entity(c, member.host())));
        }
        trail.extraContainers.forEach(id -> containers.computeIfAbsent(id, this::entityFromInventory));
        containers.values().stream()
                .map(ContainerEntity::host)
                .filter(h -> !h.isEmpty())
                .forEach(hosts::add);

        List<String> digests = containers.values().stream()
                .map(ContainerEntity::imageDigest)
                .filter(d -> !d.isEmpty())
                .distinct()
                .toList();
        List<String> reasons = new ArrayList<>();
        Severity severity = severity(trail, digests, reasons);

        return new Storyboard(
                id(trail),
                severity,
                reasons,
                Optional.ofNullable(trail.firstSeen).orElse(Instant.EPOCH),
                Optional.ofNullable(trail.lastSeen).orElse(Instant.EPOCH),
                List.copyOf(hosts),
                List.copyOf(containers.values()),
                digests,
                List.copyOf(trail.services),
                List.copyOf(trail.identities),
                List.copyOf(trail.externalAddresses),
                trail.techniques.values().stream()
                        .map(t -> new TechniqueTag(t.id(), t.name(), t.tactic().label()))
                        .toList(),
                steps(trail),
                trail.records.sorted(),
                graph(trail, graphs));
    }

    /**
     * The processes on the trail, where they ran, and what they reached, as nodes and edges; a
     * process whose drawing in {@code graphs} still fits is not drawn again.
     */
    private Storyboard.Graph graph(Trail trail, MemberGraphs graphs) {
        Map<String, Storyboard.GraphNode> nodes =
                LinkedHashMap.newLinkedHashMap(trail.members().size() + 8);
        List<Storyboard.GraphEdge> edges = new ArrayList<>(trail.members().size() * 2 + 8);
        Set<Storyboard.GraphEdge> containersOnHosts = new java.util.HashSet<>();
        boolean repeatedMember = false;

        for (ProcessNode member : trail.members()) {
            boolean parentOnTrail = member.parent != null && graphs.onTrail(trail.members(), member.parent.key);
            MemberGraphs.Drawn drawn = MemberGraphs.of(
                    member, trail.records.size(), parentOnTrail, () -> draw(trail, member, parentOnTrail));
            repeatedMember |= nodes.put(drawn.node().id(), drawn.node()) != null;
            nodes.putIfAbsent(drawn.hostNode().id(), drawn.hostNode());
            drawn.containerNode().ifPresent(node -> nodes.putIfAbsent(node.id(), node));
            edges.add(drawn.placed());
            drawn.containerOnHost().filter(containersOnHosts::add).ifPresent(edges::add);
            drawn.spawned().ifPresent(edges::add);
        }

        for (Trail.Link link : trail.links) {
            String from = "p:" + link.from();
            if (!nodes.containsKey(from)) {
                continue;
            }
            String to = switch (link.kind()) {
                case "entered" -> "p:" + link.to();
                case "connected" -> "a:" + link.to();
                default -> "i:" + link.to();
            };
            if (link.kind().equals("connected")) {
                nodes.putIfAbsent(to, new Storyboard.GraphNode(to, "address", link.to(), "", "", List.of()));
            } else if (!link.kind().equals("entered")) {
                nodes.putIfAbsent(to, new Storyboard.GraphNode(to, "identity", link.to(), "", "", List.of()));
            }
            if (nodes.containsKey(to)) {
                edges.add(new Storyboard.GraphEdge(from, to, link.kind()));
            }
        }
        // Members have distinct keys, so their edges are distinct; two with one key would repeat theirs.
        List<Storyboard.GraphEdge> distinct = repeatedMember ? List.copyOf(new LinkedHashSet<>(edges)) : edges;
        return new Storyboard.Graph(List.copyOf(nodes.values()), List.copyOf(distinct));
    }

    /** The first image of the trail with a high or critical vulnerability, said as a reason. */
    private Optional<String> vulnerableImage(List<String> digests) {
        for (String digest : digests) {
            Optional<ImageRisk.Exposure> exposure = imageRisk.exposure(digest);
            if (exposure.isPresent() && exposure.get().worst().atLeast(Severity.HIGH)) {
                return Optional.of("the trail passes through image " + digest.substring(0, 19) + "… carrying "
                        + exposure.get().worstId() + " ("
                        + exposure.get().worst().label() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * Severity follows how far the attack got: a tactic from the advanced group (initial access,
     * lateral movement, escape, impact) makes it high and two make it critical; credential access
     * or persistence alone make it medium; execution or discovery alone low. A sensor's own rating
     * can raise it, and so can a way in through a container whose image carries a high or
     * critical vulnerability.
     */
    private Severity severity(Trail trail, List<String> digests, List<String> reasons) {
        Set<Tactic> tactics = EnumSet.noneOf(Tactic.class);
        trail.techniques.values().forEach(t -> tactics.add(t.tactic()));
        boolean corroborated = tactics.stream().anyMatch(CORROBORATING::contains)
                || trail.detections.stream().anyMatch(d -> detectionSeverity(d).atLeast(Severity.MEDIUM));
        if (tactics.contains(Tactic.INITIAL_ACCESS) && !corroborated) {
            tactics.remove(Tactic.INITIAL_ACCESS);
            reasons.add("a serving process ran a shell but nothing suspicious followed:"
                    + " initial access suspected, not confirmed");
        }
        Severity severity = tactics.isEmpty() ? Severity.INFO : Severity.LOW;
        if (!tactics.isEmpty()) {
            reasons.add("tactics reached: "
                    + String.join(" → ", tactics.stream().map(Tactic::label).toList()));
        }
        if (tactics.contains(Tactic.CREDENTIAL_ACCESS) || tactics.contains(Tactic.PERSISTENCE)) {
            severity = Severity.MEDIUM;
        }
        List<String> advanced =
                tactics.stream().filter(ADVANCED::contains).map(Tactic::label).toList();
        if (advanced.size() >= 2) {
            severity = Severity.CRITICAL;
            reasons.add(advanced.size() + " advanced tactics reached: " + String.join(", ", advanced));
        } else if (advanced.size() == 1) {
            severity = Severity.HIGH;
            reasons.add("advanced tactic reached: " + advanced.getFirst());
        }

        for (String detection : trail.detections) {
            Severity rated = detectionSeverity(detection);
            if (rated.atLeast(Severity.MEDIUM) && rated.compareTo(severity) > 0) {
                severity = rated;
                reasons.add("raised by " + detection);
            }
        }

        boolean entered = tactics.contains(Tactic.INITIAL_ACCESS) || tactics.contains(Tactic.LATERAL_MOVEMENT);
        Optional<String> vulnerableWayIn = entered ? vulnerableImage(digests) : Optional.empty();
        Rarity.Judgement judgement = judgement(trail);
        if (judgement.verdict() == Rarity.Verdict.ROUTINE && severity.atLeast(Severity.LOW)) {
            Optional<Severity> lowered = lowered(severity, tactics, judgement, reasons);
            if (lowered.isPresent()) {
                vulnerableWayIn.ifPresent(image -> reasons.add(image + "; not raised for it, the start is routine"));
                return lowered.get();
            }
        }

        if (vulnerableWayIn.isPresent()) {
            reasons.add(vulnerableWayIn.get());
            if (severity.compareTo(Severity.CRITICAL) < 0) {
                severity = severity.raisedBy(1);
                reasons.add("raised one level for the vulnerable image on the way in");
            }
        }
        if (judgement.verdict() == Rarity.Verdict.NEW
                && severity.atLeast(Severity.LOW)
                && severity.compareTo(Severity.HIGH) < 0) {
            severity = severity.raisedBy(1);
            reasons.add("raised one level: " + judgement.reason());
        }
        return severity;
    }

    /**
     * One level down for a routine trail, but never below high when it left a container or moved
     * to another workload: a routine start does not excuse an escape or lateral movement (any,
     * not only into a vulnerable container: the floor errs towards alarm). Empty when the floor
     * holds: the trail is then judged as if it were not routine.
     */
    private static Optional<Severity> lowered(
            Severity severity, Set<Tactic> tactics, Rarity.Judgement judgement, List<String> reasons) {
        boolean critical = tactics.contains(Tactic.PRIVILEGE_ESCALATION) || tactics.contains(Tactic.LATERAL_MOVEMENT);
        Severity lowered = severity == Severity.LOW ? Severity.INFO : severity.raisedBy(-1);
        if (critical && lowered.compareTo(Severity.HIGH) < 0) {
            reasons.add("not lowered although " + judgement.reason()
                    + ": an escape or lateral movement keeps it at least high");
            return Optional.empty();
        }
        reasons.add("lowered one level: " + judgement.reason());
        return Optional.of(lowered);
    }

    private Rarity.Judgement judgement(Trail trail) {
        return rarity.judge(
                trail.seedPatterns,
                trail.ruleSeedPatterns,
                Optional.ofNullable(trail.firstSeen).orElse(Instant.EPOCH));
    }

    /** Detections are noted as {@code "<sensor> <severity>: <rule>"}. */
    private static Severity detectionSeverity(String detection) {
        return Severity.parse(detection.substring(detection.indexOf(' ') + 1, detection.indexOf(':')));
    }

    private List<Storyboard> fromLooseDetections(List<StoryboardEngine.LooseDetection> loose) {
        List<Storyboard> storyboards = new ArrayList<>();
        for (List<Detection> group : alertGroups(loose).values()) {
            storyboards.add(fromDetections(group));
        }
        return storyboards;
    }

    /**
     * The alerts that stand alone, by the storyboard each makes: one per sensor, rule and scope
     * (the container, else the host), keyed by those and in the order their first alerts came.
     * Alerts whose process joined a trail since belong to the trail's storyboard instead.
     */
    static Map<String, List<Detection>> alertGroups(List<StoryboardEngine.LooseDetection> loose) {
        Map<String, List<Detection>> groups = new LinkedHashMap<>();
        for (StoryboardEngine.LooseDetection item : loose) {
            if (item.node().filter(n -> n.tainted).isPresent()) {
                continue;
            }
            Detection d = item.detection();
            String scope = d.container().map(c -> c.id().id()).orElse(d.host().orElse(""));
            groups.computeIfAbsent(d.sensor() + "|" + d.rule() + "|" + scope, k -> new ArrayList<>())
                    .add(d);
        }
        return groups;
    }

    /** The storyboard of one of the {@link #alertGroups}. */
    Storyboard fromDetections(List<Detection> group) {
        Detection first = group.getFirst();
        Severity severity = group.stream()
                .map(Detection::severity)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        if (severity == Severity.UNKNOWN) {
            severity = Severity.INFO;
        }
        List<ContainerEntity> containers = first.container()
                .map(c -> List.of(entity(c, first.host().orElse(""))))
                .orElse(List.of());
        List<TechniqueTag> techniques = group.stream()
                .flatMap(d -> d.techniques().stream())
                .distinct()
                .map(id -> Techniques.byId(id)
                        .map(t -> new TechniqueTag(t.id(), t.name(), t.tactic().label()))
                        .orElse(new TechniqueTag(id, "", "")))
                .toList();
        Set<String> seenAlerts = new java.util.HashSet<>();
        List<TrailStep> steps = group.stream()
                .filter(d -> seenAlerts.add(d.time() + "|" + d.rule()))
                .map(d -> new TrailStep(
                        d.time(),
                        d.host().orElse(""),
                        containers.isEmpty() ? "" : label(containers),
                        d.sensor() + ": " + d.rule()))
                .toList();
        return new Storyboard(
                "sb-"
                        + hash(first.sensor() + "|" + first.rule() + "|"
                                + first.host().orElse("") + "|"
                                + first.container().map(c -> c.id().id()).orElse("") + "|" + first.time()),
                severity,
                List.of(first.sensor() + " rated it " + severity.label()
                        + "; no suspicious activity around it was seen"),
                group.stream()
                        .map(Detection::time)
                        .min(Comparator.naturalOrder())
                        .orElseThrow(),
                group.stream()
                        .map(Detection::time)
                        .max(Comparator.naturalOrder())
                        .orElseThrow(),
                first.host().map(List::of).orElse(List.of()),
                containers,
                containers.stream()
                        .map(ContainerEntity::imageDigest)
                        .filter(d -> !d.isEmpty())
                        .toList(),
                List.of(),
                List.of(),
                List.of(),
                techniques,
                steps,
                group.stream().map(Detection::source).sorted().toList());
    }

    private static String label(List<ContainerEntity> containers) {
        ContainerEntity c = containers.getFirst();
        return c.pod().isEmpty() ? c.name() : c.namespace() + "/" + c.pod();
    }

    /** One process's node with its evidence, the host and container it runs in, and its edges. */
    private MemberGraphs.Drawn draw(Trail trail, ProcessNode member, boolean parentOnTrail) {
        String id = "p:" + member.key;
        List<SourceRecord> evidence = new ArrayList<>();
        member.forEachRecord(ref -> {
            SourceRecord record = recordOf.apply(ref);
            if (trail.records.contains(record)) {
                evidence.add(record);
            }
        });
        String container = member.containerId()
                .map(c -> containerLabels.computeIfAbsent(c, this::containerLabel))
                .orElse("");
        Storyboard.GraphNode node = new Storyboard.GraphNode(
                id,
                "process",
                member.repeats == 0
                        ? member.label(labels)
                        : member.label(labels) + " (" + (member.repeats + 1) + " times)",
                member.host(),
                container,
                evidence.stream().sorted().distinct().toList());

        String hostId = "h:" + member.host();
        Storyboard.GraphNode host =
                new Storyboard.GraphNode(hostId, "host", member.host(), member.host(), "", List.of());
        if (member.containerId().isEmpty()) {
            return new MemberGraphs.Drawn(
                    node,
                    host,
                    Optional.empty(),
                    new Storyboard.GraphEdge(id, hostId, "runs-in"),
                    Optional.empty(),
                    spawned(member, id, parentOnTrail));
        }
        String containerId = "c:" + member.containerId().get();
        return new MemberGraphs.Drawn(
                node,
                host,
                Optional.of(new Storyboard.GraphNode(
                        containerId, "container", container, member.host(), container, List.of())),
                new Storyboard.GraphEdge(id, containerId, "runs-in"),
                Optional.of(new Storyboard.GraphEdge(containerId, hostId, "runs-in")),
                spawned(member, id, parentOnTrail));
    }

    private static Optional<Storyboard.GraphEdge> spawned(ProcessNode member, String id, boolean parentOnTrail) {
        return parentOnTrail
                ? Optional.of(new Storyboard.GraphEdge("p:" + member.parent.key, id, "spawned"))
                : Optional.empty();
    }

    /**
     * The trail in time order, each distinct step once: a step that repeats (a scheduled job, a
     * miner reconnecting) keeps its first time and says how often it happened.
     */
    private List<TrailStep> steps(Trail trail) {
        List<TrailStep> steps = new ArrayList<>();
        for (TrailSteps.Distinct distinct : trail.steps.distinct()) {
            Trail.Step step = distinct.step();
            String text = distinct.times() > 1 ? step.text() + " (" + distinct.times() + " times)" : step.text();
            steps.add(new TrailStep(step.time(), step.host(), containerLabel(step.container()), text));
        }
        return steps;
    }

    /** {@code namespace/pod} for a pod's container, else the container's name, else its short id. */
    private String containerLabel(String containerId) {
        if (containerId.isEmpty()) {
            return "";
        }
        return inventory
                .container(containerId)
                .map(c -> c.pod().map(Object::toString).orElse(c.name()))
                .orElse(containerId.substring(0, Math.min(12, containerId.length())));
    }

    private ContainerEntity entity(ContainerContext context, String host) {
        Optional<ContainerAsset> known = inventory.container(context.id().id());
        String namespace = context.pod()
                .map(p -> p.namespace())
                .or(() -> known.flatMap(ContainerAsset::pod).map(p -> p.namespace()))
                .orElse("");
        String pod = context.pod()
                .map(p -> p.name())
                .or(() -> known.flatMap(ContainerAsset::pod).map(p -> p.name()))
                .orElse("");
        String digest = known.flatMap(ContainerAsset::imageDigest)
                .or(context::imageDigest)
                .orElse("");
        String image =
                context.image().or(() -> known.map(k -> k.image().toString())).orElse("");
        String name = context.name().or(() -> known.map(ContainerAsset::name)).orElse("");
        String id = known.map(k -> k.id().id()).orElse(context.id().id());
        return new ContainerEntity(id, name, host, namespace, pod, image, digest);
    }

    private ContainerEntity entityFromInventory(String id) {
        return inventory
                .container(id)
                .map(k -> new ContainerEntity(
                        k.id().id(),
                        k.name(),
                        k.host().orElse(""),
                        k.pod().map(p -> p.namespace()).orElse(""),
                        k.pod().map(p -> p.name()).orElse(""),
                        k.image().toString(),
                        k.imageDigest().orElse("")))
                .orElse(new ContainerEntity(id, "", "", "", "", "", ""));
    }

    private static String id(Trail trail) {
        if (trail.reopenedId.isPresent()) {
            return trail.reopenedId.get();
        }
        String seed = trail.members().isEmpty()
                ? trail.records.stream()
                        .min(Comparator.naturalOrder())
                        .map(SourceRecord::toString)
                        .orElse("empty")
                : trail.members().getFirst().key.toString();
        return "sb-" + hash(seed);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
