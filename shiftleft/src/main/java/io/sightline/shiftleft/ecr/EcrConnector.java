package io.sightline.shiftleft.ecr;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.shiftleft.Account;
import io.sightline.shiftleft.AccountFailure;
import io.sightline.shiftleft.AccountPull;
import io.sightline.shiftleft.Connector;
import io.sightline.shiftleft.ScannerPull;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsRequest;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsResponse;
import software.amazon.awssdk.services.ecr.model.DescribeImagesRequest;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.ScanNotFoundException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Pulls an ECR registry through the AWS SDK: its repositories ({@code DescribeRepositories}), each
 * repository's images ({@code DescribeImages}) and each image's scan findings ({@code
 * DescribeImageScanFindings}, all pages). Enhanced scanning findings are Amazon Inspector's, in the
 * shape of Inspector2 {@code ListFindings}; they are written back as JSON under their wire names
 * and read by the {@code inspector2} parser. Two differences from ListFindings are bridged here:
 * ECR calls Inspector's score {@code score} (copied to {@code inspectorScore}), and ECR's findings
 * carry no EPSS score and no resource region, so the envelope names the image instead.
 * Basic scanning findings (the older, CVE-name-only shape) are not read: each image that has
 * only those is reported as a problem. Thread safe.
 */
public final class EcrConnector implements Connector<Account.Ecr> {

    /** Error codes that mean the credentials themselves are wrong or expired, whatever the HTTP status. */
    private static final Set<String> CREDENTIAL_ERRORS = Set.of(
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "ExpiredTokenException",
            "ExpiredToken",
            "InvalidClientTokenId",
            "AccessDeniedException",
            "AccessDenied");

    private static final Logger log = LoggerFactory.getLogger(EcrConnector.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Function<Account.Ecr, AwsCredentialsProvider> credentials;

    /** Credentials from the account: its profile, its role assumed from the default chain, or the default chain. */
    public EcrConnector() {
        this(EcrConnector::defaultCredentials);
    }

    public EcrConnector(Function<Account.Ecr, AwsCredentialsProvider> credentials) {
        this.credentials = requireNonNull(credentials, "credentials is null");
    }

    static AwsCredentialsProvider defaultCredentials(Account.Ecr account) {
        if (account.profile().isPresent()) {
            return ProfileCredentialsProvider.create(account.profile().get());
        }
        if (account.roleArn().isPresent()) {
            StsClient sts = StsClient.builder()
                    .region(Region.of(account.region()))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            return StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts)
                    .refreshRequest(r -> r.roleArn(account.roleArn().get()).roleSessionName("sightline-shiftleft"))
                    .build();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public AccountPull pull(Account.Ecr account) {
        EcrClientBuilder builder = EcrClient.builder()
                .region(Region.of(account.region()))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(credentials.apply(account));
        account.endpoint().ifPresent(builder::endpointOverride);
        try (EcrClient ecr = builder.build()) {
            List<Repository> repositories;
            try {
                repositories = ecr.describeRepositoriesPaginator(r -> {}).repositories().stream()
                        .toList();
            } catch (SdkException e) {
                throw failure(account, "listing repositories", e);
            }
            List<ScannerPull> reports = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            int images = 0;
            for (Repository repository : repositories) {
                List<ImageDetail> details;
                try {
                    details = ecr
                            .describeImagesPaginator(DescribeImagesRequest.builder()
                                    .registryId(repository.registryId())
                                    .repositoryName(repository.repositoryName())
                                    .build())
                            .imageDetails()
                            .stream()
                            .toList();
                } catch (SdkException e) {
                    rethrowIfCredentials(account, e);
                    problems.add("repository " + repository.repositoryName() + ": listing images failed: "
                            + e.getMessage() + "; other repositories kept");
                    continue;
                }
                for (ImageDetail image : details) {
                    images++;
                    pullImage(account, ecr, image, reports, problems);
                }
            }
            return new AccountPull(account.name(), account.kind(), images, reports, problems, Optional.empty());
        }
    }

    private void pullImage(
            Account.Ecr account, EcrClient ecr, ImageDetail image, List<ScannerPull> reports, List<String> problems) {
        String reference = reference(account.region(), image);
        Optional<ObjectNode> response = Optional.empty();
        ArrayNode basic = NODES.arrayNode();
        ArrayNode enhanced = NODES.arrayNode();
        try {
            for (DescribeImageScanFindingsResponse page :
                    ecr.describeImageScanFindingsPaginator(DescribeImageScanFindingsRequest.builder()
                            .registryId(image.registryId())
                            .repositoryName(image.repositoryName())
                            .imageId(id -> id.imageDigest(image.imageDigest()))
                            .build())) {
                if (response.isEmpty()) {
                    response = Optional.of(SdkJson.of(page));
                }
                if (page.imageScanFindings() != null) {
                    page.imageScanFindings().findings().forEach(f -> basic.add(SdkJson.of(f)));
                    page.imageScanFindings().enhancedFindings().forEach(f -> enhanced.add(SdkJson.of(f)));
                }
            }
        } catch (ScanNotFoundException e) {
            problems.add("image " + reference + ": not scanned (ScanNotFoundException)");
            return;
        } catch (SdkException e) {
            rethrowIfCredentials(account, e);
            problems.add("image " + reference + ": DescribeImageScanFindings failed: " + e.getMessage()
                    + "; other images kept");
            log.warn("account={} image={} error=[{}]; image skipped", account.name(), reference, e.getMessage());
            return;
        }
        if (response.isEmpty() || !response.get().path("imageScanFindings").isObject()) {
            String status = response.map(
                            r -> r.path("imageScanStatus").path("status").asText("(none)"))
                    .orElse("(no response)");
            problems.add("image " + reference + ": no scan findings yet (scan status " + status + ")");
            return;
        }
        ObjectNode merged = response.get();
        merged.remove("nextToken");
        ObjectNode findings = (ObjectNode) merged.get("imageScanFindings");
        findings.set("findings", basic);
        findings.set("enhancedFindings", enhanced);
        log.debug(
                "account={} image={} basic={} enhanced={} pulled",
                account.name(),
                reference,
                basic.size(),
                enhanced.size());
        reports.add(new ScannerPull(
                account.name(),
                account.kind(),
                image.repositoryName() + "@" + image.imageDigest(),
                URI.create("ecr:DescribeImageScanFindings/" + image.repositoryName() + "@" + image.imageDigest()),
                Optional.of(reference),
                List.of(image.imageDigest()),
                merged));
    }

    /** {@code <registry>.dkr.ecr.<region>.amazonaws.com/<repository>:<first tag>}, or {@code @<digest>} untagged. */
    static String reference(String region, ImageDetail image) {
        String name = image.registryId() + ".dkr.ecr." + region + ".amazonaws.com/" + image.repositoryName();
        return image.imageTags().isEmpty()
                ? name + "@" + image.imageDigest()
                : name + ":" + image.imageTags().getFirst();
    }

    private static void rethrowIfCredentials(Account.Ecr account, SdkException e) {
        if (isCredentialProblem(e)) {
            throw failure(account, "reading", e);
        }
    }

    private static boolean isCredentialProblem(SdkException e) {
        if (e instanceof SdkClientException) {
            return e.getMessage() != null && e.getMessage().contains("credentials");
        }
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null
                            || service.awsErrorDetails().errorCode() == null
                    ? ""
                    : service.awsErrorDetails().errorCode();
            return service.statusCode() == 401 || service.statusCode() == 403 || CREDENTIAL_ERRORS.contains(code);
        }
        return false;
    }

    private static AccountFailure failure(Account.Ecr account, String step, SdkException e) {
        String what = isCredentialProblem(e)
                ? "the AWS credentials (" + account.describe() + ") were rejected or are missing"
                : step + " failed";
        return new AccountFailure("ECR account " + account.name() + ": " + what + ": " + e.getMessage(), e);
    }
}
