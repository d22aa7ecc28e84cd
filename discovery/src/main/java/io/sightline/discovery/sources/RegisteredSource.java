package io.sightline.discovery.sources;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A source registered once and discovered on every run: a Kubernetes cluster, an AWS account or a
 * Docker host. Each names its credentials by reference (a kubeconfig path and context, an AWS
 * profile or role ARN, a Docker socket) and never holds a secret. The name is the source's scope in
 * the asset store, so it is unique across every type.
 */
public sealed interface RegisteredSource
        permits RegisteredSource.Cluster, RegisteredSource.AwsAccount, RegisteredSource.DockerHost {

    Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");

    String name();

    /** {@code cluster}, {@code aws} or {@code docker}, as {@code sightline ... list} prints it. */
    String type();

    /** Where the credentials come from, for listings: never a secret. */
    String describe();

    static String checkName(String name) {
        requireNonNull(name, "name is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("source name '" + name
                    + "' must be lower-case letters, digits, '.', '_' or '-', start and end with a letter or digit,"
                    + " at most 63 characters");
        }
        return name;
    }

    /** A Kubernetes cluster reached through a kubeconfig file, read at each run. */
    record Cluster(String name, Path kubeconfig, Optional<String> context) implements RegisteredSource {

        public Cluster {
            checkName(name);
            requireNonNull(kubeconfig, "kubeconfig is null");
            requireNonNull(context, "context is null");
            if (!kubeconfig.isAbsolute()) {
                throw new IllegalArgumentException("kubeconfig " + kubeconfig + " must be an absolute path");
            }
        }

        @Override
        public String type() {
            return "cluster";
        }

        @Override
        public String describe() {
            return "kubeconfig " + kubeconfig
                    + context.map(c -> " context " + c).orElse("");
        }
    }

    /**
     * An AWS account: credentials from the standard chain or a named profile, optionally a role
     * assumed through STS; every enabled region when {@code regions} is empty.
     */
    record AwsAccount(
            String name,
            Optional<String> profile,
            Optional<String> roleArn,
            List<String> regions,
            Optional<URI> endpointUrl)
            implements RegisteredSource {

        private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
        private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

        public AwsAccount {
            checkName(name);
            requireNonNull(profile, "profile is null");
            requireNonNull(roleArn, "roleArn is null");
            regions = List.copyOf(regions);
            requireNonNull(endpointUrl, "endpointUrl is null");
            roleArn.ifPresent(arn -> {
                if (!ROLE_ARN.matcher(arn).matches()) {
                    throw new IllegalArgumentException(
                            "--role-arn '" + arn + "' is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)");
                }
            });
            regions.forEach(region -> {
                if (!REGION.matcher(region).matches()) {
                    throw new IllegalArgumentException("region '" + region + "' is not a region name like eu-west-1");
                }
            });
            endpointUrl.ifPresent(AwsAccount::checkEndpoint);
        }

        @Override
        public String type() {
            return "aws";
        }

        @Override
        public String describe() {
            return profile.map(p -> "profile " + p).orElse("default credential chain")
                    + roleArn.map(r -> ", assumes " + r).orElse("")
                    + (regions.isEmpty() ? ", every enabled region" : ", regions " + String.join(",", regions))
                    + endpointUrl.map(u -> ", endpoint " + u).orElse("");
        }

        private static void checkEndpoint(URI uri) {
            String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("--endpoint-url '" + uri + "' must be an http or https URL");
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException("--endpoint-url must not carry credentials");
            }
        }
    }

    /** A Docker Engine reached at {@code unix:///path/to/docker.sock} or {@code tcp://host:port}. */
    record DockerHost(String name, URI docker) implements RegisteredSource {

        public DockerHost {
            checkName(name);
            requireNonNull(docker, "docker is null");
            String scheme = Optional.ofNullable(docker.getScheme()).orElse("");
            boolean unix = scheme.equals("unix")
                    && docker.getPath() != null
                    && !docker.getPath().isEmpty();
            boolean tcp = scheme.equals("tcp")
                    && docker.getHost() != null
                    && docker.getPort() > 0
                    && docker.getPort() <= 65_535;
            if (!unix && !tcp) {
                throw new IllegalArgumentException(
                        "--docker '" + docker + "' must be unix:///path/to/docker.sock or tcp://host:port");
            }
        }

        @Override
        public String type() {
            return "docker";
        }

        @Override
        public String describe() {
            return "docker " + docker;
        }
    }
}
