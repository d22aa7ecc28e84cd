package io.sightline.cli;

import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventoryWriter;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.sources.RegisteredDiscovery;
import io.sightline.discovery.sources.RegisteredSource;
import io.sightline.discovery.sources.SourceRegistry;
import io.sightline.engine.EngineConfig;
import io.sightline.engine.rules.RuleSet;
import io.sightline.formats.EpssFile;
import io.sightline.formats.KevCatalogue;
import io.sightline.formats.pipeline.AnalysisPipeline;
import io.sightline.formats.pipeline.AnalysisResult;
import io.sightline.formats.pipeline.Enrichment;
import io.sightline.formats.report.ReportJson;
import io.sightline.formats.rules.RuleFile;
import io.sightline.store.Database;
import io.sightline.store.PatternHistoryStore;
import io.sightline.store.StoreException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sightline analyze}: files in, storyboards and a ranked fix list out. */
@Command(
        name = "analyze",
        mixinStandardHelpOptions = true,
        description = {
            "Reads inventory, scanner reports and sensor telemetry, stitches attack storyboards and ranks images.",
            "A FOLDER laid out as inventory/, scans/, telemetry/ is read whole; each file's format is detected"
                    + " by its content."
        })
final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "FOLDER", description = "folder with inventory/, scans/, telemetry/")
    Path folder;

    @Option(names = "--inventory", paramLabel = "PATH", description = "inventory file or folder (repeatable)")
    List<Path> inventory = new ArrayList<>();

    @Option(names = "--scans", paramLabel = "PATH", description = "scanner report file or folder (repeatable)")
    List<Path> scans = new ArrayList<>();

    @Option(names = "--events", paramLabel = "PATH", description = "telemetry file or folder (repeatable)")
    List<Path> events = new ArrayList<>();

    @Option(
            names = "--vex",
            paramLabel = "PATH",
            description = "OpenVEX, CycloneDX VEX or CSAF VEX file or folder (repeatable)")
    List<Path> vex = new ArrayList<>();

    @Option(
            names = "--format",
            defaultValue = "text",
            description = "text, json, sarif (SARIF 2.1.0) or fixlist (JSON fix list) (default: ${DEFAULT-VALUE})")
    String format;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "write to FILE instead of stdout")
    Path output;

    @Option(
            names = "--kev",
            paramLabel = "FILE",
            description = "CISA KEV catalogue JSON (default: the copy stored by 'kev refresh', else the bundled one)")
    Path kev;

    @Option(names = "--epss", paramLabel = "FILE", description = "FIRST EPSS daily CSV (cve,epss,percentile)")
    Path epss;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "where 'kev refresh' stores the catalogue (default: $SIGHTLINE_DATA or ~/.sightline)")
    Path dataDir;

    @Option(
            names = "--scanner-accounts",
            paramLabel = "DIR",
            description =
                    "first sync the scanner accounts registered in DIR (see 'shiftleft add') and read their reports")
    Path scannerAccounts;

    @Option(
            names = "--cluster",
            paramLabel = "NAME",
            description = "discover this registered cluster live instead of reading inventory files (repeatable)")
    List<String> clusters = new ArrayList<>();

    @Option(
            names = "--discover",
            description = "discover every registered source live instead of reading inventory files")
    boolean discover;

    @Mixin
    DataDir data;

    @Option(
            names = "--rules",
            paramLabel = "FILE",
            description = "behaviour rules (YAML, see docs/rules.md) added to the built-in ones; a rule with the id"
                    + " of a built-in rule replaces it (repeatable)")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--clock-skew", defaultValue = "PT5S", description = "cross-host clock skew (ISO-8601)")
    Duration clockSkew;

    @Option(
            names = "--history",
            paramLabel = "DIR",
            description = "judge rarity with the behaviour patterns earlier runs kept in the embedded store in DIR"
                    + " (created if missing), and add this run's to it")
    Path history;

    @Override
    public Integer call() throws IOException {
        format = format.toLowerCase(java.util.Locale.ROOT);
        if (!List.of("text", "json", "sarif", "fixlist").contains(format)) {
            throw new IllegalArgumentException("--format must be text, json, sarif or fixlist, got '" + format + "'");
        }
        checkOutput();
        RuleSet ruleSet = RuleFile.builtInWith(rules);
        Path base = folder != null ? folder : Path.of(".");
        Set<String> knownExploited = knownExploited();
        Map<String, Double> scores = Map.of();
        if (epss != null) {
            EpssFile file = EpssFile.read(epss);
            file.skipped().forEach(s -> System.err.println("skipped " + s));
            scores = file.scores();
        }
        EngineConfig config = new EngineConfig(clockSkew, EngineConfig.DEFAULTS.apiCallWindow());
        List<Path> inputs = inputs();
        if (history == null) {
            write(AnalysisPipeline.run(base, inputs, new Enrichment(knownExploited, scores), config, ruleSet));
            return 0;
        }
        try (Database database = historyStore(() -> Database.open(Database.sqliteUrl(history)))) {
            PatternHistoryStore patterns = new PatternHistoryStore(database);
            AnalysisResult analysis = AnalysisPipeline.run(
                    base,
                    inputs,
                    new Enrichment(knownExploited, scores),
                    config,
                    ruleSet,
                    historyStore(patterns::load));
            write(analysis);
            historyStore(() -> patterns.merge(analysis.patternCounts()));
            System.err.println("history: " + analysis.patternCounts().size() + " patterns merged into " + history);
        }
        return 0;
    }

    /** A step on the history store, whose failure (not a database, another schema, bad rows) names the folder. */
    private <T> T historyStore(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (StoreException e) {
            throw new IllegalArgumentException("cannot use the history in " + history + ": " + e.getMessage(), e);
        }
    }

    /** Fails before any work when the output cannot be written, so no analysis is lost. */
    private void checkOutput() {
        if (output == null) {
            return;
        }
        Path parent = output.toAbsolutePath().getParent();
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException("--output " + output + " is a directory; give a file name");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--output " + output + ": folder " + parent + " does not exist");
        }
        if (Files.exists(output) ? !Files.isWritable(output) : !Files.isWritable(parent)) {
            throw new IllegalArgumentException("cannot write " + output + ": permission denied");
        }
    }

    private Set<String> knownExploited() {
        if (kev != null) {
            return KevCatalogue.read(kev);
        }
        Path stored = KevCommand.storedCatalogue(KevCommand.dataDir(dataDir));
        return Files.isRegularFile(stored) ? KevCatalogue.read(stored) : KevCatalogue.bundled();
    }

    private List<Path> inputs() {
        List<Path> paths = new ArrayList<>();
        paths.addAll(inventory);
        paths.addAll(scans);
        paths.addAll(events);
        paths.addAll(vex);
        if (scannerAccounts != null) {
            paths.add(syncScannerAccounts());
        }
        boolean live = discover || !clusters.isEmpty();
        if (folder != null) {
            if (Files.isRegularFile(folder)) {
                throw new IllegalArgumentException(folder + " is a file; expected a folder laid out as inventory/,"
                        + " scans/, telemetry/ (or name files with --inventory, --scans, --events)");
            }
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("no such folder: " + folder);
            }
            // Live discovery replaces the folder's inventory/; its scans and telemetry are still read.
            Path folderInventory = folder.resolve("inventory");
            AnalysisPipeline.layout(folder).stream()
                    .filter(part -> !(live && part.equals(folderInventory)))
                    .forEach(paths::add);
        }
        if (live) {
            paths.add(discovered());
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException(
                    "nothing to analyze: give a FOLDER, --inventory/--scans/--events, --cluster or --discover");
        }
        return paths;
    }

    /**
     * Pulls every registered account into its pulled folder and returns the folder. An account
     * that cannot be pulled is reported on stderr and its earlier reports, if any, are read.
     */
    private Path syncScannerAccounts() {
        Path pulled = ShiftleftCommand.pulledFolder(scannerAccounts);
        try {
            Files.createDirectories(pulled);
            var outcomes = ShiftleftCommand.syncOnce(
                    ShiftleftCommand.accounts(scannerAccounts, java.util.Optional.empty()), pulled);
            ShiftleftCommand.report(outcomes, System.err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while syncing scanner accounts", e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + pulled, e);
        }
        return pulled;
    }

    /** Discovers the chosen registered sources and writes their inventory files into a temporary folder. */
    private Path discovered() {
        SourceRegistry registry = data.registry();
        List<RegisteredSource> sources = new ArrayList<>();
        if (discover) {
            sources.addAll(registry.sources());
        }
        for (String name : clusters) {
            RegisteredSource cluster = registry.source(name)
                    .filter(RegisteredSource.Cluster.class::isInstance)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "--cluster " + name + ": no cluster of that name is registered in " + registry.file()
                                    + " (add it with `sightline clusters add`)"));
            if (!sources.contains(cluster)) {
                sources.add(cluster);
            }
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("--discover: no sources registered in " + registry.file());
        }
        AssetStore store = new AssetStore(Clock.systemUTC());
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        for (SourceReport report : RegisteredDiscovery.defaults(store).discover(sources)) {
            DiscoverCommand.print(report, err);
        }
        try {
            Path inventoryDir = Files.createTempDirectory("sightline-discovered");
            new InventoryWriter()
                    .write(store, inventoryDir)
                    .forEach(file -> file.toFile().deleteOnExit());
            inventoryDir.toFile().deleteOnExit();
            return inventoryDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the discovered inventory: " + e.getMessage(), e);
        }
    }

    private void write(AnalysisResult analysis) throws IOException {
        if (output == null) {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            render(analysis, out);
            out.flush();
            return;
        }
        CheckedOutput.write(output, out -> render(analysis, out));
    }

    private void render(AnalysisResult analysis, PrintStream out) throws IOException {
        switch (format) {
            case "json" -> ReportJson.write(analysis, out);
            case "sarif" -> SarifExport.write(analysis, out);
            case "fixlist" -> FixListExport.write(analysis, out);
            default -> TextReport.write(analysis, out);
        }
    }
}
