package io.sightline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses count as public, by the ranges IANA reserves (RFC 1918, 6598, 3927, 5735). */
class PublicAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1", "223.255.255.255"})
    void unicastOutsideTheReservedRangesIsPublic(String address) {
        assertThat(Behaviours.isPublicAddress(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.1", // RFC 1918
                "172.16.0.1", // RFC 1918
                "172.31.255.255", // RFC 1918
                "192.168.1.1", // RFC 1918
                "100.64.0.1", // carrier-grade NAT, RFC 6598
                "100.127.255.255", // carrier-grade NAT
                "169.254.169.254", // link-local, where clouds serve instance metadata
                "127.0.0.1", // loopback
                "0.0.0.0", // this network
                "224.0.0.1", // multicast
                "255.255.255.255" // broadcast
            })
    void reservedRangesAreNot(String address) {
        assertThat(Behaviours.isPublicAddress(address)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "8.8.8",
                "8.8.8.8.8",
                "8.8..8",
                "8.8.8.",
                ".8.8.8",
                "256.1.1.1",
                "8.8.8.256",
                "8.8.8.1234",
                "+8.8.8.8",
                "8.8.8.x",
                "2001:4860:4860::8888",
                "example.com",
                "8.8.8.8:53"
            })
    void whatIsNotFourDecimalOctetsIsNot(String address) {
        assertThat(Behaviours.isPublicAddress(address)).isFalse();
    }
}
