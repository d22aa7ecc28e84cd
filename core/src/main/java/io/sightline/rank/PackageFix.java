package io.sightline.rank;

import static java.util.Objects.requireNonNull;

import io.sightline.finding.Severity;
import java.util.List;

/**
 * The upgrade that clears an image's findings in one package: {@code fixedVersion} clears every
 * listed vulnerability, {@code minimumFixForWorst} only the worst one.
 */
public record PackageFix(
        String packageName,
        String ecosystem,
        String installedVersion,
        String fixedVersion,
        String minimumFixForWorst,
        String worstId,
        Severity worst,
        List<String> vulnerabilities) {

    public PackageFix {
        requireNonNull(packageName, "packageName is null");
        requireNonNull(ecosystem, "ecosystem is null");
        requireNonNull(installedVersion, "installedVersion is null");
        requireNonNull(fixedVersion, "fixedVersion is null");
        requireNonNull(minimumFixForWorst, "minimumFixForWorst is null");
        requireNonNull(worstId, "worstId is null");
        requireNonNull(worst, "worst is null");
        vulnerabilities = List.copyOf(vulnerabilities);
    }
}
