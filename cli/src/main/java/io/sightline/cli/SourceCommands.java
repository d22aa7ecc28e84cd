package io.sightline.cli;

import io.sightline.discovery.sources.RegisteredDiscovery;
import io.sightline.discovery.sources.RegisteredSource;
import io.sightline.discovery.sources.SourceRegistry;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sightline clusters|accounts|hosts add|list|remove}: the sources {@code discover} reads,
 * registered once in the data directory's {@code sources.json}. Credentials are referenced (a
 * kubeconfig path and context, an AWS profile or role ARN, a Docker socket), never copied.
 */
final class SourceCommands {

    private SourceCommands() {}

    @Command(
            name = "clusters",
            mixinStandardHelpOptions = true,
            description = "Registers Kubernetes clusters for discovery.",
            subcommands = {AddCluster.class, ListSources.Clusters.class, RemoveCluster.class})
    static final class Clusters {}

    @Command(
            name = "accounts",
            mixinStandardHelpOptions = true,
            description = "Registers cloud accounts for discovery (AWS).",
            subcommands = {AddAccount.class, ListSources.Accounts.class, RemoveAccount.class})
    static final class Accounts {}

    @Command(
            name = "hosts",
            mixinStandardHelpOptions = true,
            description = "Registers standalone Docker hosts for discovery.",
            subcommands = {AddHost.class, ListSources.Hosts.class, RemoveHost.class})
    static final class Hosts {}

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Registers a cluster by its kubeconfig.")
    static final class AddCluster implements Callable<Integer> {

        @Mixin
        DataDir data;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(
                names = "--kubeconfig",
                required = true,
                paramLabel = "FILE",
                description = "kubeconfig file (kept as a path)")
        Path kubeconfig;

        @Option(
                names = "--context",
                paramLabel = "CTX",
                description = "context in the kubeconfig (default: its current one)")
        String context;

        @Override
        public Integer call() {
            RegisteredDiscovery.checkKubeconfig(kubeconfig, Optional.ofNullable(context));
            return added(
                    spec,
                    data.registry(),
                    new RegisteredSource.Cluster(
                            name, kubeconfig.toAbsolutePath().normalize(), Optional.ofNullable(context)));
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Registers a cloud account: `accounts add aws NAME [--profile P | --role-arn ARN]`.")
    static final class AddAccount implements Callable<Integer> {

        @Mixin
        DataDir data;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PROVIDER", description = "aws (the only provider so far)")
        String provider;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Option(
                names = "--profile",
                paramLabel = "P",
                description = "AWS profile (default: the standard credential chain)")
        String profile;

        @Option(names = "--role-arn", paramLabel = "ARN", description = "IAM role to assume through STS")
        String roleArn;

        @Option(
                names = "--regions",
                split = ",",
                paramLabel = "r1,r2",
                description = "regions to read (default: every enabled region, from ec2 DescribeRegions)")
        List<String> regions = new ArrayList<>();

        @Option(
                names = "--endpoint-url",
                paramLabel = "URL",
                description = "AWS-compatible endpoint for every service (default: AWS, or $AWS_ENDPOINT_URL)")
        String endpointUrl;

        @Override
        public Integer call() {
            if (!provider.equals("aws")) {
                throw new IllegalArgumentException(
                        "unknown account provider '" + provider + "'; only aws is supported");
            }
            return added(
                    spec,
                    data.registry(),
                    new RegisteredSource.AwsAccount(
                            name,
                            Optional.ofNullable(profile),
                            Optional.ofNullable(roleArn),
                            regions,
                            Optional.ofNullable(endpointUrl).map(SourceCommands::uri)));
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Registers a Docker host by its Engine API.")
    static final class AddHost implements Callable<Integer> {

        @Mixin
        DataDir data;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(
                names = "--docker",
                required = true,
                paramLabel = "URL",
                description = "unix:///var/run/docker.sock or tcp://host:port")
        String docker;

        @Override
        public Integer call() {
            return added(spec, data.registry(), new RegisteredSource.DockerHost(name, uri(docker)));
        }
    }

    abstract static class Remove implements Callable<Integer> {

        @Mixin
        DataDir data;

        @Spec
        CommandSpec spec;

        abstract Class<? extends RegisteredSource> type();

        abstract String sourceName();

        @Override
        public Integer call() {
            SourceRegistry registry = data.registry();
            RegisteredSource removed = registry.remove(type(), sourceName());
            spec.commandLine()
                    .getOut()
                    .println("removed " + removed.type() + " " + removed.name() + " from " + registry.file());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Unregisters a cluster.")
    static final class RemoveCluster extends Remove {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        Class<? extends RegisteredSource> type() {
            return RegisteredSource.Cluster.class;
        }

        @Override
        String sourceName() {
            return name;
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Unregisters an account: `remove aws NAME`.")
    static final class RemoveAccount extends Remove {

        @Parameters(index = "0", paramLabel = "PROVIDER", description = "aws")
        String provider;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        Class<? extends RegisteredSource> type() {
            return RegisteredSource.AwsAccount.class;
        }

        @Override
        String sourceName() {
            if (!provider.equals("aws")) {
                throw new IllegalArgumentException(
                        "unknown account provider '" + provider + "'; only aws is supported");
            }
            return name;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Unregisters a Docker host.")
    static final class RemoveHost extends Remove {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        Class<? extends RegisteredSource> type() {
            return RegisteredSource.DockerHost.class;
        }

        @Override
        String sourceName() {
            return name;
        }
    }

    abstract static class ListSources implements Callable<Integer> {

        @Mixin
        DataDir data;

        @Spec
        CommandSpec spec;

        abstract Class<? extends RegisteredSource> type();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<? extends RegisteredSource> sources = data.registry().sources(type());
            sources.forEach(s -> out.println(s.name() + "\t" + s.type() + "\t" + s.describe()));
            if (sources.isEmpty()) {
                out.println("none registered in " + data.registry().file());
            }
            out.flush();
            return 0;
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists registered clusters.")
        static final class Clusters extends ListSources {
            @Override
            Class<? extends RegisteredSource> type() {
                return RegisteredSource.Cluster.class;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists registered accounts.")
        static final class Accounts extends ListSources {
            @Override
            Class<? extends RegisteredSource> type() {
                return RegisteredSource.AwsAccount.class;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists registered Docker hosts.")
        static final class Hosts extends ListSources {
            @Override
            Class<? extends RegisteredSource> type() {
                return RegisteredSource.DockerHost.class;
            }
        }
    }

    private static int added(CommandSpec spec, SourceRegistry registry, RegisteredSource source) {
        registry.add(source);
        spec.commandLine()
                .getOut()
                .println("registered " + source.type() + " " + source.name() + " (" + source.describe() + ") in "
                        + registry.file());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason(), e);
        }
    }
}
