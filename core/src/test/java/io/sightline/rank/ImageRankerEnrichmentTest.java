package io.sightline.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Inventory;
import io.sightline.asset.PodKey;
import io.sightline.asset.Service;
import io.sightline.asset.ServiceEndpoint;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Scores;
import io.sightline.finding.Severity;
import io.sightline.image.ImageRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** EPSS and exposure as ranking factors, each explained in its factor's detail. */
class ImageRankerEnrichmentTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void importedEpssWinsOverTheScannersAndExposureThroughALoadBalancerCounts() {
        Inventory inventory = new Inventory();
        PodKey pod = new PodKey("shop", "web-1");
        inventory.add(new ContainerAsset(
                ContainerId.parse("containerd://" + "b".repeat(64)),
                "web",
                Optional.of("node-1"),
                Optional.of(pod),
                ImageRef.parse("shop/web:1.0"),
                Optional.of(DIGEST),
                Optional.empty(),
                false,
                false));
        inventory.add(new Service("shop", "web", "LoadBalancer", List.of("10.0.0.10"), List.of()));
        inventory.add(new ServiceEndpoint("shop", "web", "10.1.0.5", 8080, "http", Optional.of(pod)));
        Finding finding = new Finding(
                "CVE-2021-44228",
                List.of(),
                new PackageRef("log4j-core", "2.14.1", "jar", Optional.empty()),
                Optional.of("2.17.1"),
                Severity.CRITICAL,
                OptionalDouble.of(10.0),
                "Log4Shell",
                "trivy",
                new Scores(List.of(), OptionalDouble.of(0.5)));
        ScanReport report = new ScanReport(
                "web.trivy.json",
                "trivy",
                Optional.empty(),
                List.of(DIGEST),
                Optional.empty(),
                List.of(finding),
                List.of());
        ImageCatalogue catalogue = ImageCatalogue.build(inventory, List.of(report), Set.of());

        RankedImage ranked = new ImageRanker(catalogue, Map.of("CVE-2021-44228", 0.94358))
                .rank(List.of())
                .getFirst();

        assertThat(ranked.factors())
                .filteredOn(f -> f.name().equals("exploit prediction"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.points()).isEqualTo(7.55);
                    assertThat(f.detail())
                            .isEqualTo("highest EPSS 0.94358 (CVE-2021-44228); 1 of 1 vulnerabilities at 0.1 or above");
                });
        assertThat(ranked.factors())
                .filteredOn(f -> f.name().equals("exposed"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.points()).isEqualTo(4.0);
                    assertThat(f.detail()).isEqualTo("reachable through shop/web (LoadBalancer)");
                });

        RankedImage scannerOnly = new ImageRanker(catalogue).rank(List.of()).getFirst();
        assertThat(scannerOnly.factors())
                .filteredOn(f -> f.name().equals("exploit prediction"))
                .singleElement()
                .extracting(RankedImage.Factor::points)
                .isEqualTo(4.0);
    }
}
