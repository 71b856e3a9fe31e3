package io.github.ttforwarder.mapping;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import com.google.common.net.InetAddresses;

/**
 * Normalises the browser's IP address for TikTok's {@code user.ip}.
 *
 * <p>TikTok Events API 2.0: {@code user.ip} is the public IPv4 or IPv6 address of the browser.
 * Only IP literals are read (with Guava's {@link InetAddresses}; never a DNS look-up). Addresses no
 * browser on the public internet could have are dropped: unspecified / "this network"
 * ({@code 0.0.0.0/8}, {@code ::}), loopback ({@code 127.0.0.0/8}, {@code ::1}), link-local
 * ({@code 169.254.0.0/16}, {@code fe80::/10}), private (RFC 1918 {@code 10/8}, {@code 172.16/12},
 * {@code 192.168/16}; RFC 6598 carrier-grade NAT {@code 100.64/10}; unique local {@code fc00::/7};
 * deprecated site-local {@code fec0::/10}), multicast ({@code 224/4}, {@code ff00::/8}) and the
 * reserved {@code 240.0.0.0/4} (including broadcast). Documentation ranges (RFC 5737 / RFC 3849,
 * e.g. {@code 203.0.113.0/24}, {@code 2001:db8::/32}) are kept.
 */
public final class IpAddressNormalizer {

    private IpAddressNormalizer() {
    }

    /**
     * Canonical text of a public IP literal: IPv4 dotted quad; IPv6 compressed lower-case
     * (RFC 5952); an IPv4-mapped IPv6 address ({@code ::ffff:203.0.113.7}) becomes plain IPv4.
     * Surrounding white space and IPv6 brackets ({@code [2001:db8::1]}) are accepted; ports and zone
     * ids ({@code %eth0}) are not.
     *
     * @param raw the address as received, may be null
     * @return the canonical address, or null when the value is not an IP literal (e.g.
     *         {@code "unknown"}, a host name) or not a public address (see class comment)
     */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.trim();
        if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || s.indexOf('%') >= 0 || !InetAddresses.isInetAddress(s)) {
            return null;
        }
        InetAddress address = InetAddresses.forString(s);
        return isPublic(address) ? InetAddresses.toAddrString(address) : null;
    }

    /**
     * Whether an address could be a browser's public address (see the class comment for the ranges
     * refused). An {@link Inet6Address} holding an IPv4-mapped address is judged by its IPv4 part.
     *
     * @param a an address, may be null (then false)
     * @return true when the address is public
     */
    public static boolean isPublic(InetAddress a) {
        if (a == null) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address && isIpv4Mapped(b)) {
            b = new byte[] {b[12], b[13], b[14], b[15]};
        }
        if (b.length == 4) {
            return isPublicV4(b[0] & 0xff, b[1] & 0xff);
        }
        if (b.length == 16) {
            return isPublicV6(b);
        }
        return false;
    }

    private static boolean isPublicV4(int o0, int o1) {
        return o0 != 0                               // 0.0.0.0/8 unspecified, "this network"
                && o0 != 10                          // 10.0.0.0/8 private
                && o0 != 127                         // 127.0.0.0/8 loopback
                && !(o0 == 100 && (o1 & 0xc0) == 64) // 100.64.0.0/10 carrier-grade NAT
                && !(o0 == 169 && o1 == 254)         // 169.254.0.0/16 link-local
                && !(o0 == 172 && (o1 & 0xf0) == 16) // 172.16.0.0/12 private
                && !(o0 == 192 && o1 == 168)         // 192.168.0.0/16 private
                && o0 < 224;                         // 224/4 multicast, 240/4 reserved, broadcast
    }

    private static boolean isPublicV6(byte[] b) {
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (b0 == 0xff) {
            return false;                            // ff00::/8 multicast
        }
        if ((b0 & 0xfe) == 0xfc) {
            return false;                            // fc00::/7 unique local
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return false;                            // fe80::/10 link-local
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return false;                            // fec0::/10 site-local (deprecated)
        }
        boolean zeroPrefix = true;                   // first 15 bytes zero: :: or ::1 when the last is 0 / 1
        for (int i = 0; i < 15; i++) {
            if (b[i] != 0) {
                zeroPrefix = false;
                break;
            }
        }
        if (zeroPrefix && (b[15] == 0 || b[15] == 1)) {
            return false;                            // :: unspecified, ::1 loopback
        }
        return true;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
