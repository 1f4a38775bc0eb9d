package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NetgroupTest {

    @Test
    void ipv4GroupsBySixteenLoopbackIncluded() {
        assertThat(Netgroup.of("127.0.0.1")).isEqualTo("127.0/16");
        assertThat(Netgroup.of("127.0.255.9")).isEqualTo("127.0/16");
        assertThat(Netgroup.of("127.200.1.1")).isEqualTo("127.200/16");
    }

    @Test
    void ipv6GroupsByThirtyTwoAndMappedIpv4AsIpv4() {
        assertThat(Netgroup.of("::1")).isEqualTo("0000:0000/32");
        assertThat(Netgroup.of("[::1]")).isEqualTo("0000:0000/32");
        assertThat(Netgroup.of("::ffff:127.3.2.1")).isEqualTo("127.3/16");
    }

    @Test
    void aHostNameIsItsOwnGroupAndIsNeverResolved() {
        assertThat(Netgroup.of("LocalHost")).isEqualTo("localhost");
        assertThat(Netgroup.of("no-such-name.invalid")).isEqualTo("no-such-name.invalid");
    }
}
