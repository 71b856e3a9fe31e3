package io.github.ttforwarder.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class IpAddressNormalizerTest {

    @Test
    void ipv4() {
        assertEquals("203.0.113.7", IpAddressNormalizer.normalise("203.0.113.7"));
        assertEquals("203.0.113.7", IpAddressNormalizer.normalise(" 203.0.113.7 "));
        assertEquals("8.8.8.8", IpAddressNormalizer.normalise("8.8.8.8"));
        assertEquals("198.51.100.1", IpAddressNormalizer.normalise("198.51.100.1"));
        assertEquals("100.128.0.1", IpAddressNormalizer.normalise("100.128.0.1"));
        assertEquals("172.32.0.1", IpAddressNormalizer.normalise("172.32.0.1"));
        assertEquals("172.15.255.255", IpAddressNormalizer.normalise("172.15.255.255"));
    }

    @Test
    void ipv6Canonical() {
        assertEquals("2001:db8::1", IpAddressNormalizer.normalise("2001:0DB8:0000:0000:0000:0000:0000:0001"));
        assertEquals("2001:db8::1", IpAddressNormalizer.normalise("2001:db8::1"));
        assertEquals("2001:db8::1", IpAddressNormalizer.normalise("[2001:DB8::1]"));
        assertEquals("2001:db8:0:1:1:1:1:1", IpAddressNormalizer.normalise("2001:db8:0:1:1:1:1:1"));
        assertEquals("2001:db8::1:0:0:1", IpAddressNormalizer.normalise("2001:db8:0:0:1:0:0:1"));
        assertEquals("2606:4700:4700::1111", IpAddressNormalizer.normalise("2606:4700:4700:0:0:0:0:1111"));
    }

    @Test
    void ipv4Mapped() {
        assertEquals("203.0.113.7", IpAddressNormalizer.normalise("::ffff:203.0.113.7"));
        assertEquals("203.0.113.7", IpAddressNormalizer.normalise("::FFFF:cb00:7107"));
        assertNull(IpAddressNormalizer.normalise("::ffff:10.0.0.1"));
        assertNull(IpAddressNormalizer.normalise("::ffff:127.0.0.1"));
    }

    @Test
    void notAnIpLiteral() {
        for (String s : new String[] {null, "", " ", "unknown", "_hidden", "localhost", "example.com",
                "203.0.113.7:8080", "[2001:db8::1]:443", "203.0.113", "203.0.113.256", "fe80::1%eth0",
                "2001:db8::1%1", "203.0.113.7, 198.51.100.1", "0x7f.0.0.1"}) {
            assertNull(IpAddressNormalizer.normalise(s), s);
        }
    }

    @Test
    void notPublic() {
        for (String s : new String[] {"0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.255.254", "10.1.2.3",
                "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.255", "169.254.1.1",
                "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1",
                "::", "::1", "fe80::1", "febf::1", "fc00::1", "fd12:3456:789a::1", "ff02::1", "fec0::1"}) {
            assertNull(IpAddressNormalizer.normalise(s), s);
        }
    }

    @Test
    void isPublic() throws Exception {
        assertTrue(IpAddressNormalizer.isPublic(InetAddress.getByName("203.0.113.7")));
        assertTrue(IpAddressNormalizer.isPublic(InetAddress.getByName("2001:db8::1")));
        assertFalse(IpAddressNormalizer.isPublic(InetAddress.getByName("192.168.0.1")));
        assertFalse(IpAddressNormalizer.isPublic(InetAddress.getByName("fd00::1")));
        assertFalse(IpAddressNormalizer.isPublic(null));
    }
}
