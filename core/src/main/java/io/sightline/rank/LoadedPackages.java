package io.sightline.rank;

import static java.util.Objects.requireNonNull;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Inventory;
import io.sightline.engine.Redaction;
import io.sightline.event.ApiCall;
import io.sightline.event.ContainerContext;
import io.sightline.event.Detection;
import io.sightline.event.FileAccess;
import io.sightline.event.ProcessEvent;
import io.sightline.event.ProcessRef;
import io.sightline.event.RuntimeEvent;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which vulnerable packages the running containers of an image executed or loaded, read from the
 * runtime event stream against the file paths scan reports give for packages.
 *
 * <p>A package path counts as loaded in a container of its image when a process of that container
 * <ul>
 *   <li>is that file (its executable), or
 *   <li>names it as what it runs: the jar of {@code java -jar}, an entry of {@code -cp}, {@code
 *       -classpath} or {@code --class-path}, the agent of {@code -javaagent:}, or the script a
 *       Python, Node, Ruby, Perl or PHP interpreter was started with, or
 *   <li>opened it for reading.
 * </ul>
 * A path inside an archive ({@code app/orders-api.jar/BOOT-INF/lib/log4j-core-2.14.1.jar}) is
 * loaded when the archive is. Paths compare without their leading slash, since Trivy writes them
 * relative to the image root; only absolute observed paths count, since no event carries the
 * working directory a relative one would need. Package databases, documentation, install metadata
 * and lock files ({@code /var/lib/dpkg/status}, {@code .dist-info/METADATA}, {@code go.mod}) are
 * not watched: opening one says nothing about the package's code.
 *
 * <p>Only the paths of fixable high and critical findings are watched, and only the first piece of
 * evidence per path and image is kept, so memory is bounded by the scan reports, not by the
 * stream. Per event the cost is one container lookup (cached per container id) and, for a
 * container of a watched image, one pass over the process's and its parent's arguments with a
 * hash probe per candidate path. An image all of whose watched paths are found is not looked at
 * again. Not thread safe: one owner feeds it, like the engine.
 */
public final class LoadedPackages {

    /** How the evidence showed the file in use. */
    public enum Kind {
        /** The file was a running process's executable. */
        EXECUTED,
        /** A running process named the file as the program it runs (a jar, a classpath entry, a script). */
        RUN_BY_ARGUMENT,
        /** A process opened the file for reading. */
        OPENED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The first sign that a package path was in use: {@code packagePath} as the report gave it,
     * {@code observedPath} the file the event named (the archive holding the package, or the
     * package's file itself), the process's executable and arguments (credentials masked: the
     * evidence is printed and exported), and the container.
     */
    public record Evidence(
            String packagePath,
            String observedPath,
            Kind kind,
            String executable,
            String arguments,
            String containerId,
            SourceRecord source) {

        public Evidence {
            requireNonNull(packagePath, "packagePath is null");
            requireNonNull(observedPath, "observedPath is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(executable, "executable is null");
            arguments = Redaction.mask(requireNonNull(arguments, "arguments is null"));
            requireNonNull(containerId, "containerId is null");
            requireNonNull(source, "source is null");
        }

        /**
         * The evidence in words: {@code /app/orders-api.jar run by `java ... -jar
         * /app/orders-api.jar` in container d9eed57efe26 (telemetry/tetragon.jsonl:4)}.
         */
        public String describe() {
            String how = switch (kind) {
                case EXECUTED -> "executed";
                case RUN_BY_ARGUMENT -> "run by `" + (executable + " " + arguments).trim() + "`";
                case OPENED -> "opened by " + executable;
            };
            return "/" + observedPath + " " + how + " in container " + containerId + " (" + source.file() + ":"
                    + source.line() + ")";
        }
    }

    private static final Set<String> INTERPRETERS = Set.of("node", "nodejs", "ruby", "perl", "php");
    private static final List<String> ARCHIVES = List.of(".jar", ".war", ".ear", ".zip", ".whl", ".egg");
    private static final List<String> METADATA_DIRECTORIES =
            List.of("var/lib/dpkg/", "var/lib/rpm/", "usr/lib/sysimage/rpm/", "lib/apk/db/", "usr/share/doc/");
    private static final Set<String> METADATA_FILES = Set.of(
            "go.mod",
            "go.sum",
            "Cargo.lock",
            "package-lock.json",
            "yarn.lock",
            "pnpm-lock.yaml",
            "Gemfile.lock",
            "composer.lock",
            "Pipfile.lock",
            "poetry.lock",
            "requirements.txt",
            "pom.xml",
            "pom.properties");

    private final Inventory inventory;
    private final Map<String, Watch> byContainer = new HashMap<>();
    private final Map<String, Watch> byDigest = new HashMap<>();
    private final Map<ImageCatalogue.Entry, Watch> byEntry = new IdentityHashMap<>();
    private final Map<String, Optional<Watch>> resolved = new HashMap<>();
    /** Evidence found so far, each package path counted once. */
    private long evidenceFound;

    private LoadedPackages(Inventory inventory) {
        this.inventory = inventory;
    }

    /** Watches nothing: every image has no evidence. */
    public static LoadedPackages none() {
        return new LoadedPackages(new Inventory());
    }

    /** Watches the package paths of every image in {@code catalogue} with a fixable high or critical finding. */
    public static LoadedPackages watching(Inventory inventory, ImageCatalogue catalogue) {
        requireNonNull(inventory, "inventory is null");
        requireNonNull(catalogue, "catalogue is null");
        LoadedPackages loaded = new LoadedPackages(inventory);
        for (ImageCatalogue.Entry entry : catalogue.entries()) {
            Watch watch = new Watch();
            entry.findings().stream().filter(LoadedPackages::watched).forEach(f -> watch.add(f.pkg()));
            if (watch.targets.isEmpty()) {
                continue;
            }
            loaded.byEntry.put(entry, watch);
            entry.containers().forEach(c -> loaded.byContainer.put(c.id().shortId(), watch));
            entry.allDigests().forEach(d -> loaded.byDigest.put(d, watch));
        }
        return loaded;
    }

    /** Whether a finding's package paths are watched: it is fixable and high or critical. */
    static boolean watched(Finding finding) {
        return finding.fixable() && finding.severity().atLeast(Severity.HIGH);
    }

    public void accept(RuntimeEvent event) {
        requireNonNull(event, "event is null");
        if (byEntry.isEmpty()) {
            return;
        }
        switch (event) {
            case ProcessEvent process -> {
                running(process.process(), event.source());
                process.parent().ifPresent(parent -> running(parent, event.source()));
                if (process instanceof FileAccess access && access.mode() == FileAccess.Mode.READ) {
                    watchOf(access.process())
                            .ifPresent(watch ->
                                    observe(watch, access.path(), Kind.OPENED, access.process(), event.source()));
                }
            }
            case ApiCall _ -> {}
            case Detection _ -> {}
        }
    }

    /**
     * How much evidence was found so far: it changes when, and only when, what {@link #evidence}
     * gives changes, so that a ranking made with these packages can be kept until it does.
     */
    public long evidenceFound() {
        return evidenceFound;
    }

    private void observe(Watch watch, String rawPath, Kind kind, ProcessRef process, SourceRecord source) {
        evidenceFound += watch.observe(rawPath, kind, process, source);
    }

    /** The evidence for any of {@code pkg}'s paths in a container of {@code entry}'s image. */
    public Optional<Evidence> evidence(ImageCatalogue.Entry entry, PackageRef pkg) {
        Watch watch = byEntry.get(entry);
        if (watch == null) {
            return Optional.empty();
        }
        return pkg.paths().stream()
                .map(path -> watch.found.get(normalise(path)))
                .filter(e -> e != null)
                .findFirst();
    }

    /** Every piece of evidence for {@code entry}'s image, one per package path, in the order found. */
    public List<Evidence> evidence(ImageCatalogue.Entry entry) {
        Watch watch = byEntry.get(entry);
        return watch == null ? List.of() : List.copyOf(watch.found.values());
    }

    private void running(ProcessRef process, SourceRecord source) {
        Optional<Watch> found = watchOf(process);
        if (found.isEmpty()) {
            return;
        }
        Watch watch = found.get();
        observe(watch, process.executable(), Kind.EXECUTED, process, source);
        for (String path : programArguments(process)) {
            observe(watch, path, Kind.RUN_BY_ARGUMENT, process, source);
        }
    }

    private Optional<Watch> watchOf(ProcessRef process) {
        Optional<ContainerContext> context = process.container();
        if (context.isEmpty()) {
            return Optional.empty();
        }
        String shortId = context.get().id().shortId();
        Optional<Watch> watch = resolved.computeIfAbsent(shortId, id -> resolve(context.get()));
        return watch.filter(w -> !w.complete());
    }

    /**
     * The image of a container: by id among the catalogue's, then as the inventory knows it (a
     * former id), then by the digest the sensor gave.
     */
    private Optional<Watch> resolve(ContainerContext context) {
        Watch direct = byContainer.get(context.id().shortId());
        if (direct != null) {
            return Optional.of(direct);
        }
        Optional<ContainerAsset> asset = inventory.container(context.id().id());
        Optional<Watch> known = asset.map(a -> byContainer.get(a.id().shortId()));
        if (known.isPresent()) {
            return known;
        }
        return context.imageDigest().map(byDigest::get);
    }

    /** The files a process names as the program it runs; see the class comment. */
    static List<String> programArguments(ProcessRef process) {
        List<String> tokens = tokens(process.arguments());
        String name = process.name();
        List<String> paths = new ArrayList<>();
        if (name.equals("java")) {
            for (int i = 0; i < tokens.size(); i++) {
                String token = tokens.get(i);
                boolean last = i + 1 == tokens.size();
                if (token.equals("-jar") && !last) {
                    paths.add(tokens.get(i + 1));
                    break;
                } else if ((token.equals("-cp") || token.equals("-classpath") || token.equals("--class-path"))
                        && !last) {
                    paths.addAll(List.of(tokens.get(++i).split(":")));
                } else if (token.startsWith("--class-path=")) {
                    paths.addAll(
                            List.of(token.substring("--class-path=".length()).split(":")));
                } else if (token.startsWith("-javaagent:")) {
                    String agent = token.substring("-javaagent:".length());
                    int options = agent.indexOf('=');
                    paths.add(options >= 0 ? agent.substring(0, options) : agent);
                } else if (!token.startsWith("-")) {
                    break;
                }
            }
        } else if (name.startsWith("python") || INTERPRETERS.contains(name) || name.matches("php\\d.*")) {
            for (String token : tokens) {
                if (token.equals("-m") || token.equals("-c") || token.equals("-e")) {
                    break;
                }
                if (!token.startsWith("-")) {
                    paths.add(token);
                    break;
                }
            }
        }
        return paths.stream().filter(p -> p.startsWith("/")).toList();
    }

    /** Splits an argument string on blanks, keeping quoted runs together without their quotes. */
    static List<String> tokens(String arguments) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        boolean inToken = false;
        for (char c : arguments.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inToken = true;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    tokens.add(current.toString());
                    current.setLength(0);
                    inToken = false;
                }
            } else {
                current.append(c);
                inToken = true;
            }
        }
        if (inToken) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    /** A path as compared: without leading slashes or {@code ./}. */
    static String normalise(String path) {
        int start = 0;
        while (start < path.length()) {
            if (path.charAt(start) == '/') {
                start++;
            } else if (path.startsWith("./", start)) {
                start += 2;
            } else {
                break;
            }
        }
        return path.substring(start);
    }

    /**
     * What a package path is watched through: each archive on its way ({@code app/x.jar} for
     * {@code app/x.jar/BOOT-INF/lib/y.jar}), and the path itself unless it is package metadata.
     */
    static List<String> targets(String packagePath) {
        String path = normalise(packagePath);
        List<String> targets = new ArrayList<>();
        if (path.isEmpty()) {
            return targets;
        }
        int from = 0;
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String prefix = path.substring(0, slash);
            String segment = prefix.substring(from).toLowerCase(Locale.ROOT);
            if (ARCHIVES.stream().anyMatch(segment::endsWith)) {
                targets.add(prefix);
            }
            from = slash + 1;
        }
        if (!metadata(path)) {
            targets.add(path);
        }
        return targets;
    }

    static boolean metadata(String normalisedPath) {
        String fileName = normalisedPath.substring(normalisedPath.lastIndexOf('/') + 1);
        return METADATA_DIRECTORIES.stream().anyMatch(normalisedPath::startsWith)
                || normalisedPath.contains(".dist-info/")
                || normalisedPath.contains(".egg-info")
                || fileName.endsWith(".gemspec")
                || METADATA_FILES.contains(fileName);
    }

    /** One image's watched paths and what was found for them. */
    private static final class Watch {

        /** Observed path (normalised) to the package paths it proves loaded. */
        private final Map<String, List<String>> targets = new HashMap<>();
        /** Normalised package path to its first evidence. */
        private final Map<String, Evidence> found = new LinkedHashMap<>();

        private final Set<String> packagePaths = new HashSet<>();

        void add(PackageRef pkg) {
            for (String raw : pkg.paths()) {
                String path = normalise(raw);
                List<String> through = targets(raw);
                if (through.isEmpty() || !packagePaths.add(path)) {
                    continue;
                }
                through.forEach(
                        t -> targets.computeIfAbsent(t, k -> new ArrayList<>()).add(path));
            }
        }

        boolean complete() {
            return found.size() == packagePaths.size();
        }

        /** Notes what {@code rawPath} proves loaded; how many package paths that found first. */
        int observe(String rawPath, Kind kind, ProcessRef process, SourceRecord source) {
            if (!rawPath.startsWith("/")) {
                return 0;
            }
            String observed = normalise(rawPath);
            List<String> proven = targets.get(observed);
            if (proven == null) {
                return 0;
            }
            String container = process.container().map(c -> c.id().shortId()).orElse("");
            int first = 0;
            for (String packagePath : proven) {
                Evidence earlier = found.putIfAbsent(
                        packagePath,
                        new Evidence(
                                packagePath,
                                observed,
                                kind,
                                process.executable(),
                                process.arguments(),
                                container,
                                source));
                first += earlier == null ? 1 : 0;
            }
            return first;
        }
    }
}
