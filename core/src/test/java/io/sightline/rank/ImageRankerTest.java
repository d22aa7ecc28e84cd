package io.sightline.rank;

import static io.sightline.rank.RankFixtures.ORDERS_API;
import static io.sightline.rank.RankFixtures.ORDERS_CONFIG_DIGEST;
import static io.sightline.rank.RankFixtures.ORDERS_REPO_DIGEST;
import static io.sightline.rank.RankFixtures.container;
import static io.sightline.rank.RankFixtures.criticals;
import static io.sightline.rank.RankFixtures.digest;
import static io.sightline.rank.RankFixtures.finding;
import static io.sightline.rank.RankFixtures.inventory;
import static io.sightline.rank.RankFixtures.log4j;
import static io.sightline.rank.RankFixtures.report;
import static io.sightline.rank.RankFixtures.storyboard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.Inventory;
import io.sightline.finding.Cvss;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Scores;
import io.sightline.finding.Severity;
import io.sightline.storyboard.Storyboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageRankerTest {

    private static final String LEGACY = "docker.io/library/legacy-reports:2019.4";

    private final ContainerAsset ordersApi =
            container('a', ORDERS_API, Optional.of(ORDERS_REPO_DIGEST), Optional.of(ORDERS_CONFIG_DIGEST));
    private final ContainerAsset legacy = container('b', LEGACY, Optional.of(digest('b')), Optional.empty());

    @Test
    void aVulnerabilityOnTwoPackagesCountsOnce() {
        List<Finding> findings = List.of(
                finding("CVE-2022-0778", "libssl1.1", "1.1.1f-1ubuntu2.10", "1.1.1f-1ubuntu2.12", Severity.HIGH),
                finding("CVE-2022-0778", "openssl", "1.1.1f-1ubuntu2.10", "1.1.1f-1ubuntu2.12", Severity.HIGH),
                log4j().getFirst());
        Finding grypeAlias = new Finding(
                "GHSA-jfh8-c2jp-5v3q",
                List.of("CVE-2021-44228"),
                log4j().getFirst().pkg(),
                Optional.of("2.15.0"),
                Severity.CRITICAL,
                OptionalDouble.of(10.0),
                "Remote code injection in Log4j",
                "grype");
        ScanReport trivy = report(
                "orders-api.trivy.json", Optional.empty(), List.of(ORDERS_REPO_DIGEST), Optional.empty(), findings);
        ScanReport grype = report(
                "orders-api.grype.json",
                Optional.empty(),
                List.of(ORDERS_REPO_DIGEST),
                Optional.empty(),
                List.of(grypeAlias));

        RankedImage image = single(rank(inventory(ordersApi), List.of(trivy, grype), Set.of(), List.of()));

        assertThat(image.vulnerabilityCounts()).isEqualTo(Map.of(Severity.CRITICAL, 1, Severity.HIGH, 1));
        // One critical (10) and one high (5), both fixable: 10 * log10(1 + 15) = 12.04.
        assertThat(factor(image, "build-time risk").points()).isEqualTo(12.04);
        assertThat(factor(image, "build-time risk").detail()).startsWith("2 distinct vulnerabilities");
    }

    @Test
    void aPackageIsFixedByTheHighestNearestFixAndItsWorstVulnerabilityByItsOwn() {
        List<Finding> findings = new ArrayList<>(log4j());
        findings.add(finding("CVE-2023-1111", "libexample", "1.0.0", null, Severity.HIGH));
        ScanReport trivy = report(
                "orders-api.trivy.json",
                Optional.of(ORDERS_API),
                List.of(ORDERS_REPO_DIGEST),
                Optional.empty(),
                findings);

        RankedImage image = single(rank(inventory(ordersApi), List.of(trivy), Set.of(), List.of()));

        assertThat(image.fixes())
                .containsExactly(new PackageFix(
                        "org.apache.logging.log4j:log4j-core",
                        "jar",
                        "2.14.1",
                        "2.17.1",
                        "2.15.0",
                        "CVE-2021-44228",
                        Severity.CRITICAL,
                        List.of("CVE-2021-44228", "CVE-2021-44832", "CVE-2021-45046", "CVE-2021-45105")));
    }

    @Test
    void anImageInACriticalStoryboardOutranksOneWithManyMoreCriticalsInNone() {
        ScanReport orders = report(
                "orders-api.trivy.json",
                Optional.of(ORDERS_API),
                List.of(ORDERS_REPO_DIGEST),
                Optional.empty(),
                List.of(log4j().getFirst()));
        ScanReport old =
                report("legacy.grype.json", Optional.of(LEGACY), List.of(digest('b')), Optional.empty(), criticals(30));
        Storyboard attack = storyboard("sb-1", Severity.CRITICAL, ordersApi);

        List<RankedImage> ranked = rank(inventory(ordersApi, legacy), List.of(orders, old), Set.of(), List.of(attack));

        assertThat(ranked).extracting(RankedImage::image).containsExactly(ORDERS_API, LEGACY);
        // 10 * log10(1 + 10) + 2 * log2(1 + 1) + 100 / (1 + 0) = 10.41 + 2 + 100
        assertThat(ranked.get(0).score()).isEqualTo(112.41);
        assertThat(ranked.get(0).storyboards()).containsExactly("sb-1");
        // 10 * log10(1 + 30 * 10) + 2 * log2(1 + 1) = 24.79 + 2
        assertThat(ranked.get(1).score()).isEqualTo(26.79);
        assertThat(ranked.get(1).storyboards()).isEmpty();
        assertThat(ranked.get(1).vulnerabilityCounts()).isEqualTo(Map.of(Severity.CRITICAL, 30));
        assertThat(ranked).extracting(RankedImage::rank).containsExactly(1, 2);
    }

    @Test
    void theImageWhereTheTrailBeganOutranksTheImageItReached() {
        ScanReport orders = report(
                "orders-api.trivy.json",
                Optional.of(ORDERS_API),
                List.of(ORDERS_REPO_DIGEST),
                Optional.empty(),
                List.of(log4j().getFirst()));
        ScanReport old =
                report("legacy.grype.json", Optional.of(LEGACY), List.of(digest('b')), Optional.empty(), criticals(10));
        Storyboard attack = storyboard("sb-1", Severity.CRITICAL, ordersApi, legacy);

        List<RankedImage> ranked = rank(inventory(legacy, ordersApi), List.of(old, orders), Set.of(), List.of(attack));

        assertThat(ranked).extracting(RankedImage::image).containsExactly(ORDERS_API, LEGACY);
        assertThat(factor(ranked.get(0), "storyboard sb-1").points()).isEqualTo(100.0);
        assertThat(factor(ranked.get(0), "storyboard sb-1").detail())
                .isEqualTo("critical storyboard, where the trail began");
        assertThat(factor(ranked.get(1), "storyboard sb-1").points()).isEqualTo(50.0);
        assertThat(factor(ranked.get(1), "storyboard sb-1").detail())
                .isEqualTo("critical storyboard, reached by the trail");
        // 10.41 + 2 + 100 against 10 * log10(1 + 100) + 2 + 50 = 20.04 + 2 + 50
        assertThat(ranked).extracting(RankedImage::score).containsExactly(112.41, 72.04);
    }

    @Test
    void aFindingWithoutAScannerSeverityIsRatedByItsCvssScoreOnItsVersionsScale() {
        Finding v3 = unrated("CVE-2024-1111", new Cvss("nvd", "3.1", OptionalDouble.of(9.8), "CVSS:3.1/AV:N"));
        Finding v2 = unrated("CVE-2024-2222", new Cvss("ecr", "2.0", OptionalDouble.of(9.3), "AV:N/AC:M"));
        Finding none = unrated("CVE-2024-3333");
        Finding ratedElsewhere = unrated("CVE-2024-4444", new Cvss("nvd", "3.1", OptionalDouble.of(9.1), ""));
        Finding scannerSays = finding("CVE-2024-4444", "libexample", "1.0.0", "1.0.1", Severity.LOW);
        ScanReport report = report(
                "orders-api.ecr.json",
                Optional.empty(),
                List.of(ORDERS_REPO_DIGEST),
                Optional.empty(),
                List.of(v3, v2, none, ratedElsewhere, scannerSays));

        RankedImage image = single(rank(inventory(ordersApi), List.of(report), Set.of(), List.of()));

        assertThat(image.vulnerabilityCounts())
                .as("v3 9.8 is critical, v2 9.3 only high (v2 has no critical); a scanner's own LOW wins")
                .isEqualTo(Map.of(Severity.CRITICAL, 1, Severity.HIGH, 1, Severity.LOW, 1, Severity.UNKNOWN, 1));
        assertThat(factor(image, "build-time risk").detail())
                .isEqualTo("4 distinct vulnerabilities, weighted by severity and fix availability"
                        + " (2 without a scanner severity, rated by their CVSS score)");
    }

    private static Finding unrated(String id, Cvss... ratings) {
        return new Finding(
                id,
                List.of(),
                new PackageRef("libexample", "1.0.0", "deb", Optional.empty()),
                Optional.of("1.0.1"),
                Severity.UNKNOWN,
                OptionalDouble.empty(),
                id,
                "ecr",
                Scores.of(List.of(ratings)));
    }

    @Test
    void theFactorsAddUpToTheScore() {
        ContainerAsset replica = container('c', ORDERS_API, Optional.of(ORDERS_REPO_DIGEST), Optional.empty());
        List<Finding> findings =
                List.of(log4j().getFirst(), finding("CVE-2023-2222", "libexample", "1.0.0", null, Severity.HIGH));
        ScanReport orders = report(
                "orders-api.trivy.json",
                Optional.of(ORDERS_API),
                List.of(ORDERS_REPO_DIGEST),
                Optional.empty(),
                findings);
        ScanReport old =
                report("legacy.grype.json", Optional.of(LEGACY), List.of(digest('b')), Optional.empty(), criticals(7));
        Storyboard lateral = storyboard("sb-2", Severity.HIGH, legacy, ordersApi);
        Storyboard noise = storyboard("sb-3", Severity.LOW, legacy);

        List<RankedImage> ranked = rank(
                inventory(ordersApi, replica, legacy),
                List.of(orders, old),
                Set.of("CVE-2021-44228"),
                List.of(lateral, noise));

        RankedImage image = ranked.stream()
                .filter(r -> r.image().equals(ORDERS_API))
                .findFirst()
                .orElseThrow();
        // Critical 10 plus unfixable high 5 * 0.3: 10 * log10(1 + 11.5) = 10.97 before KEV; the
        // known-exploited critical counts three times: 10 * log10(1 + 31.5) = 15.12, so KEV adds
        // 4.15; two running containers 2 * log2(3) = 3.17; second in a high storyboard 60 / 2 = 30.
        assertThat(image.factors())
                .extracting(RankedImage.Factor::name, RankedImage.Factor::points)
                .containsExactly(
                        tuple("build-time risk", 10.97),
                        tuple("known exploited", 4.15),
                        tuple("running containers", 3.17),
                        tuple("storyboard sb-2", 30.0));
        assertThat(image.score()).isEqualTo(48.29);
        for (RankedImage each : ranked) {
            double sum = each.factors().stream()
                    .mapToDouble(RankedImage.Factor::points)
                    .sum();
            // Each factor and the score are rounded to cents on their own.
            assertThat(sum)
                    .as(each.image())
                    .isCloseTo(each.score(), within(0.005 * (each.factors().size() + 1)));
        }
    }

    private static List<RankedImage> rank(
            Inventory inventory, List<ScanReport> reports, Set<String> knownExploited, List<Storyboard> storyboards) {
        return new ImageRanker(ImageCatalogue.build(inventory, reports, knownExploited)).rank(storyboards);
    }

    private static RankedImage single(List<RankedImage> ranked) {
        assertThat(ranked).hasSize(1);
        return ranked.getFirst();
    }

    private static RankedImage.Factor factor(RankedImage image, String name) {
        return image.factors().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no factor '" + name + "' in " + image.factors()));
    }
}
