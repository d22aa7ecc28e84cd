package io.sightline.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sightline.discovery.AssetStore;
import io.sightline.discovery.InventoryWriter;
import io.sightline.discovery.SourceError;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.k8s.KubernetesSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sightline discover}: list a cluster's assets and write them as inventory files. */
@Command(
        name = "discover",
        mixinStandardHelpOptions = true,
        description = {
            "Discovers a Kubernetes cluster's nodes, namespaces, workloads, pods, Services, EndpointSlices and Ingresses.",
            "Prints the objects found per kind and any part that could not be read; with --out, writes pods.json,"
                    + " nodes.json, services.json and endpointslices.json as `analyze` reads them."
        })
final class DiscoverCommand implements Callable<Integer> {

    /** Few retries: an unreachable API server is reported in seconds, not after minutes of backoff. */
    private static final int REQUEST_RETRIES = 2;

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "kubeconfig to use (default: $KUBECONFIG, ~/.kube/config or the in-cluster service account)")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "CTX", description = "kubeconfig context (default: the current one)")
    String context;

    @Option(names = "--out", paramLabel = "DIR", description = "write inventory files into DIR")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        AssetStore store = new AssetStore(Clock.systemUTC());
        Config config = config();
        String name = sourceName(config);
        SourceReport report;
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            report = new KubernetesSource(name, client, store).sync();
        }
        print(report, stdout);
        if (out != null) {
            List<Path> written = new InventoryWriter().write(store, out);
            stdout.println("wrote "
                    + written.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")) + " to "
                    + out);
        }
        stdout.flush();
        return report.ok() ? 0 : 1;
    }

    private Config config() {
        Config config;
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) {
                throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such file");
            }
            config = Config.fromKubeconfig(context, kubeconfig.toFile());
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
