package io.sightline.finding;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * An installed package as a scanner names it. {@code ecosystem} is the scanner's package type
 * ({@code maven}, {@code deb}, {@code apk}, {@code npm}, ...); {@code purl} when the scanner gives
 * one.
 */
public record PackageRef(String name, String version, String ecosystem, Optional<String> purl) {

    public PackageRef {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(ecosystem, "ecosystem is null");
        requireNonNull(purl, "purl is null");
    }
}
