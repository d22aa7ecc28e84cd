package io.sightline.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void readsAsAnAddressAndPortWithAnIpv6AddressInBrackets() {
        assertThat(new Endpoint("10.0.1.5", 8080)).hasToString("10.0.1.5:8080");
        assertThat(new Endpoint("fd00:10:0:1::a7", 36334)).hasToString("[fd00:10:0:1::a7]:36334");
        assertThat(new Endpoint("::ffff:10.0.1.167", 443)).hasToString("[::ffff:10.0.1.167]:443");
    }

    @Test
    void refusesAPortOutsideSixteenBits() {
        assertThatThrownBy(() -> new Endpoint("10.0.1.5", 65_536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be 0 to 65535, got 65536");
    }
}
