package io.sightline.shiftleft.ecr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.event.SkippedRecord;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.shiftleft.Account;
import io.sightline.shiftleft.AccountFailure;
import io.sightline.shiftleft.AccountPull;
import io.sightline.shiftleft.Corpus;
import io.sightline.shiftleft.StubServer;
import io.sightline.shiftleft.StubServer.Reply;
import io.sightline.shiftleft.StubServer.Request;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The ECR connector through the AWS SDK against a stub of the ECR JSON API ({@code X-Amz-Target:
 * AmazonEC2ContainerRegistry_V20150921.*}). The enhanced findings are the corpus's real Inspector
 * findings ({@code aws/aws_inspector2_many_vul.json}, the seven on the ECR image) put into ECR's
 * {@code DescribeImageScanFindings} shape as ECR's API reference gives it: Inspector's {@code
 * inspectorScore} is ECR's {@code score}, and timestamps travel as epoch seconds (the AWS CLI, which
 * wrote the corpus file, prints them as ISO text). The basic scanning findings are hand-written
 * from ECR's API reference ({@code handwritten/ecr/describe-image-scan-findings-basic.json} beside
 * the corpus; no real response was at hand), served in two pages.
 */
class EcrConnectorTest {

    static final String IMAGE = "sha256:d667ad018b538adadb5bd1db75836c8561b23bc7d31d9cd8941fa74f5df93802";
    static final String UNSCANNED = "sha256:" + "12".repeat(32);
    static final String BASIC = "sha256:4b3f1a9c0e2d7a5b6c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
    static final String BASIC_FILE = "ecr/describe-image-scan-findings-basic.json";
    static final String TARGET = "AmazonEC2ContainerRegistry_V20150921.";
    static final Set<String> TIMES = Set.of("firstObservedAt", "lastObservedAt", "updatedAt", "pushedAt");

    private final AtomicBoolean throttledOnce = new AtomicBoolean();
    private StubServer server;

    @BeforeEach
    void start() throws IOException {
        server = new StubServer(this::ecr);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Reply ecr(Request request) {
        if (request.header("Authorization").contains("Credential=AKIDEXPIRED/")) {
            return new Reply(
                    400,
                    Map.of(),
                    "{\"__type\":\"UnrecognizedClientException\","
                            + "\"message\":\"The security token included in the request is invalid.\"}");
        }
        String action = request.header("X-Amz-Target").replace(TARGET, "");
        if (request.header("Authorization").contains("Credential=AKIDSTALE/")
                && action.equals("DescribeImageScanFindings")) {
            // Session credentials that expire between listing the images and reading their findings.
            return new Reply(
                    400,
                    Map.of(),
                    "{\"__type\":\"ExpiredTokenException\","
                            + "\"message\":\"The security token included in the request is expired\"}");
        }
        if (request.header("Authorization").contains("Credential=AKIDBUSY/")
                && action.equals("DescribeImages")
                && throttledOnce.compareAndSet(false, true)) {
            // ECR's JSON protocol throttles with HTTP 400 and this type, not with 429 and Retry-After.
            return new Reply(400, Map.of(), "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
        }
        return switch (action) {
            case "DescribeRepositories" ->
                Reply.json("{\"repositories\":[{\"registryId\":\"012345678901\","
                        + "\"repositoryName\":\"my-awesome-docker-image\",\"repositoryArn\":"
                        + "\"arn:aws:ecr:us-east-1:012345678901:repository/my-awesome-docker-image\"},"
                        + "{\"registryId\":\"012345678901\",\"repositoryName\":\"payments/ledger\","
                        + "\"repositoryArn\":\"arn:aws:ecr:us-east-1:012345678901:repository/payments/ledger\"}]}");
            case "DescribeImages" ->
                request.body().contains("payments/ledger")
                        ? Reply.json("{\"imageDetails\":[{\"registryId\":\"012345678901\","
                                + "\"repositoryName\":\"payments/ledger\",\"imageDigest\":\"" + BASIC
                                + "\",\"imageTags\":[\"3.2.1\"],\"imageScanStatus\":{\"status\":\"COMPLETE\"}}]}")
                        : Reply.json("{\"imageDetails\":["
                                + "{\"registryId\":\"012345678901\",\"repositoryName\":\"my-awesome-docker-image\","
                                + "\"imageDigest\":\"" + IMAGE
                                + "\",\"imageTags\":[\"2.3.0\"],\"imageScanStatus\":{\"status\":\"ACTIVE\"}},"
                                + "{\"registryId\":\"012345678901\",\"repositoryName\":\"my-awesome-docker-image\","
                                + "\"imageDigest\":\"" + UNSCANNED + "\"}]}");
            case "DescribeImageScanFindings" -> {
                boolean second = request.body().contains("\"nextToken\"");
                if (request.body().contains(UNSCANNED)) {
                    yield new Reply(
                            400,
                            Map.of(),
                            "{\"__type\":\"ScanNotFoundException\","
                                    + "\"message\":\"Image scan does not exist for the image\"}");
                }
                yield Reply.json(request.body().contains(BASIC) ? basicPage(second) : scanFindingsPage(second));
            }
            default -> new Reply(400, Map.of(), "{\"__type\":\"UnknownOperationException\"}");
        };
    }

    /** The seven ECR findings of the corpus, four on the first page and three on the second. */
    static String scanFindingsPage(boolean second) {
        ArrayNode enhanced = Corpus.MAPPER.createArrayNode();
        List<JsonNode> findings = Corpus.read("aws/aws_inspector2_many_vul.json")
                        .findValues("findingArn")
                        .isEmpty()
                ? List.of()
                : toList(Corpus.read("aws/aws_inspector2_many_vul.json").path("findings"));
        List<JsonNode> onImage = findings.stream()
                .filter(f -> f.path("resources").path(0).path("type").asText().equals("AWS_ECR_CONTAINER_IMAGE"))
                .toList();
        (second ? onImage.subList(4, onImage.size()) : onImage.subList(0, 4))
                .forEach(f -> enhanced.add(ecrShape((ObjectNode) f.deepCopy())));
        ObjectNode page = Corpus.MAPPER.createObjectNode();
        page.put("registryId", "012345678901").put("repositoryName", "my-awesome-docker-image");
        page.putObject("imageId").put("imageDigest", IMAGE).put("imageTag", "2.3.0");
        page.putObject("imageScanStatus").put("status", "ACTIVE");
        page.putObject("imageScanFindings").set("enhancedFindings", enhanced);
        if (!second) {
            page.put("nextToken", "page-2");
        }
        return page.toString();
    }

    /** The hand-written basic scanning response, its first two findings on the first page, the rest on the second. */
    static String basicPage(boolean second) {
        ObjectNode page = (ObjectNode) Corpus.handwritten(BASIC_FILE);
        ArrayNode all = (ArrayNode) page.path("imageScanFindings").path("findings");
        ArrayNode shown = Corpus.MAPPER.createArrayNode();
        for (int i = second ? 2 : 0; i < (second ? all.size() : 2); i++) {
            shown.add(all.get(i));
        }
        ((ObjectNode) page.path("imageScanFindings")).set("findings", shown);
        if (!second) {
            page.put("nextToken", "basic-2");
        }
        return page.toString();
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> items = new java.util.ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static JsonNode ecrShape(ObjectNode finding) {
        if (finding.has("inspectorScore")) {
            finding.set("score", finding.remove("inspectorScore"));
        }
        epochSeconds(finding);
        return finding;
    }

    private static void epochSeconds(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (String field : List.copyOf(toNames(object))) {
                JsonNode value = object.get(field);
                if (TIMES.contains(field) && value.isTextual()) {
                    OffsetDateTime time = OffsetDateTime.parse(value.asText());
                    object.put(field, time.toEpochSecond() + time.getNano() / 1e9);
                } else {
                    epochSeconds(value);
                }
            }
        } else if (node.isArray()) {
            node.forEach(EcrConnectorTest::epochSeconds);
        }
    }

    private static List<String> toNames(ObjectNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private EcrConnector connector(String accessKey) {
        return new EcrConnector(
                account -> StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "secret")));
    }

    private Account.Ecr account() {
        return new Account.Ecr(
                "aws-prod", "us-east-1", Optional.empty(), Optional.empty(), Optional.of(server.uri("")));
    }

    @Test
    void pullsEveryPageOfEnhancedAndBasicFindingsAndNamesTheUnscannedImage() throws Exception {
        AccountPull pull = connector("AKIDEXAMPLE").pull(account());

        assertThat(pull.imagesListed()).isEqualTo(3);
        assertThat(pull.reports()).hasSize(2);
        assertThat(pull.reports().getFirst()).satisfies(r -> {
            assertThat(r.image())
                    .hasValue("012345678901.dkr.ecr.us-east-1.amazonaws.com/my-awesome-docker-image:2.3.0");
            assertThat(r.repoDigests()).containsExactly(IMAGE);
            assertThat(r.report().path("imageScanFindings").path("enhancedFindings"))
                    .hasSize(7);
            assertThat(r.report().has("nextToken")).isFalse();
        });
        assertThat(pull.reports().get(1)).satisfies(r -> {
            assertThat(r.image()).hasValue("012345678901.dkr.ecr.us-east-1.amazonaws.com/payments/ledger:3.2.1");
            assertThat(r.repoDigests()).containsExactly(BASIC);
            assertThat(r.report().path("imageScanFindings").path("findings"))
                    .as("both pages of basic findings")
                    .hasSize(4);
        });
        assertThat(pull.problems())
                .containsExactly("image 012345678901.dkr.ecr.us-east-1.amazonaws.com/" + "my-awesome-docker-image@"
                        + UNSCANNED + ": not scanned (ScanNotFoundException)");
        assertThat(server.requests())
                .filteredOn(r -> r.header("X-Amz-Target").endsWith("DescribeImageScanFindings"))
                .hasSize(5);
    }

    @Test
    void enhancedFindingsParseAsInspectorFindingsWithStatusAndScore() throws Exception {
        AccountPull pull = connector("AKIDEXAMPLE").pull(account());

        ScanReport report = Corpus.parse(pull.reports().getFirst()).getFirst();
        assertThat(report.scanner()).isEqualTo("inspector");
        assertThat(report.repoDigests()).containsExactly(IMAGE);
        assertThat(report.image().orElseThrow().repository()).isEqualTo("my-awesome-docker-image");
        assertThat(report.findings())
                .extracting(Finding::id)
                .containsExactly(
                        "CVE-2024-37021",
                        "CVE-2021-3640",
                        "CVE-2021-47013",
                        "CVE-2022-29824",
                        "CVE-2022-29824",
                        "CVE-2023-42753",
                        "CVE-2020-27170");
        assertThat(report.suppressed()).singleElement().satisfies(s -> {
            assertThat(s.finding().id()).isEqualTo("CVE-2021-3744");
            assertThat(s.status()).isEqualTo("closed");
        });
        Finding linux = report.findings().get(5);
        assertThat(linux.severity()).isEqualTo(Severity.HIGH);
        assertThat(linux.cvssScore()).hasValue(7.8);
        assertThat(linux.pkg().version()).isEqualTo("4.19.118-2");
        assertThat(linux.fixedVersion()).hasValue("4.19.304-1");
    }

    @Test
    void basicFindingsParseWithTheImageTheConnectorNamed() throws Exception {
        AccountPull pull = connector("AKIDEXAMPLE").pull(account());
        List<SkippedRecord> skipped = new ArrayList<>();

        ScanReport report = Corpus.parse(pull.reports().get(1), skipped).getFirst();

        assertThat(report.scanner()).isEqualTo("ecr");
        assertThat(report.repoDigests()).containsExactly(BASIC);
        assertThat(report.image().orElseThrow().toString())
                .isEqualTo("012345678901.dkr.ecr.us-east-1.amazonaws.com/payments/ledger:3.2.1");
        assertThat(report.findings())
                .extracting(Finding::id)
                .containsExactly("CVE-2023-4911", "CVE-2023-45853", "CVE-2011-3374");
        Finding glibc = report.findings().getFirst();
        assertThat(glibc.pkg().name()).isEqualTo("glibc");
        assertThat(glibc.pkg().version()).isEqualTo("2.36-9+deb12u1");
        assertThat(glibc.severity()).isEqualTo(Severity.HIGH);
        assertThat(glibc.cvssScore()).hasValue(7.2);
        assertThat(skipped)
                .singleElement()
                .extracting(SkippedRecord::reason)
                .asString()
                .contains("imageScanFindings.findings[3]: expected attribute package_name");
    }

    @Test
    void aThrottledCallIsRetriedByTheSdkAndNothingIsLost() throws Exception {
        AccountPull pull = connector("AKIDBUSY").pull(account());

        assertThat(pull.problems()).hasSize(1).allMatch(p -> p.contains("ScanNotFoundException"));
        assertThat(pull.reports()).hasSize(2);
        assertThat(server.requests())
                .filteredOn(r -> r.header("X-Amz-Target").endsWith("DescribeImages"))
                .as("the throttled DescribeImages was sent again")
                .hasSize(3);
    }

    @Test
    void credentialsThatExpireMidSyncFailTheAccountInsteadOfEachImage() {
        assertThatThrownBy(() -> connector("AKIDSTALE").pull(account()))
                .isInstanceOf(AccountFailure.class)
                .hasMessageStartingWith("ECR account aws-prod: the AWS credentials (")
                .hasMessageContaining("The security token included in the request is expired");
    }

    @Test
    void rejectedCredentialsFailTheAccountByName() {
        assertThatThrownBy(() -> connector("AKIDEXPIRED").pull(account()))
                .isInstanceOf(AccountFailure.class)
                .hasMessageStartingWith("ECR account aws-prod: the AWS credentials (region us-east-1, default AWS"
                        + " credentials, endpoint " + server.uri("") + ") were rejected or are missing: ")
                .hasMessageContaining("The security token included in the request is invalid");
    }
}
