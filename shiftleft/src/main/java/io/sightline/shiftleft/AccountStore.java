package io.sightline.shiftleft;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registered scanner accounts, kept in {@code <data>/shiftleft/accounts.json}. The file
 * holds where each credential is read from ({@code "token_env": "SNYK_TOKEN"}), never a
 * credential. Each change rewrites the file through a temporary file and an atomic move, so a
 * crash leaves the old list or the new one. Not safe for two processes changing it at once.
 */
public final class AccountStore {

    static final String FILE = "accounts.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;

    public AccountStore(Path dataDir) {
        this.file =
                requireNonNull(dataDir, "dataDir is null").resolve("shiftleft").resolve(FILE);
    }

    public Path file() {
        return file;
    }

    public List<Account> list() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scanner accounts from " + file, e);
        }
        List<Account> accounts = new ArrayList<>();
        JsonNode entries = root.path("accounts");
        for (int index = 0; index < entries.size(); index++) {
            accounts.add(read(entries.get(index), file + " accounts[" + index + "]"));
        }
        return List.copyOf(accounts);
    }

    public Optional<Account> find(String name) {
        return list().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** Adds an account; a name already registered is refused, so a typo never replaces an account. */
    public void add(Account account) {
        List<Account> accounts = new ArrayList<>(list());
        if (accounts.stream().anyMatch(a -> a.name().equals(account.name()))) {
            throw new IllegalArgumentException("a scanner account named '" + account.name()
                    + "' is already registered; remove it first to replace it");
        }
        accounts.add(account);
        write(accounts);
    }

    /** Removes the named account; false when there was none. */
    public boolean remove(String name) {
        List<Account> accounts = new ArrayList<>(list());
        boolean removed = accounts.removeIf(a -> a.name().equals(name));
        if (removed) {
            write(accounts);
        }
        return removed;
    }

    private void write(List<Account> accounts) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", 1);
        ArrayNode entries = root.putArray("accounts");
        accounts.forEach(a -> entries.add(toJson(a)));
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), "accounts", ".json");
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), root);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write scanner accounts to " + file, e);
        }
    }

    private static ObjectNode toJson(Account account) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("name", account.name());
        node.put("kind", account.kind());
        switch (account) {
            case Account.Snyk snyk -> {
                node.put("org", snyk.orgId());
                node.put("api_url", snyk.apiUrl().toString());
                putSecret(node, "token", snyk.token());
            }
            case Account.Harbor harbor -> {
                node.put("url", harbor.url().toString());
                node.put("user", harbor.user());
                putSecret(node, "password", harbor.password());
            }
            case Account.Ecr ecr -> {
                node.put("region", ecr.region());
                ecr.profile().ifPresent(p -> node.put("profile", p));
                ecr.roleArn().ifPresent(r -> node.put("role_arn", r));
                ecr.endpoint().ifPresent(e -> node.put("endpoint_url", e.toString()));
            }
        }
        return node;
    }

    private static void putSecret(ObjectNode node, String field, Secret secret) {
        switch (secret) {
            case Secret.FromEnv env -> node.put(field + "_env", env.variable());
            case Secret.FromFile path -> node.put(field + "_file", path.path().toString());
        }
    }

    private static Account read(JsonNode node, String where) {
        try {
            String name = text(node, "name", where);
            return switch (text(node, "kind", where)) {
                case "snyk" ->
                    new Account.Snyk(
                            name,
                            text(node, "org", where),
                            URI.create(text(node, "api_url", where)),
                            secret(node, "token", where));
                case "harbor" ->
                    new Account.Harbor(
                            name,
                            URI.create(text(node, "url", where)),
                            text(node, "user", where),
                            secret(node, "password", where));
                case "ecr" ->
                    new Account.Ecr(
                            name,
                            text(node, "region", where),
                            optional(node, "profile"),
                            optional(node, "role_arn"),
                            optional(node, "endpoint_url").map(URI::create));
                default ->
                    throw new IllegalArgumentException(where + ": kind must be snyk, harbor or ecr, got '"
                            + node.path("kind").asText() + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage(), e);
        }
    }

    private static Secret secret(JsonNode node, String field, String where) {
        Optional<String> env = optional(node, field + "_env");
        if (env.isPresent()) {
            return new Secret.FromEnv(env.get());
        }
        return optional(node, field + "_file")
                .<Secret>map(p -> new Secret.FromFile(Path.of(p)))
                .orElseThrow(() -> new IllegalArgumentException(
                        where + ": neither " + field + "_env nor " + field + "_file is set"));
    }

    private static String text(JsonNode node, String field, String where) {
        return optional(node, field)
                .orElseThrow(() -> new IllegalArgumentException(where + ": " + field + " is missing"));
    }

    private static Optional<String> optional(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }
}
