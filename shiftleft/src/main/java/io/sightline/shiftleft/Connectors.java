package io.sightline.shiftleft;

import static java.util.Objects.requireNonNull;

import io.sightline.shiftleft.ecr.EcrConnector;
import io.sightline.shiftleft.harbor.HarborConnector;
import io.sightline.shiftleft.http.JsonApi;
import io.sightline.shiftleft.http.RetryPolicy;
import io.sightline.shiftleft.http.Sleeper;
import io.sightline.shiftleft.snyk.SnykConnector;
import java.time.Clock;
import java.util.function.Function;

/** One connector per account kind, chosen by an exhaustive switch over the account types. */
public record Connectors(SnykConnector snyk, HarborConnector harbor, EcrConnector ecr) {

    public Connectors {
        requireNonNull(snyk, "snyk is null");
        requireNonNull(harbor, "harbor is null");
        requireNonNull(ecr, "ecr is null");
    }

    /** Connectors for real use: credentials from {@code env}, retries slept for real. */
    public static Connectors standard(Function<String, String> env) {
        JsonApi api = new JsonApi(RetryPolicy.DEFAULTS, Sleeper.REAL, Clock.systemUTC());
        return new Connectors(new SnykConnector(api, env), new HarborConnector(api, env), new EcrConnector());
    }

    public AccountPull pull(Account account) throws InterruptedException {
        return switch (account) {
            case Account.Snyk snykAccount -> snyk.pull(snykAccount);
            case Account.Harbor harborAccount -> harbor.pull(harborAccount);
            case Account.Ecr ecrAccount -> ecr.pull(ecrAccount);
        };
    }
}
