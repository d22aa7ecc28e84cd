package io.sightline.shiftleft;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What one sync of one account gave: the images the account lists as scanned, the reports pulled
 * and the items that could not be pulled (each with its reason; the rest is kept). {@code
 * failure} is set when the account as a whole could not be read (a rejected credential, an
 * unreachable API): then nothing was pulled.
 */
public record AccountPull(
        String account,
        String kind,
        int imagesListed,
        List<ScannerPull> reports,
        List<String> problems,
        Optional<String> failure) {

    public AccountPull {
        requireNonNull(account, "account is null");
        requireNonNull(kind, "kind is null");
        reports = List.copyOf(reports);
        problems = List.copyOf(problems);
        requireNonNull(failure, "failure is null");
    }

    static AccountPull failed(Account account, String reason) {
        return new AccountPull(account.name(), account.kind(), 0, List.of(), List.of(), Optional.of(reason));
    }

    public boolean complete() {
        return failure.isEmpty() && problems.isEmpty();
    }
}
