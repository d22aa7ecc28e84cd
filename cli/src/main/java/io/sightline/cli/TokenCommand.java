package io.sightline.cli;

import io.sightline.store.Database;
import io.sightline.store.Role;
import io.sightline.store.TokenStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sightline token create}: makes an API token and prints it, the only time it is shown. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Manages API tokens.",
        subcommands = {TokenCommand.Create.class})
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
                "Roles: ingest (sensors: can only send data), viewer (read), operator (read and upload), admin (all)."
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
}
