package io.sightline.finding;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An installed package as a scanner names it. {@code ecosystem} is the scanner's package type
 * ({@code maven}, {@code deb}, {@code apk}, {@code npm}, ...); {@code purl} when the scanner gives
 * one. {@code paths} are the files the scanner found the package in, as it wrote them (Trivy's
 * {@code PkgPath} without a leading slash, Grype's {@code artifact.locations[].path} with one), in
 * report order; empty when the report gives none. A package inside an archive is named through
 * the archive: {@code app/orders-api.jar/BOOT-INF/lib/log4j-core-2.14.1.jar}.
 */
public record PackageRef(String name, String version, String ecosystem, Optional<String> purl, List<String> paths) {

    public PackageRef {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(ecosystem, "ecosystem is null");
        requireNonNull(purl, "purl is null");
        paths = List.copyOf(paths);
    }

    /** A package whose report gives no file paths. */
    public PackageRef(String name, String version, String ecosystem, Optional<String> purl) {
        this(name, version, ecosystem, purl, List.of());
    }

    /** This package with {@code more} paths after its own, each kept once. */
    public PackageRef withPaths(List<String> more) {
        List<String> all = new ArrayList<>(paths);
        more.stream().filter(p -> !all.contains(p)).forEach(all::add);
        return new PackageRef(name, version, ecosystem, purl, all);
    }
}
