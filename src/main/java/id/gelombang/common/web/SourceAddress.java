package id.gelombang.common.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a request comes from, as far as per-source limits care: an IPv4 address as it is (behind
 * carrier-grade NAT that is many subscribers at once, so limits on it are generous), an IPv6
 * address by its /64 prefix (one subscriber's network: a device picks any address inside it). Only
 * ever used as the input of a keyed digest; never logged, stored or answered.
 */
public final class SourceAddress {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** Only hex digits, colons and (an embedded IPv4 tail) dots: parsed as a literal, never looked up in DNS. */
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private SourceAddress() {
    }

    /** The key limits count under, or empty when {@code address} is no IP address. */
    public static Optional<String> key(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String value = address.strip();
        if (IPV4.matcher(value).matches()) {
            return Optional.of(value);
        }
        if (!value.contains(":") || !IPV6_LITERAL.matcher(value).matches()) {
            return Optional.empty();
        }
        try {
            byte[] bytes = InetAddress.getByName(value).getAddress();
            if (bytes.length == 4) { // ::ffff:a.b.c.d, an IPv4 address written as IPv6
                return Optional.of(InetAddress.getByAddress(bytes).getHostAddress());
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(String.format(Locale.ROOT, "%x", ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return Optional.of(prefix.append(":/64").toString());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The viewer's address in CloudFront's {@code CloudFront-Viewer-Address} header: the address,
     * a colon and the viewer's port ({@code 198.51.100.10:46532}, {@code 2001:db8::1:46532}).
     */
    public static Optional<String> fromViewerAddress(String header) {
        if (header == null) {
            return Optional.empty();
        }
        int colon = header.strip().lastIndexOf(':');
        return colon <= 0 ? Optional.empty() : key(header.strip().substring(0, colon));
    }
}
