package io.sightline.discovery.aws;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * How to reach one account in one region.
 *
 * @param endpoint an AWS-compatible endpoint to use instead of AWS's. When empty, the SDK still
 *     honours {@code AWS_ENDPOINT_URL} and {@code AWS_ENDPOINT_URL_EC2} / {@code AWS_ENDPOINT_URL_EKS}
 *     (and the {@code aws.endpointUrl} system properties)
 * @param credentials a provider that references credentials (profile, role, environment); the
 *     settings never hold secrets themselves
 * @param retryStrategy retries with backoff, throttling errors included
 */
public record AwsSettings(
        Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials, RetryStrategy retryStrategy) {

    /** Attempts per call, throttling retries included: the SDK's standard mode allows three. */
    public static final int DEFAULT_ATTEMPTS = 5;

    public AwsSettings {
        requireNonNull(region, "region is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(credentials, "credentials is null");
        requireNonNull(retryStrategy, "retryStrategy is null");
    }

    /** The default credential chain and the standard retry strategy with {@link #DEFAULT_ATTEMPTS}. */
    public static AwsSettings defaults(Region region) {
        return new AwsSettings(
                region,
                Optional.empty(),
                DefaultCredentialsProvider.builder().build(),
                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(DEFAULT_ATTEMPTS)
                        .build());
    }

    public AwsSettings withEndpoint(URI endpoint) {
        return new AwsSettings(region, Optional.of(endpoint), credentials, retryStrategy);
    }
}
