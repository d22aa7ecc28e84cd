package io.sightline.rank;

import static io.sightline.rank.RankFixtures.ORDERS_API;
import static io.sightline.rank.RankFixtures.ORDERS_CONFIG_DIGEST;
import static io.sightline.rank.RankFixtures.ORDERS_REPO_DIGEST;
import static io.sightline.rank.RankFixtures.container;
import static io.sightline.rank.RankFixtures.digest;
import static io.sightline.rank.RankFixtures.inventory;
import static io.sightline.rank.RankFixtures.log4j;
import static io.sightline.rank.RankFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.ContainerAsset;
import io.sightline.engine.ImageRisk;
import io.sightline.finding.Finding;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageCatalogueTest {

    private static final String REPORT = "orders-api.trivy.json";

    /** The orders-api pod as kubelet and the image store describe it: both digests known. */
    private final ContainerAsset ordersApi =
            container('a', ORDERS_API, Optional.of(ORDERS_REPO_DIGEST), Optional.of(ORDERS_CONFIG_DIGEST));

    @Test
    void joinsAReportToARunningContainerByRepoDigest() {
        ScanReport report = report(
                REPORT,
                Optional.of(ORDERS_API),
                List.of(ORDERS_REPO_DIGEST),
                Optional.of(ORDERS_CONFIG_DIGEST),
                log4j());

        ImageCatalogue.Entry entry = single(ImageCatalogue.build(inventory(ordersApi), List.of(report), Set.of()));

        assertThat(entry.joinedBy()).isEqualTo("digest");
        assertThat(entry.containers()).containsExactly(ordersApi);
        assertThat(entry.reports()).containsExactly(report);
        assertThat(entry.findings()).hasSize(4);
        assertThat(entry.allDigests()).containsExactly(ORDERS_REPO_DIGEST, ORDERS_CONFIG_DIGEST);
    }

    @Test
    void aRepoDigestJoinsWhateverTagTheReportWasScannedAs() {
        ScanReport report = report(
                REPORT,
                Optional.of(ORDERS_API.replace(":1.8.2", ":latest")),
                List.of(ORDERS_REPO_DIGEST),
                Optional.empty(),
                log4j());

        ImageCatalogue.Entry entry = single(ImageCatalogue.build(inventory(ordersApi), List.of(report), Set.of()));

        assertThat(entry.joinedBy()).isEqualTo("digest");
        assertThat(entry.image()).hasToString(ORDERS_API);
    }

    @Test
    void joinsByConfigDigestWhenTheReportHasNoRepoDigest() {
        ScanReport report =
                report(REPORT, Optional.of(ORDERS_API), List.of(), Optional.of(ORDERS_CONFIG_DIGEST), log4j());

        ImageCatalogue.Entry entry = single(ImageCatalogue.build(inventory(ordersApi), List.of(report), Set.of()));

        assertThat(entry.joinedBy()).isEqualTo("config-digest");
        assertThat(entry.containers()).containsExactly(ordersApi);
    }

    @Test
    void joinsByConfigDigestWhenOnlyTheReportKnowsTheRepoDigest() {
        // docker inspect gives the config digest as Image; the repo digest is not on the container.
        ContainerAsset dockerContainer =
                container('b', ORDERS_API, Optional.empty(), Optional.of(ORDERS_CONFIG_DIGEST));
        ScanReport report = report(
                REPORT,
                Optional.of(ORDERS_API),
                List.of(ORDERS_REPO_DIGEST),
                Optional.of(ORDERS_CONFIG_DIGEST),
                log4j());

        ImageCatalogue.Entry entry =
                single(ImageCatalogue.build(inventory(dockerContainer), List.of(report), Set.of()));

        assertThat(entry.joinedBy()).isEqualTo("config-digest");
        assertThat(entry.repoDigests()).containsExactly(ORDERS_REPO_DIGEST);
    }

    @Test
    void joinsByRepositoryAndTagOnlyWhenTheReportCarriesNoDigest() {
        ScanReport report = report(REPORT, Optional.of(ORDERS_API), List.of(), Optional.empty(), log4j());

        ImageCatalogue.Entry entry = single(ImageCatalogue.build(inventory(ordersApi), List.of(report), Set.of()));

        assertThat(entry.joinedBy()).isEqualTo("tag");
        assertThat(entry.containers()).containsExactly(ordersApi);
    }

    @Test
    void theWeakestJoinAmongTheReportsIsTheEntrys() {
        ScanReport byDigest =
                report(REPORT, Optional.of(ORDERS_API), List.of(ORDERS_REPO_DIGEST), Optional.empty(), log4j());
        ScanReport byTag =
                report("orders-api.snyk.json", Optional.of(ORDERS_API), List.of(), Optional.empty(), log4j());

        ImageCatalogue.Entry entry =
                single(ImageCatalogue.build(inventory(ordersApi), List.of(byDigest, byTag), Set.of()));

        assertThat(entry.joinedBy()).isEqualTo("tag");
        assertThat(entry.reports()).containsExactly(byDigest, byTag);
    }

    static Stream<Arguments> unjoinable() {
        return Stream.of(
                Arguments.of(
                        "same tag, another repo digest",
                        report(REPORT, Optional.of(ORDERS_API), List.of(digest('e')), Optional.empty(), log4j())),
                Arguments.of(
                        "same tag, another config digest",
                        report(REPORT, Optional.of(ORDERS_API), List.of(), Optional.of(digest('f')), log4j())),
                Arguments.of(
                        "no digest, another tag",
                        report(
                                REPORT,
                                Optional.of(ORDERS_API.replace(":1.8.2", ":1.8.3")),
                                List.of(),
                                Optional.empty(),
                                log4j())),
                Arguments.of(
                        "no digest, another repository",
                        report(
                                REPORT,
                                Optional.of(ORDERS_API.replace("orders-api", "orders-worker")),
                                List.of(),
                                Optional.empty(),
                                log4j())),
                Arguments.of(
                        "no image at all", report(REPORT, Optional.empty(), List.of(), Optional.empty(), log4j())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unjoinable")
    void aReportThatMatchesNoContainerStaysUnjoined(String why, ScanReport report) {
        ImageCatalogue catalogue = ImageCatalogue.build(inventory(ordersApi), List.of(report), Set.of());

        assertThat(catalogue.entries()).hasSize(2);
        ImageCatalogue.Entry running = catalogue.entries().getFirst();
        ImageCatalogue.Entry scanned = catalogue.entries().getLast();
        assertThat(running.containers()).containsExactly(ordersApi);
        assertThat(running.reports()).isEmpty();
        assertThat(running.findings()).isEmpty();
        assertThat(running.joinedBy()).isEqualTo("none");
        assertThat(scanned.containers()).isEmpty();
        assertThat(scanned.reports()).containsExactly(report);
        assertThat(scanned.joinedBy()).isEqualTo("none");
    }

    @Test
    void exposureIsTheWorstFindingKnownExploitedFirstAmongEquals() {
        List<Finding> findings = log4j();
        // CVE-2021-45046 first, so only the KEV entry can make CVE-2021-44228 the worst.
        List<Finding> reordered = List.of(findings.get(1), findings.get(0), findings.get(2), findings.get(3));
        ScanReport report =
                report(REPORT, Optional.of(ORDERS_API), List.of(ORDERS_REPO_DIGEST), Optional.empty(), reordered);

        ImageCatalogue catalogue =
                ImageCatalogue.build(inventory(ordersApi), List.of(report), Set.of("CVE-2021-44228"));

        ImageRisk.Exposure expected = new ImageRisk.Exposure(Severity.CRITICAL, "CVE-2021-44228", 2);
        assertThat(catalogue.exposure(ORDERS_REPO_DIGEST)).contains(expected);
        assertThat(catalogue.exposure(ORDERS_CONFIG_DIGEST)).contains(expected);
        assertThat(catalogue.exposure(digest('e'))).isEmpty();
    }

    @Test
    void anImageWithoutFindingsHasNoExposure() {
        ImageCatalogue catalogue = ImageCatalogue.build(inventory(ordersApi), List.of(), Set.of());

        assertThat(catalogue.exposure(ORDERS_REPO_DIGEST)).isEmpty();
    }

    @Test
    void aGhsaFindingIsKnownExploitedThroughItsCveAlias() {
        Finding grype = new Finding(
                "GHSA-jfh8-c2jp-5v3q",
                List.of("CVE-2021-44228"),
                log4j().getFirst().pkg(),
                Optional.of("2.15.0"),
                Severity.CRITICAL,
                OptionalDouble.of(10.0),
                "Remote code injection in Log4j",
                "grype");
        ImageCatalogue catalogue = ImageCatalogue.build(inventory(), List.of(), Set.of("CVE-2021-44228"));

        assertThat(catalogue.isKnownExploited(grype)).isTrue();
        assertThat(catalogue.isKnownExploited(log4j().get(1))).isFalse();
    }

    private static ImageCatalogue.Entry single(ImageCatalogue catalogue) {
        assertThat(catalogue.entries()).hasSize(1);
        return catalogue.entries().getFirst();
    }
}
