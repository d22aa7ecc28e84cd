package io.sightline.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventoryWriter;
import io.sightline.discovery.SourceError;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.k8s.KubernetesSource;
import io.sightline.discovery.sources.RegisteredDiscovery;
import io.sightline.discovery.sources.RegisteredSource;
import io.sightline.discovery.sources.SourceRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
                    + " the inventory files `analyze` reads."
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

    @Mixin
    DataDir data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        AssetStore store = new AssetStore(Clock.systemUTC());
        List<SourceReport> reports;
        if (kubeconfig != null || context != null) {
            reports = List.of(syncKubeconfig(store));
        } else {
            SourceRegistry registry = data.registry();
            if (registry.sources().isEmpty()) {
                stdout.println("no sources registered in " + registry.file()
                        + "; discovering the default kubeconfig ($KUBECONFIG, ~/.kube/config or in-cluster)");
                reports = List.of(syncKubeconfig(store));
            } else {
                reports = RegisteredDiscovery.defaults(store).discover(registry.sources());
            }
        }
        reports.forEach(report -> print(report, stdout));
        if (out != null) {
            List<Path> written = new InventoryWriter().write(store, out);
            stdout.println("wrote "
                    + written.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")) + " to "
                    + out);
        }
        stdout.flush();
        return reports.stream().allMatch(SourceReport::ok) ? 0 : 1;
    }

    private SourceReport syncKubeconfig(AssetStore store) {
        Config config = config();
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

    private static String count(Map.Entry<String, Integer> entry) {
        return entry.getValue() + " " + entry.getKey();
    }
}
