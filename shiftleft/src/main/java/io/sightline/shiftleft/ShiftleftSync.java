package io.sightline.shiftleft;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.shiftleft.http.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs scanner accounts one after the other, each on its own: an account whose credential is
 * rejected or whose API fails is reported and the next account is synced all the same. With an
 * output folder, each account's reports are written to {@code <out>/<account>/}, replacing what
 * an earlier sync wrote there; an account that failed as a whole keeps its earlier files (stale,
 * and the summary says the account failed). Not thread safe: one sync at a time per folder.
 */
public final class ShiftleftSync {

    private static final Logger log = LoggerFactory.getLogger(ShiftleftSync.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What one account's sync gave and which files it wrote. */
    public record Outcome(AccountPull pull, List<Path> files) {
        public Outcome {
            requireNonNull(pull, "pull is null");
            files = List.copyOf(files);
        }
    }

    private final Connectors connectors;

    public ShiftleftSync(Connectors connectors) {
        this.connectors = requireNonNull(connectors, "connectors is null");
    }

    public List<Outcome> sync(List<Account> accounts, Optional<Path> out) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        for (Account account : accounts) {
            AccountPull pull = pullOne(account);
            List<Path> files = out.isPresent() && pull.failure().isEmpty() ? write(out.get(), pull) : List.of();
            outcomes.add(new Outcome(pull, files));
        }
        return List.copyOf(outcomes);
    }

    private AccountPull pullOne(Account account) throws InterruptedException {
        log.info("account={} kind={} sync started", account.name(), account.kind());
        try {
            AccountPull pull = connectors.pull(account);
            log.info(
                    "account={} images={} reports={} problems={} synced",
                    account.name(),
                    pull.imagesListed(),
                    pull.reports().size(),
                    pull.problems().size());
            return pull;
        } catch (AccountFailure e) {
            log.warn("account={} failed: {}; other accounts continue", account.name(), e.getMessage());
            return AccountPull.failed(account, e.getMessage());
        } catch (ApiException e) {
            String reason = account.kind() + " account " + account.name() + ": " + e.getMessage();
            log.warn("account={} failed: {}; other accounts continue", account.name(), e.getMessage());
            return AccountPull.failed(account, reason);
        }
    }

    private static List<Path> write(Path out, AccountPull pull) {
        Path folder = out.resolve(pull.account());
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            try (Stream<Path> old = Files.list(folder)) {
                for (Path stale : old.filter(p -> p.getFileName().toString().endsWith(".json"))
                        .toList()) {
                    Files.delete(stale);
                }
            }
            for (ScannerPull report : pull.reports()) {
                Path file = folder.resolve(report.fileName());
                MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), report.document());
                files.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the reports of account " + pull.account() + " to " + folder, e);
        }
        return files;
    }
}
