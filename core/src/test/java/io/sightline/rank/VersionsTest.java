package io.sightline.rank;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionsTest {

    @ParameterizedTest(name = "{0} > {1}")
    @CsvSource({
        "2.17.1, 2.17.0",
        "2.17.0, 2.16",
        "2.17.1, 2.16",
        "2.17, 2.16.9",
        "2.17.1, 2.17",
        "2.15.0, 2.14.1",
        "2.12.10, 2.12.9",
        "2.13.4.2, 2.13.4",
        "1.1.1n-0+deb11u2, 1.1.1k-1",
        "1.1.1f-1ubuntu2.12, 1.1.1f-1ubuntu2.10",
        "v1.21.11, v1.18.3",
        "1:1.2.11.dfsg-2+deb11u1, 1:1.2.11.dfsg-2",
        // Trivy writes Go packages installed with a v and fixed without one.
        "1.22.7, v1.22.5",
        "v1.22.0, 1.21.11",
    })
    void ordersNewerAboveOlder(String newer, String older) {
        assertThat(Versions.compare(newer, older)).isPositive();
        assertThat(Versions.compare(older, newer)).isNegative();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"2.17.1, 2.17.1", "v1.21.11, 1.21.11", "1:1.2.11.dfsg-2, 1:1.2.11.dfsg-2"})
    void ordersEqualVersionsTogether(String a, String b) {
        assertThat(Versions.compare(a, b)).isZero();
    }

    /** The fixed-version lists are Trivy's, as in examples/log4shell-lateral/scans/orders-api.trivy.json. */
    @ParameterizedTest(name = "{0}: {1} from {2} -> {3}")
    @CsvSource(
            delimiter = ';',
            value = {
                "CVE-2021-44228; 2.14.1; 2.15.0, 2.12.2, 2.3.1; 2.15.0",
                "CVE-2021-45046; 2.14.1; 2.16.0, 2.12.2; 2.16.0",
                "CVE-2021-45105; 2.14.1; 2.17.0, 2.12.3, 2.3.1; 2.17.0",
                "CVE-2021-44832; 2.14.1; 2.17.1, 2.12.4, 2.3.2; 2.17.1",
                "CVE-2021-44228 on the 2.12 line; 2.12.1; 2.15.0, 2.12.2, 2.3.1; 2.12.2",
                "CVE-2020-36518; 2.12.3; 2.12.6.1, 2.13.2.1; 2.12.6.1",
                "CVE-2022-37434; 1:1.2.11.dfsg-2ubuntu1.2; 1:1.2.11.dfsg-2ubuntu1.5; 1:1.2.11.dfsg-2ubuntu1.5",
                "CVE-2024-24790; v1.21.5; 1.21.11, 1.22.4; 1.21.11",
                "CVE-2024-24790 on the 1.22 line; v1.22.0; 1.21.11, 1.22.4; 1.22.4",
                "alternatives joined by or; 2.14.1; 2.15.0 or 2.12.2; 2.15.0",
                "a lower bound; 2.14.1; >=2.15.0; 2.15.0",
            })
    void nearestFixStaysOnTheInstalledLine(String what, String installed, String fixedVersions, String expected) {
        assertThat(Versions.nearestFix(installed, fixedVersions)).contains(expected);
    }

    @ParameterizedTest(name = "{0} from {1} -> {2}")
    @CsvSource(
            delimiter = ';',
            value = {
                // Nothing above what is installed: the scanner's list is taken at its highest.
                "2.17.1; 2.15.0, 2.12.2; 2.15.0",
            })
    void nearestFixFallsBackToTheHighestCandidate(String installed, String fixedVersions, String expected) {
        assertThat(Versions.nearestFix(installed, fixedVersions)).contains(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource({"''", "' , '"})
    void nearestFixOfAnEmptyListIsEmpty(String fixedVersions) {
        assertThat(Versions.nearestFix("2.14.1", fixedVersions)).isEmpty();
    }
}
