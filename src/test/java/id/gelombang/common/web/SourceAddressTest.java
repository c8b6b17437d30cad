package id.gelombang.common.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceAddressTest {

    @Test
    void anIpv4AddressIsItsOwnSource() {
        assertThat(SourceAddress.key("198.51.100.10")).contains("198.51.100.10");
        assertThat(SourceAddress.key(" 203.0.113.255 ")).contains("203.0.113.255");
    }

    @Test
    void anIpv6AddressCountsByItsSlash64WhereOneSubscriberPicksAnyAddress() {
        assertThat(SourceAddress.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).contains("2001:db8:1:2::/64");
        assertThat(SourceAddress.key("2001:db8:1:2::1")).isEqualTo(SourceAddress.key("2001:0db8:0001:0002:ffff::9"));
        assertThat(SourceAddress.key("2001:db8:1:3::1")).isNotEqualTo(SourceAddress.key("2001:db8:1:2::1"));
        // An IPv4 address written as IPv6 is the IPv4 address.
        assertThat(SourceAddress.key("::ffff:198.51.100.10")).contains("198.51.100.10");
    }

    @Test
    void anythingElseIsNoSourceAndIsNeverLookedUp() {
        assertThat(SourceAddress.key(null)).isEmpty();
        assertThat(SourceAddress.key("")).isEmpty();
        assertThat(SourceAddress.key("localhost")).isEmpty();
        assertThat(SourceAddress.key("example.com")).isEmpty();
        assertThat(SourceAddress.key("256.1.1.1")).isEmpty();
        assertThat(SourceAddress.key("1.2.3")).isEmpty();
        assertThat(SourceAddress.key("2001:db8::zz")).isEmpty();
    }

    @Test
    void cloudFrontsViewerAddressIsTheAddressBeforeThePort() {
        assertThat(SourceAddress.fromViewerAddress("198.51.100.10:46532")).contains("198.51.100.10");
        assertThat(SourceAddress.fromViewerAddress("2406:2d40:728d:fa10::c4a:42838")).contains("2406:2d40:728d:fa10::/64");
        assertThat(SourceAddress.fromViewerAddress("198.51.100.10")).isEmpty();
        assertThat(SourceAddress.fromViewerAddress(null)).isEmpty();
    }
}
