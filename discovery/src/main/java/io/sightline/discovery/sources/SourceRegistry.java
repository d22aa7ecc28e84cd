package io.sightline.discovery.sources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sources registered under a data directory, kept in {@code sources.json}. The file holds
 * references only (paths, profile names, role ARNs, socket addresses); it is written whole to a
 * temporary file beside it, flushed to disk and renamed over the old one, so a crash leaves the old
 * file or the new one and never half of either. The data directory is created owner-only
 * ({@code rwx------}) and the file is owner-only ({@code rw-------}).
 *
 * <p>Not thread-safe, and not safe against two processes writing at once: the last rename wins.
 */
public final class SourceRegistry {

    public static final String FILE = "sources.json";

    private static final int VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path dataDir;
    private final List<RegisteredSource> sources;

    private SourceRegistry(Path dataDir, List<RegisteredSource> sources) {
        this.dataDir = dataDir;
        this.sources = new ArrayList<>(sources);
    }

    /** Reads the registry of {@code dataDir}; an absent file is an empty registry. */
    public static SourceRegistry load(Path dataDir) {
        requireNonNull(dataDir, "dataDir is null");
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return new SourceRegistry(dataDir, List.of());
        }
        try {
            return new SourceRegistry(dataDir, parse(MAPPER.readTree(file.toFile()), file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return dataDir.resolve(FILE);
    }

    /** Every source, in the order registered. */
    public List<RegisteredSource> sources() {
        return List.copyOf(sources);
    }

    public <T extends RegisteredSource> List<T> sources(Class<T> type) {
        return sources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public Optional<RegisteredSource> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Adds a source and saves; a name already used by any source is refused. */
    public void add(RegisteredSource source) {
        requireNonNull(source, "source is null");
        source(source.name()).ifPresent(known -> {
            throw new IllegalArgumentException("a source named '" + source.name() + "' is already registered ("
                    + known.type() + ", " + known.describe() + "); remove it first");
        });
        sources.add(source);
        save();
    }

    /** Removes the source of that type and name and saves; an unknown one is refused. */
    public RegisteredSource remove(Class<? extends RegisteredSource> type, String name) {
        RegisteredSource found = source(name)
                .filter(type::isInstance)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no " + typeName(type) + " named '" + name + "' is registered in " + file()));
        sources.remove(found);
        save();
        return found;
    }

    private void save() {
        Path file = file();
        try {
            createOwnerOnly(dataDir);
            Path temp = dataDir.resolve(FILE + ".tmp");
            Files.deleteIfExists(temp);
            try (FileChannel channel = FileChannel.open(
                    temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly(OWNER_FILE))) {
                OutputStream out = Channels.newOutputStream(channel);
                MAPPER.writerWithDefaultPrettyPrinter().writeValue(nonClosing(out), document());
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private ObjectNode document() {
        ObjectNode root = MAPPER.createObjectNode().put("version", VERSION);
        ArrayNode clusters = root.putArray("clusters");
        ArrayNode accounts = root.putArray("awsAccounts");
        ArrayNode hosts = root.putArray("dockerHosts");
        for (RegisteredSource source : sources) {
            ArrayNode list = switch (source) {
                case RegisteredSource.Cluster c -> clusters;
                case RegisteredSource.AwsAccount a -> accounts;
                case RegisteredSource.DockerHost d -> hosts;
            };
            list.add(toJson(source));
        }
        return root;
    }

    /**
     * A source's fields as the registry file and the server's API write them: {@code name} and, by type,
     * {@code kubeconfig}/{@code context}, {@code profile}/{@code roleArn}/{@code regions}/{@code endpointUrl}, or
     * {@code docker}. References only: no field holds a secret.
     */
    public static ObjectNode toJson(RegisteredSource source) {
        ObjectNode node = MAPPER.createObjectNode().put("name", source.name());
        switch (source) {
            case RegisteredSource.Cluster c -> {
                node.put("kubeconfig", c.kubeconfig().toString());
                c.context().ifPresent(context -> node.put("context", context));
            }
            case RegisteredSource.AwsAccount a -> {
                a.profile().ifPresent(p -> node.put("profile", p));
                a.roleArn().ifPresent(r -> node.put("roleArn", r));
                a.regions().forEach(node.withArray("regions")::add);
                a.endpointUrl().ifPresent(u -> node.put("endpointUrl", u.toString()));
            }
            case RegisteredSource.DockerHost d -> node.put("docker", d.docker().toString());
        }
        return node;
    }

    /**
     * The source of {@code type} ({@code cluster}, {@code aws} or {@code docker}) that {@code node}'s fields
     * describe, in the shape of {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the unknown type, the missing field or the invalid value
     */
    public static RegisteredSource fromJson(String type, JsonNode node) {
        return switch (type) {
            case "cluster" ->
                new RegisteredSource.Cluster(
                        required(node, "name"), Path.of(required(node, "kubeconfig")), optional(node, "context"));
            case "aws" -> {
                List<String> regions = new ArrayList<>();
                node.path("regions").forEach(r -> regions.add(r.asText()));
                yield new RegisteredSource.AwsAccount(
                        required(node, "name"),
                        optional(node, "profile"),
                        optional(node, "roleArn"),
                        regions,
                        optional(node, "endpointUrl").map(SourceRegistry::uri));
            }
            case "docker" -> new RegisteredSource.DockerHost(required(node, "name"), uri(required(node, "docker")));
            default ->
                throw new IllegalArgumentException(
                        "unknown source type '" + type + "': expected cluster, aws or docker");
        };
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URI: " + e.getReason(), e);
        }
    }

    private static List<RegisteredSource> parse(JsonNode root, Path file) {
        if (root.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException(
                    file + ": expected a sources file of version " + VERSION + ", got " + root.path("version"));
        }
        List<RegisteredSource> sources = new ArrayList<>();
        try {
            root.path("clusters").forEach(c -> sources.add(fromJson("cluster", c)));
            root.path("awsAccounts").forEach(a -> sources.add(fromJson("aws", a)));
            root.path("dockerHosts").forEach(d -> sources.add(fromJson("docker", d)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return sources;
    }

    private static String required(JsonNode node, String field) {
        return optional(node, field)
                .orElseThrow(() -> new IllegalArgumentException("a source without '" + field + "': " + node));
    }

    private static Optional<String> optional(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static void createOwnerOnly(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, ownerOnly(OWNER_DIR));
        }
    }

    private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    private static String typeName(Class<? extends RegisteredSource> type) {
        if (type == RegisteredSource.Cluster.class) {
            return "cluster";
        }
        return type == RegisteredSource.AwsAccount.class ? "AWS account" : "Docker host";
    }

    /** Jackson closes the stream it writes; the channel must stay open for {@code force}. */
    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
