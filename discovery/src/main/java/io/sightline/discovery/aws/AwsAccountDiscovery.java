package io.sightline.discovery.aws;

import static java.util.Objects.requireNonNull;

import io.sightline.discovery.AssetStore;
import io.sightline.discovery.SourceError;
import io.sightline.discovery.SourceReport;
import io.sightline.discovery.sources.RegisteredSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Discovers one registered AWS account in every region it covers. Each region is its own source
 * scope, named {@code <account>/<region>}, so a region that fails (a 403 from an SCP, an opt-in
 * region not enabled) sweeps nothing anywhere else.
 *
 * <p>With a role ARN, the base credentials (the default chain or a profile) assume that role
 * through STS once per run, before any region is read; a refused assume-role is reported as the
 * account's one error. With no regions registered, the account's enabled regions are listed by
 * EC2 DescribeRegions (which lists enabled regions only unless asked for all). At most
 * {@code regionConcurrency} regions of an account are read at once, and each region's calls run
 * one after the other: the concurrency per account and region is bounded.
 */
public final class AwsAccountDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(AwsAccountDiscovery.class);

    /** Where STS and DescribeRegions are called when the account names no region. */
    static final Region HOME_REGION = Region.US_EAST_1;

    private static final String SESSION_NAME = "sightline-discovery";

    private final RegisteredSource.AwsAccount account;
    private final AwsSettings base;
    private final int regionConcurrency;
    private final AssetStore store;

    /**
     * @param base the base credentials, retry strategy and endpoint; its region is ignored, each
     *     region's settings are derived from it
     */
    public AwsAccountDiscovery(
            RegisteredSource.AwsAccount account, AwsSettings base, int regionConcurrency, AssetStore store) {
        this.account = requireNonNull(account, "account is null");
        this.base = requireNonNull(base, "base is null");
        if (regionConcurrency < 1) {
            throw new IllegalArgumentException("regionConcurrency must be at least 1, got " + regionConcurrency);
        }
        this.regionConcurrency = regionConcurrency;
        this.store = requireNonNull(store, "store is null");
    }

    /** The settings of a registered account: its profile or the default chain, its endpoint. */
    public static AwsSettings settingsOf(RegisteredSource.AwsAccount account) {
        AwsSettings defaults = AwsSettings.defaults(HOME_REGION);
        AwsCredentialsProvider credentials = account.profile()
                .<AwsCredentialsProvider>map(profile -> ProfileCredentialsProvider.builder()
                        .profileName(profile)
                        .build())
                .orElse(defaults.credentials());
        return new AwsSettings(HOME_REGION, account.endpointUrl(), credentials, defaults.retryStrategy());
    }

    /** One report per region read, or one report for the account when it could not be started. */
    public List<SourceReport> sync() {
        long started = System.nanoTime();
        AwsSettings settings;
        try {
            settings = withAssumedRole(base);
        } catch (SdkException e) {
            return List.of(failed("sts:AssumeRole " + account.roleArn().orElse(""), e, started));
        }
        List<String> regions;
        try {
            regions = account.regions().isEmpty() ? enabledRegions(settings) : account.regions();
        } catch (SdkException e) {
            return List.of(failed("ec2:DescribeRegions", e, started));
        }
        LOG.info("account sync started account={} regions={}", account.name(), regions);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(regionConcurrency, Math.max(1, regions.size())));
        try {
            List<Future<SourceReport>> pending = new ArrayList<>();
            for (String region : regions) {
                AwsSettings regional = new AwsSettings(
                        Region.of(region), settings.endpoint(), settings.credentials(), settings.retryStrategy());
                pending.add(pool.submit(() -> syncRegion(region, regional)));
            }
            List<SourceReport> reports = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                reports.add(result(regions.get(i), pending.get(i)));
            }
            return reports;
        } finally {
            pool.shutdownNow();
        }
    }

    public static String scope(String account, String region) {
        return account + "/" + region;
    }

    private SourceReport syncRegion(String region, AwsSettings settings) {
        try (AwsSource source = new AwsSource(scope(account.name(), region), settings, store)) {
            return source.sync();
        }
    }

    private SourceReport result(String region, Future<SourceReport> pending) {
        String scope = scope(account.name(), region);
        try {
            return pending.get();
        } catch (ExecutionException e) {
            // A bug or an SDK failure outside the calls AwsSource guards: the region is reported, the
            // other regions keep their reports.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.warn("region sync failed source={} cause={}", scope, cause.toString());
            return new SourceReport(
                    scope,
                    store.liveCounts(scope),
                    List.of(new SourceError(scope, "sync", cause.toString() + "; kept from the last complete sync")),
                    Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SourceReport(
                    scope,
                    store.liveCounts(scope),
                    List.of(new SourceError(scope, "sync", "interrupted; kept from the last complete sync")),
                    Duration.ZERO);
        }
    }

    private AwsSettings withAssumedRole(AwsSettings settings) {
        if (account.roleArn().isEmpty()) {
            return settings;
        }
        var sts = StsClient.builder()
                .region(settings.region())
                .credentialsProvider(settings.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(settings.retryStrategy()));
        settings.endpoint().ifPresent(sts::endpointOverride);
        StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts.build())
                .refreshRequest(r -> r.roleArn(account.roleArn().orElseThrow()).roleSessionName(SESSION_NAME))
                .build();
        // Assume once now, so a refused role is one error for the account rather than one per region.
        assumed.resolveCredentials();
        return new AwsSettings(settings.region(), settings.endpoint(), assumed, settings.retryStrategy());
    }

    private static List<String> enabledRegions(AwsSettings settings) {
        var builder = Ec2Client.builder()
                .region(settings.region())
                .credentialsProvider(settings.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(settings.retryStrategy()));
        settings.endpoint().ifPresent(builder::endpointOverride);
        try (Ec2Client ec2 = builder.build()) {
            return ec2.describeRegions().regions().stream()
                    .map(software.amazon.awssdk.services.ec2.model.Region::regionName)
                    .sorted()
                    .toList();
        }
    }

    private SourceReport failed(String operation, SdkException e, long started) {
        String cause = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                ? "HTTP " + service.statusCode() + " "
                        + service.awsErrorDetails().errorCode() + ": "
                        + service.awsErrorDetails().errorMessage()
                : "unreachable or refused: "
                        + Optional.ofNullable(e.getMessage())
                                .orElse(e.getClass().getSimpleName());
        LOG.warn("account sync failed account={} operation={} cause={}", account.name(), operation, cause);
        return new SourceReport(
                account.name(),
                Map.of(),
                List.of(new SourceError(
                        account.name(),
                        operation,
                        cause + "; no region read, every region kept from the last complete sync")),
                Duration.ofNanos(System.nanoTime() - started));
    }
}
