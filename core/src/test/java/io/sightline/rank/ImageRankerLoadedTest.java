package io.sightline.rank;

import static io.sightline.rank.RankFixtures.ORDERS_API;
import static io.sightline.rank.RankFixtures.ORDERS_REPO_DIGEST;
import static io.sightline.rank.RankFixtures.container;
import static io.sightline.rank.RankFixtures.hex;
import static io.sightline.rank.RankFixtures.inventory;
import static io.sightline.rank.RankFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Inventory;
import io.sightline.event.ContainerContext;
import io.sightline.event.FileAccess;
import io.sightline.event.ProcessRef;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Finding;
import io.sightline.finding.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The "vulnerable package loaded at runtime" factor and the fix list order it sets. */
class ImageRankerLoadedTest {

    private static final String FAT_JAR = "app/orders-api.jar";
    private static final String JAVA_ARGS = "-jar /app/orders-api.jar";

    private final ContainerAsset ordersApi =
            container('a', ORDERS_API, Optional.of(ORDERS_REPO_DIGEST), Optional.empty());

    /** orders-api.trivy.json's shape: log4j-core and jackson-databind in the fat jar, libssl from the OS. */
    private final List<Finding> findings = List.of(
            LoadedPackagesTest.finding(
                    "CVE-2021-44228",
                    "log4j-core",
                    "2.15.0",
                    Severity.CRITICAL,
                    FAT_JAR + "/BOOT-INF/lib/log4j-core-2.14.1.jar"),
            LoadedPackagesTest.finding(
                    "CVE-2021-45046",
                    "log4j-core",
                    "2.16.0",
                    Severity.CRITICAL,
                    FAT_JAR + "/BOOT-INF/lib/log4j-core-2.14.1.jar"),
            LoadedPackagesTest.finding("CVE-2021-45105", "log4j-core", "2.17.0", Severity.MEDIUM, FAT_JAR),
            LoadedPackagesTest.finding("CVE-2022-42003", "jackson-databind", "2.13.4.2", Severity.HIGH, FAT_JAR),
            LoadedPackagesTest.finding("CVE-2022-0778", "libssl1.1", "1.1.2", Severity.CRITICAL));

    @Test
    void twoCriticalsAndOneHighLoadedEarnEightPoints() {
        RankedImage withEvidence = rank(findings, true);
        RankedImage without = rank(findings, false);

        // 2 critical x 3 + 1 high x 2; the medium CVE-2021-45105 and the unloaded libssl earn nothing.
        assertThat(withEvidence.factors())
                .filteredOn(f -> f.name().equals("vulnerable package loaded at runtime"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.points()).isEqualTo(8.0);
                    assertThat(f.detail())
                            .isEqualTo(
                                    "2 critical, 1 high fixable vulnerabilities (3 points each critical, 2 each high,"
                                            + " at most 15) in packages running containers executed or loaded:"
                                            + " log4j-core 1.0 (CVE-2021-44228, CVE-2021-45046): /app/orders-api.jar run by"
                                            + " `/opt/java/openjdk/bin/java -jar /app/orders-api.jar` in container aaaaaaaaaaaa"
                                            + " (telemetry/tetragon.jsonl:4); jackson-databind 1.0 (CVE-2022-42003):"
                                            + " /app/orders-api.jar run by `/opt/java/openjdk/bin/java -jar /app/orders-api.jar`"
                                            + " in container aaaaaaaaaaaa (telemetry/tetragon.jsonl:4)");
                });
        assertThat(withEvidence.score() - without.score()).isCloseTo(8.0, within(0.01));
        assertThat(without.factors()).noneMatch(f -> f.name().equals("vulnerable package loaded at runtime"));
        assertThat(withEvidence.loadedPackages())
                .extracting(RankedImage.LoadedPackage::packageName)
                .containsExactly("log4j-core", "jackson-databind");
    }

    @Test
    void loadedPackagesGoFirstInTheFixList() {
        // Without evidence the order is by worst severity, then by how many vulnerabilities an upgrade clears.
        assertThat(rank(findings, false).fixes())
                .extracting(PackageFix::packageName, PackageFix::loadedAtRuntime)
                .containsExactly(
                        tuple("log4j-core", false), tuple("libssl1.1", false), tuple("jackson-databind", false));
        assertThat(rank(findings, true).fixes())
                .extracting(PackageFix::packageName, PackageFix::loadedAtRuntime)
                .containsExactly(tuple("log4j-core", true), tuple("jackson-databind", true), tuple("libssl1.1", false));
    }

    @Test
    void theFactorIsCappedAtFifteenPoints() {
        List<Finding> many = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            many.add(LoadedPackagesTest.finding(
                    "CVE-2024-" + (10000 + i), "libexample", "1.0.1", Severity.CRITICAL, FAT_JAR));
        }
        // 6 critical x 3 = 18, capped.
        assertThat(rank(many, true).factors())
                .filteredOn(f -> f.name().equals("vulnerable package loaded at runtime"))
                .singleElement()
                .extracting(RankedImage.Factor::points)
                .isEqualTo(15.0);
    }

    private RankedImage rank(List<Finding> reported, boolean javaSeen) {
        Inventory inventory = inventory(ordersApi);
        ImageCatalogue catalogue = ImageCatalogue.build(
                inventory,
                List.of(report(
                        "orders-api.trivy.json",
                        Optional.empty(),
                        List.of(ORDERS_REPO_DIGEST),
                        Optional.empty(),
                        reported)),
                Set.of());
        LoadedPackages loaded = LoadedPackages.watching(inventory, catalogue);
        if (javaSeen) {
            ProcessRef java = new ProcessRef(
                    "ip-10-0-1-17.ec2.internal",
                    61219,
                    Instant.parse("2024-11-08T09:28:57Z"),
                    "/opt/java/openjdk/bin/java",
                    JAVA_ARGS,
                    Optional.empty(),
                    Optional.of(ContainerContext.of(ContainerId.parse("containerd://" + hex('a')))),
                    OptionalLong.empty());
            loaded.accept(new FileAccess(
                    new SourceRecord("telemetry/tetragon.jsonl", 4),
                    Instant.parse("2024-11-14T09:00:00Z"),
                    java,
                    Optional.empty(),
                    "/var/run/secrets/kubernetes.io/serviceaccount/token",
                    FileAccess.Mode.READ));
        }
        return new ImageRanker(catalogue, Map.of(), loaded).rank(List.of()).getFirst();
    }
}
