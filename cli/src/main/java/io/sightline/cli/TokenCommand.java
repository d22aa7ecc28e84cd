package io.sightline.cli;

import io.sightline.store.Database;
import io.sightline.store.Role;
import io.sightline.store.TokenInfo;
import io.sightline.store.TokenStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sightline token create|list|revoke}: makes an API token and prints it (the only time it is shown), lists
 * tokens without their secrets, and revokes one by id.
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Manages API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Creates a token and prints it. Only a salted hash is stored; the token cannot be shown again.",
                "Roles: ingest (sensors: can only send data), viewer (read), operator (read, upload, execute"
                        + " remediation), admin (all)."
            })
    static final class Create implements Callable<Integer> {

        @Option(names = "--role", required = true, description = "ingest, viewer, operator or admin")
        String role;

        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            Role parsed = Role.parse(role);
            try (Database database = Database.open(store.url())) {
                System.out.println(new TokenStore(database).create(parsed));
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the tokens: id, role and creation time (secrets are not kept, so none is shown).")
    static final class ListTokens implements Callable<Integer> {

        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Database database = Database.open(store.url())) {
                List<TokenInfo> tokens = new TokenStore(database).list();
                System.out.printf("%-14s %-9s %s%n", "ID", "ROLE", "CREATED");
                tokens.forEach(t ->
                        System.out.printf("%-14s %-9s %s%n", t.id(), t.role().label(), t.createdAt()));
            }
            return 0;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = {
                "Revokes a token by its id (the part after sl_ and before the next _; see token list).",
                "A running server on the same store refuses it within "
                        + "10 seconds, the time it trusts a checked token."
            })
    static final class Revoke implements Callable<Integer> {

        @Parameters(paramLabel = "ID", description = "the token's id")
        String id;

        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Database database = Database.open(store.url())) {
                if (!new TokenStore(database).revoke(id)) {
                    throw new IllegalArgumentException("no token has id '" + id + "'; see sightline token list");
                }
            }
            System.err.println("sightline: token " + id + " revoked");
            return 0;
        }
    }
}
