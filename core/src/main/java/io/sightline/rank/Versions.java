package io.sightline.rank;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Orders package versions well enough to pick fixes: numeric runs compare as numbers, other runs
 * as text, and a shorter version that is a prefix of a longer one sorts first ({@code 2.17 <
 * 2.17.1}). Ecosystem rules (Debian epochs, Maven qualifiers) are not modelled.
 *
 * <p>TODO: use each ecosystem's own ordering (dpkg, rpm, apk, Maven ComparableVersion, semver);
 * this general one is right for the dotted numeric versions most fixes carry.
 */
public final class Versions {

    public static final Comparator<String> ORDER = Versions::compare;

    /** Between the candidates of a fixed-version list: {@code 2.15.0, 2.12.2}, {@code 1.2 | 1.3}, {@code 1.2 or 1.3}. */
    private static final Pattern CANDIDATES = Pattern.compile("[,|]| or ");

    /** Between the runs of a version: punctuation, and where digits meet letters. */
    private static final Pattern RUNS = Pattern.compile("[^A-Za-z0-9]+|(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");

    private Versions() {}

    public static int compare(String a, String b) {
        String[] left = parts(a);
        String[] right = parts(b);
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int byPart = comparePart(left[i], right[i]);
            if (byPart != 0) {
                return byPart;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    /**
     * The version to upgrade to from {@code installed} among a scanner's fixed-version list
     * ({@code "2.15.0, 2.12.2"}): the lowest candidate above the installed version, so the fix
     * stays on the nearest line; else the highest candidate.
     */
    public static Optional<String> nearestFix(String installed, String fixedVersions) {
        List<String> candidates = Arrays.stream(CANDIDATES.split(fixedVersions))
                .map(String::trim)
                .map(v -> v.startsWith(">=") ? v.substring(2).trim() : v)
                .filter(v -> !v.isEmpty())
                .toList();
        Optional<String> above =
                candidates.stream().filter(v -> compare(v, installed) > 0).min(ORDER);
        return above.or(() -> candidates.stream().max(ORDER));
    }

    /**
     * Splits a version into its runs, without the {@code v} of Go module versions: Trivy reports Go
     * packages installed as {@code v1.22.5} and fixed as {@code 1.22.7}, which must compare as
     * numbers, not {@code v} against {@code 1}.
     */
    private static String[] parts(String version) {
        boolean goPrefix = version.length() > 1
                && (version.charAt(0) == 'v' || version.charAt(0) == 'V')
                && Character.isDigit(version.charAt(1));
        String plain = goPrefix ? version.substring(1) : version;
        return RUNS.split(plain);
    }

    private static int comparePart(String a, String b) {
        boolean numericA = a.chars().allMatch(Character::isDigit) && !a.isEmpty();
        boolean numericB = b.chars().allMatch(Character::isDigit) && !b.isEmpty();
        if (numericA && numericB) {
            return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
        }
        if (numericA != numericB) {
            return numericA ? 1 : -1;
        }
        return a.compareToIgnoreCase(b);
    }
}
