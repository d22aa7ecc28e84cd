package io.sightline.cli;

import io.sightline.shiftleft.Account;
import io.sightline.shiftleft.AccountPull;
import io.sightline.shiftleft.AccountStore;
import io.sightline.shiftleft.Connectors;
import io.sightline.shiftleft.Schedule;
import io.sightline.shiftleft.Secret;
import io.sightline.shiftleft.ShiftleftSync;
import io.sightline.shiftleft.http.Sleeper;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sightline shiftleft}: register scanner accounts (Snyk, Harbor, ECR) once and pull the
 * reports of the images they scanned. Accounts live in {@code <data>/shiftleft/accounts.json},
 * which names where each credential is read from and never holds one.
 */
@Command(
        name = "shiftleft",
        mixinStandardHelpOptions = true,
        description = "Scanner accounts: register them, list them, pull their image scan results.",
        subcommands = {
            ShiftleftCommand.Add.class,
            ShiftleftCommand.ListAccounts.class,
            ShiftleftCommand.Remove.class,
            ShiftleftCommand.Sync.class
        })
final class ShiftleftCommand implements Runnable {

    static final Path DEFAULT_DATA = Path.of("sightline-data");

    /** Pulled reports named per account in the sync summary; the rest are counted. */
    private static final int PULLS_SHOWN = 20;

    @Override
    public void run() {
        System.out.println(
                "usage: sightline shiftleft add snyk|harbor|ecr NAME ... | list | remove NAME | sync [NAME]");
    }

    /** The secret's place from the two exclusive options; exactly one is required. */
    static final class SecretOptions {
        @Option(
                names = {"--token-env", "--password-env"},
                paramLabel = "VAR",
                description = "read it from this environment variable")
        String env;

        @Option(
                names = {"--token-file", "--password-file"},
                paramLabel = "FILE",
                description = "read it from this file's first line")
        Path file;

        Secret secret() {
            return env != null ? new Secret.FromEnv(env) : new Secret.FromFile(file);
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Register a scanner account.",
            subcommands = {AddSnyk.class, AddHarbor.class, AddEcr.class})
    static final class Add implements Runnable {
        @Override
        public void run() {
            System.out.println("usage: sightline shiftleft add snyk|harbor|ecr NAME ...");
        }
    }

    abstract static class AddAccount implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "the account's name in Sightline")
        String name;

        @Option(names = "--data", paramLabel = "DIR", description = "data folder (default: ./sightline-data)")
        Path data = DEFAULT_DATA;

        abstract Account account();

        @Override
        public Integer call() {
            Account account = account();
            AccountStore store = new AccountStore(data);
            store.add(account);
            System.out.println("added " + account.kind() + " account " + account.name() + ": " + account.describe());
            return 0;
        }
    }

    @Command(name = "snyk", mixinStandardHelpOptions = true, description = "A Snyk organisation (REST API).")
    static final class AddSnyk extends AddAccount {
        @Option(names = "--org", required = true, paramLabel = "ORG_ID", description = "Snyk organisation id")
        String org;

        @Option(
                names = "--api-url",
                paramLabel = "URL",
                description = "REST API root (default: https://api.snyk.io/rest)")
        URI apiUrl = Account.Snyk.DEFAULT_API;

        @ArgGroup(multiplicity = "1")
        SecretOptions token;

        @Override
        Account account() {
            return new Account.Snyk(name, org, apiUrl, token.secret());
        }
    }

    @Command(name = "harbor", mixinStandardHelpOptions = true, description = "A Harbor registry (API v2.0).")
    static final class AddHarbor extends AddAccount {
        @Option(names = "--url", required = true, paramLabel = "URL", description = "Harbor's base URL")
        URI url;

        @Option(names = "--user", required = true, paramLabel = "USER", description = "user or robot account name")
        String user;

        @ArgGroup(multiplicity = "1")
        SecretOptions password;

        @Override
        Account account() {
            return new Account.Harbor(name, url, user, password.secret());
        }
    }

    @Command(
            name = "ecr",
            mixinStandardHelpOptions = true,
            description = "An ECR registry: basic and enhanced (Amazon Inspector) scan findings.")
    static final class AddEcr extends AddAccount {
        @Option(names = "--region", required = true, paramLabel = "REGION")
        String region;

        @Option(names = "--profile", paramLabel = "PROFILE", description = "AWS profile (default: the default chain)")
        String profile;

        @Option(names = "--role-arn", paramLabel = "ARN", description = "IAM role to assume for reading")
        String roleArn;

        @Option(
                names = "--endpoint-url",
                paramLabel = "URL",
                description = "ECR endpoint (a VPC endpoint, a test stub)")
        URI endpoint;

        @Override
        Account account() {
            return new Account.Ecr(
                    name,
                    region,
                    Optional.ofNullable(profile),
                    Optional.ofNullable(roleArn),
                    Optional.ofNullable(endpoint));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the registered scanner accounts.")
    static final class ListAccounts implements Callable<Integer> {
        @Option(names = "--data", paramLabel = "DIR", description = "data folder (default: ./sightline-data)")
        Path data = DEFAULT_DATA;

        @Override
        public Integer call() {
            List<Account> accounts = new AccountStore(data).list();
            if (accounts.isEmpty()) {
                System.out.println("no scanner accounts registered in " + data);
            }
            accounts.forEach(a -> System.out.println(a.name() + "\t" + a.kind() + "\t" + a.describe()));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a registered scanner account.")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--data", paramLabel = "DIR", description = "data folder (default: ./sightline-data)")
        Path data = DEFAULT_DATA;

        @Override
        public Integer call() {
            if (!new AccountStore(data).remove(name)) {
                throw new IllegalArgumentException("no scanner account named '" + name + "' in " + data);
            }
            System.out.println("removed scanner account " + name);
            return 0;
        }
    }

    @Command(
            name = "sync",
            mixinStandardHelpOptions = true,
            description = {
                "Pull the scan results of every image the accounts scanned (or of account NAME).",
                "Exit status 1 when an account or an item could not be pulled; the rest is written all the same."
            })
    static final class Sync implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "only this account")
        String name;

        @Option(names = "--data", paramLabel = "DIR", description = "data folder (default: ./sightline-data)")
        Path data = DEFAULT_DATA;

        @Option(names = "--out", paramLabel = "DIR", description = "report folder (default: <data>/shiftleft/pulled)")
        Path out;

        @Option(
                names = "--every",
                paramLabel = "DURATION",
                description = "sync again every DURATION (ISO-8601, e.g. PT1H)")
        Duration every;

        @Option(
                names = "--iterations",
                paramLabel = "N",
                description = "with --every: stop after N syncs (default: run until stopped)")
        Integer iterations;

        @Override
        public Integer call() throws InterruptedException {
            List<Account> accounts = accounts(data, Optional.ofNullable(name));
            Path folder = out != null ? out : pulledFolder(data);
            if (every == null) {
                if (iterations != null) {
                    throw new IllegalArgumentException("--iterations needs --every");
                }
                return report(syncOnce(accounts, folder), System.out);
            }
            int[] worst = {0};
            new Schedule(every, iterations == null ? OptionalInt.empty() : OptionalInt.of(iterations))
                    .run(
                            iteration -> {
                                System.out.println("sync " + iteration + ":");
                                worst[0] = Math.max(worst[0], report(syncOnce(accounts, folder), System.out));
                            },
                            Sleeper.REAL,
                            Clock.systemUTC());
            return worst[0];
        }
    }

    static Path pulledFolder(Path data) {
        return data.resolve("shiftleft").resolve("pulled");
    }

    static List<Account> accounts(Path data, Optional<String> name) {
        AccountStore store = new AccountStore(data);
        List<Account> accounts = name.map(n -> store.find(n)
                        .map(List::of)
                        .orElseThrow(
                                () -> new IllegalArgumentException("no scanner account named '" + n + "' in " + data)))
                .orElseGet(store::list);
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("no scanner accounts registered in " + data
                    + "; add one with 'sightline shiftleft add snyk|harbor|ecr'");
        }
        return accounts;
    }

    static List<ShiftleftSync.Outcome> syncOnce(List<Account> accounts, Path out) throws InterruptedException {
        return new ShiftleftSync(Connectors.standard(System::getenv)).sync(accounts, Optional.of(out));
    }

    /** Prints one line per account and its problems; 1 when anything could not be pulled. */
    static int report(List<ShiftleftSync.Outcome> outcomes, PrintStream out) {
        int exit = 0;
        for (ShiftleftSync.Outcome outcome : outcomes) {
            AccountPull pull = outcome.pull();
            if (pull.failure().isPresent()) {
                out.println(pull.account() + ": error: " + pull.failure().get());
                exit = 1;
                continue;
            }
            List<String> parts = new ArrayList<>();
            parts.add(pull.imagesListed() + " images scanned");
            parts.add(pull.reports().size() + " reports pulled");
            if (!outcome.files().isEmpty()) {
                parts.add("written to " + outcome.files().getFirst().getParent());
            }
            out.println(pull.account() + ": " + String.join(", ", parts));
            pull.reports().stream()
                    .limit(PULLS_SHOWN)
                    .forEach(r -> out.println(
                            "  pulled: " + r.image().orElse("(image not named)") + " (" + r.fileName() + ")"));
            if (pull.reports().size() > PULLS_SHOWN) {
                out.println("  pulled: ... and " + (pull.reports().size() - PULLS_SHOWN) + " more");
            }
            pull.problems().forEach(p -> out.println("  problem: " + p));
            if (!pull.problems().isEmpty()) {
                exit = 1;
            }
        }
        return exit;
    }
}
