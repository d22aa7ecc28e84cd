package io.sightline.rank;

import static java.util.Objects.requireNonNull;

import io.sightline.finding.Severity;
import java.util.List;

/**
 * The upgrade that clears an image's findings in one package: {@code fixedVersion} clears every
 * listed vulnerability, {@code minimumFixForWorst} only the worst one. {@code loadedAtRuntime} when
 * a running container of the image executed or loaded the package's files.
 */
public record PackageFix(
        String packageName,
        String ecosystem,
        String installedVersion,
        String fixedVersion,
        String minimumFixForWorst,
        String worstId,
        Severity worst,
        List<String> vulnerabilities,
        boolean loadedAtRuntime) {

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

    /** A fix for a package no running container was seen loading. */
    public PackageFix(
            String packageName,
            String ecosystem,
            String installedVersion,
            String fixedVersion,
            String minimumFixForWorst,
            String worstId,
            Severity worst,
            List<String> vulnerabilities) {
        this(
                packageName,
                ecosystem,
                installedVersion,
                fixedVersion,
                minimumFixForWorst,
                worstId,
                worst,
                vulnerabilities,
                false);
    }
}
