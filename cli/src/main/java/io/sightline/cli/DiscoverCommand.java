package io.sightline.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventoryWriter;
import io.sightline.discovery.SourceError;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.aws.EksLinks;
import io.sightline.discovery.k8s.KubernetesSource;
import io.sightline.discovery.live.InventoryChange;
import io.sightline.discovery.live.LiveDiscovery;
import io.sightline.discovery.sources.RegisteredDiscovery;
import io.sightline.discovery.sources.RegisteredSource;
import io.sightline.discovery.sources.SourceRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sightline discover}: list the assets of registered sources (or one kubeconfig) and write inventory files. */
@Command(
        name = "discover",
        mixinStandardHelpOptions = true,
        description = {
            "Discovers every registered source (clusters, AWS accounts, Docker hosts), or the cluster of --kubeconfig.",
            "Prints the objects found per kind and source, and every part that could not be read; with --out, writes"
                    + " the inventory files `analyze` reads.",
            "With --watch, keeps clusters live with informers and relists every source each --relist-interval,"
                    + " printing one line per object added, changed or gone and rewriting the --out files; Ctrl-C stops."
        })
final class DiscoverCommand implements Callable<Integer> {

    /** Few retries: an unreachable API server is reported in seconds, not after minutes of backoff. */
    private static final int REQUEST_RETRIES = 2;

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "discover this kubeconfig's cluster instead of the registered sources")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "CTX", description = "kubeconfig context (default: the current one)")
    String context;

    @Option(names = "--out", paramLabel = "DIR", description = "write inventory files into DIR")
    Path out;

    @Option(names = "--watch", description = "keep discovering until stopped (Ctrl-C, SIGTERM)")
    boolean watch;

    @Option(
            names = "--relist-interval",
            paramLabel = "DURATION",
            description = "with --watch, time between full relists of every source (default: ${DEFAULT-VALUE})",
            defaultValue = "PT10M")
    Duration relistInterval;

    @Mixin
    DataDir data;

    /** Counted down by the shutdown hook; a test counts it down itself. */
    final CountDownLatch stopRequested = new CountDownLatch(1);

    /** Counted down once a watch has closed its informers and clients. */
    final CountDownLatch stopped = new CountDownLatch(1);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter stdout = spec.commandLine().getOut();
        AssetStore store = new AssetStore(Clock.systemUTC());
        if (watch) {
            return watch(store, stdout);
        }
        List<SourceReport> reports;
        Map<String, String> servers = new LinkedHashMap<>();
        if (kubeconfig != null || context != null) {
            reports = List.of(syncKubeconfig(store, servers));
        } else {
            SourceRegistry registry = data.registry();
            if (registry.sources().isEmpty()) {
                stdout.println("no sources registered in " + registry.file()
                        + "; discovering the default kubeconfig ($KUBECONFIG, ~/.kube/config or in-cluster)");
                reports = List.of(syncKubeconfig(store, servers));
            } else {
                reports = RegisteredDiscovery.defaults(store).discover(registry.sources());
                servers.putAll(RegisteredDiscovery.servers(registry.sources(RegisteredSource.Cluster.class)));
            }
        }
        reports.forEach(report -> print(report, stdout));
        printEks(EksLinks.of(store, servers), stdout);
        if (out != null) {
            List<Path> written = new InventoryWriter().write(store, out);
            stdout.println("wrote "
                    + written.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")) + " to "
                    + out);
        }
        stdout.flush();
        return reports.stream().allMatch(SourceReport::ok) ? 0 : 1;
    }

    // TODO: sources.json is read once at start; a source registered or removed while watching is
    // picked up only by the next start, since the registry has no change notification.
    private int watch(AssetStore store, PrintWriter stdout) throws InterruptedException {
        if (relistInterval.isNegative() || relistInterval.isZero()) {
            throw new IllegalArgumentException("--relist-interval must be positive, got " + relistInterval);
        }
        List<KubernetesClient> clients = new ArrayList<>();
        List<KubernetesSource> clusters = new ArrayList<>();
        List<SourceReport> unstarted = new ArrayList<>();
        List<RegisteredSource> others = new ArrayList<>();
        Map<String, String> servers = new LinkedHashMap<>();
        if (kubeconfig != null || context != null) {
            Config config = config();
            servers.put(sourceName(config), config.getMasterUrl());
            clusters.add(watched(sourceName(config), config, store, clients));
        } else {
            SourceRegistry registry = data.registry();
            if (registry.sources().isEmpty()) {
                stdout.println("no sources registered in " + registry.file()
                        + "; watching the default kubeconfig ($KUBECONFIG, ~/.kube/config or in-cluster)");
                Config config = config();
                servers.put(sourceName(config), config.getMasterUrl());
                clusters.add(watched(sourceName(config), config, store, clients));
            }
            for (RegisteredSource source : registry.sources()) {
                if (source instanceof RegisteredSource.Cluster cluster) {
                    try {
                        Config config = RegisteredDiscovery.config(cluster);
                        servers.put(cluster.name(), config.getMasterUrl());
                        clusters.add(watched(cluster.name(), config, store, clients));
                    } catch (RuntimeException e) {
                        unstarted.add(new SourceReport(
                                cluster.name(),
                                Map.of(),
                                List.of(new SourceError(cluster.name(), "cluster", e.getMessage() + "; not watched")),
                                Duration.ZERO));
                    }
                } else {
                    others.add(source);
                }
            }
        }
        RegisteredDiscovery discovery = RegisteredDiscovery.defaults(store);
        LiveDiscovery live = new LiveDiscovery(
                store,
                clusters,
                () -> discovery.discover(others),
                new LiveDiscovery.Settings(
                        relistInterval, LiveDiscovery.Settings.DEFAULT_FLUSH_INTERVAL, Optional.ofNullable(out)),
                new Printer(stdout));
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            unstarted.forEach(report -> print(report, stdout));
            live.start().forEach(report -> print(report, stdout));
            printEks(EksLinks.of(store, servers), stdout);
            stdout.println("watching " + clusters.size() + " cluster(s) and " + others.size()
                    + " other source(s); relisting every " + relistInterval
                    + (out == null ? "" : "; files in " + out) + " (Ctrl-C stops)");
            stdout.flush();
            stopRequested.await();
        } finally {
            live.close();
            clients.forEach(KubernetesClient::close);
            stdout.println("stopped");
            stdout.flush();
            stopped.countDown();
            removeHook(hook);
        }
        return 0;
    }

    private static KubernetesSource watched(
            String name, Config config, AssetStore store, List<KubernetesClient> clients) {
        KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build();
        clients.add(client);
        return new KubernetesSource(name, client, store);
    }

    /** A hook cannot be removed once the JVM is shutting down; it is then running, and done with us. */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is exiting: the hook is what stopped us.
        }
    }

    private SourceReport syncKubeconfig(AssetStore store, Map<String, String> servers) {
        Config config = config();
        servers.put(sourceName(config), config.getMasterUrl());
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            return new KubernetesSource(sourceName(config), client, store).sync();
        }
    }

    private Config config() {
        Config config;
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) {
                throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such file");
            }
            config = RegisteredDiscovery.config(new RegisteredSource.Cluster(
                    "kubeconfig", kubeconfig.toAbsolutePath(), java.util.Optional.ofNullable(context)));
        } else {
            config = Config.autoConfigure(context);
        }
        config.setRequestRetryBackoffLimit(REQUEST_RETRIES);
        return config;
    }

    /** The source is named by its context, or by the API server's address when there is none. */
    private static String sourceName(Config config) {
        if (config.getCurrentContext() != null && config.getCurrentContext().getName() != null) {
            return config.getCurrentContext().getName();
        }
        return config.getMasterUrl();
    }

    static void print(SourceReport report, PrintWriter out) {
        String counts =
                report.counts().entrySet().stream().map(DiscoverCommand::count).collect(Collectors.joining(", "));
        out.println(report.source() + ": " + (counts.isEmpty() ? "nothing found" : counts) + " ("
                + report.took().toMillis() + " ms)");
        for (SourceError error : report.errors()) {
            out.println("  error: " + error.what() + ": " + error.message());
        }
    }

    /** Each EKS cluster and the registered cluster it is, with its node groups, or how to register it. */
    static void printEks(EksLinks links, PrintWriter out) {
        for (EksLinks.ClusterLink cluster : links.clusters()) {
            if (cluster.registeredCluster().isPresent()) {
                out.println("EKS cluster " + cluster.name() + " (" + cluster.source() + ") is registered cluster "
                        + cluster.registeredCluster().get());
            } else {
                out.println("EKS cluster " + cluster.name() + " (" + cluster.source()
                        + cluster.endpoint().map(e -> ", " + e).orElse("") + ") offered for registration: "
                        + cluster.registrationCommand());
            }
            links.nodegroupsOf(cluster).forEach(nodegroup -> out.println("  node group " + nodegroup.describe()));
        }
    }

    private static String count(Map.Entry<String, Integer> entry) {
        return entry.getValue() + " " + entry.getKey();
    }

    /** One line per change; a relist is printed only when part of it failed. */
    private record Printer(PrintWriter out) implements LiveDiscovery.Listener {

        @Override
        public void changed(InventoryChange change) {
            synchronized (out) {
                out.println(change);
                out.flush();
            }
        }

        @Override
        public void relisted(List<SourceReport> reports) {
            synchronized (out) {
                reports.stream().filter(report -> !report.ok()).forEach(report -> print(report, out));
                out.flush();
            }
        }
    }
}
