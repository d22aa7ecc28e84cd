package io.sightline.rank;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Inventory;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.ScanReport;
import io.sightline.finding.Severity;
import io.sightline.image.ImageRef;
import io.sightline.storyboard.Storyboard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** Hand-built inventory, scan and storyboard values for the ranking tests. */
final class RankFixtures {

    static final String ORDERS_API = "111122223333.dkr.ecr.us-east-1.amazonaws.com/payments/orders-api:1.8.2";
    static final String ORDERS_REPO_DIGEST = "sha256:311f41ffc751601bd6cdd901cc47f293a9efb2d28dba5cef8b5057a6e6fbb540";
    static final String ORDERS_CONFIG_DIGEST =
            "sha256:bd8897cbe85b76dfd8fa13ef59a0beb62b5fa83ffde7a2c1e33fb0bbb74965b4";

    private RankFixtures() {}

    /** A 64-hex digest or container id made of one repeated hex digit, so each is told apart. */
    static String hex(char digit) {
        return String.valueOf(digit).repeat(64);
    }

    static String digest(char digit) {
        return "sha256:" + hex(digit);
    }

    static ContainerAsset container(char id, String image, Optional<String> repoDigest, Optional<String> configDigest) {
        return new ContainerAsset(
                ContainerId.parse("containerd://" + hex(id)),
                "app-" + id,
                Optional.of("ip-10-0-1-17.ec2.internal"),
                Optional.empty(),
                ImageRef.parse(image),
                repoDigest,
                configDigest,
                false,
                false);
    }

    static Inventory inventory(ContainerAsset... containers) {
        Inventory inventory = new Inventory();
        for (ContainerAsset container : containers) {
            inventory.add(container);
        }
        return inventory;
    }

    static ScanReport report(
            String file,
            Optional<String> image,
            List<String> repoDigests,
            Optional<String> configDigest,
            List<Finding> findings) {
        return new ScanReport(file, "trivy", image.map(ImageRef::parse), repoDigests, configDigest, findings);
    }

    static Finding finding(String id, String pkg, String version, String fixed, Severity severity) {
        return new Finding(
                id,
                List.of(),
                new PackageRef(pkg, version, "jar", Optional.empty()),
                Optional.ofNullable(fixed),
                severity,
                OptionalDouble.empty(),
                id + " in " + pkg,
                "trivy");
    }

    /** The four Log4Shell findings of orders-api.trivy.json, in the report's order. */
    static List<Finding> log4j() {
        String log4j = "org.apache.logging.log4j:log4j-core";
        return List.of(
                finding("CVE-2021-44228", log4j, "2.14.1", "2.15.0, 2.12.2, 2.3.1", Severity.CRITICAL),
                finding("CVE-2021-45046", log4j, "2.14.1", "2.16.0, 2.12.2", Severity.CRITICAL),
                finding("CVE-2021-45105", log4j, "2.14.1", "2.17.0, 2.12.3, 2.3.1", Severity.MEDIUM),
                finding("CVE-2021-44832", log4j, "2.14.1", "2.17.1, 2.12.4, 2.3.2", Severity.MEDIUM));
    }

    /** {@code count} distinct critical, fixable CVEs in one package. */
    static List<Finding> criticals(int count) {
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            findings.add(finding("CVE-2024-" + (10000 + i), "libexample", "1.0.0", "1.0.1", Severity.CRITICAL));
        }
        return findings;
    }

    /** A storyboard whose trail began in the first container and reached the others in order. */
    static Storyboard storyboard(String id, Severity severity, ContainerAsset... containers) {
        List<Storyboard.ContainerEntity> entities = new ArrayList<>();
        for (ContainerAsset container : containers) {
            entities.add(new Storyboard.ContainerEntity(
                    container.id().id(),
                    container.name(),
                    container.host().orElseThrow(),
                    "payments",
                    container.name() + "-7d9f8c6b5-x2k4p",
                    container.image().toString(),
                    container.imageDigest().orElseThrow()));
        }
        Instant start = Instant.parse("2024-11-12T07:02:11Z");
        return new Storyboard(
                id,
                severity,
                List.of("hand-built for a test"),
                start,
                start.plusSeconds(600),
                List.of("ip-10-0-1-17.ec2.internal"),
                entities,
                entities.stream().map(Storyboard.ContainerEntity::imageDigest).toList(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of());
    }
}
