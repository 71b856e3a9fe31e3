package io.github.ttforwarder.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ClientIpResolverTest {

    final ClientIpResolver none = new ClientIpResolver((String) null);
    final ClientIpResolver lb = new ClientIpResolver("10.0.0.0/8, 192.168.1.5, 2001:db8:ffff::/48");

    @Test
    void noTrustedProxiesMeansPeer() {
        assertEquals("203.0.113.7", none.resolve("203.0.113.7", "198.51.100.1", "for=198.51.100.2"));
        assertEquals("203.0.113.7", new ClientIpResolver(Optional.of("  ")).resolve("203.0.113.7", "198.51.100.1", null));
    }

    @Test
    void spoofedHeadersFromUntrustedPeerIgnored() {
        assertEquals("203.0.113.7", lb.resolve("203.0.113.7", "198.51.100.1", null));
        assertEquals("203.0.113.7", lb.resolve("203.0.113.7", null, "for=198.51.100.1"));
        assertEquals("203.0.113.7", lb.resolve("203.0.113.7", "10.0.0.1", null));
    }

    @Test
    void trustedPeerWithoutHeaders() {
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", null, null));
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", " ", ""));
    }

    @Test
    void xForwardedForSingleHop() {
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", "203.0.113.7", null));
        assertEquals("203.0.113.7", lb.resolve("192.168.1.5", " 203.0.113.7 ", null));
    }

    @Test
    void xForwardedForChain() {
        // client -> 10.1.1.1 (trusted) -> 10.0.0.2 (trusted peer)
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", "203.0.113.7, 10.1.1.1", null));
        // a spoofed left part is ignored: the first untrusted from the right is the client
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", "1.2.3.4, 203.0.113.7, 10.1.1.1", null));
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", "1.2.3.4,203.0.113.7,192.168.1.5,10.1.1.1", null));
        // all trusted: the leftmost
        assertEquals("10.9.9.9", lb.resolve("10.0.0.2", "10.9.9.9, 10.1.1.1", null));
        // empty list elements are skipped
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", "203.0.113.7,, 10.1.1.1,", null));
    }

    @Test
    void xForwardedForWithPortsAndIpv6() {
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", "203.0.113.7:51234", null));
        assertEquals("2001:db8::7", lb.resolve("10.0.0.2", "[2001:db8::7]:443", null));
        assertEquals("2001:db8::7", lb.resolve("10.0.0.2", "2001:db8::7", null));
        assertEquals("2001:DB8::7", lb.resolve("2001:db8:ffff::1", "2001:DB8::7, 2001:db8:ffff:1::2", null));
        assertEquals("2001:db8::7", lb.resolve("[2001:db8:ffff::1]", "2001:db8::7", null));
    }

    @Test
    void obfuscatedOrGarbageEndsTheWalk() {
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", "unknown", null));
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", "203.0.113.7, unknown, 10.1.1.1", null));
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", "evil.example.com", null));
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", null, "for=_hidden"));
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", null, "for=unknown"));
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", null, "for=203.0.113.7, proto=https"));
        // beyond the first untrusted node nothing matters
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", "unknown, 203.0.113.7, 10.1.1.1", null));
    }

    @Test
    void forwardedHeader() {
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", null, "for=203.0.113.7"));
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", null, "For=\"203.0.113.7:4711\";proto=https;by=10.0.0.2"));
        assertEquals("2001:db8:cafe::17", lb.resolve("10.0.0.2", null, "for=\"[2001:db8:cafe::17]:4711\""));
        assertEquals("2001:db8:cafe::17", lb.resolve("10.0.0.2", null, "for=\"[2001:db8:cafe::17]\""));
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", null,
                "for=198.51.100.9;proto=http, for=203.0.113.7;host=\"a,b;c\", for=10.1.1.1"));
        assertEquals("10.9.9.9", lb.resolve("10.0.0.2", null, "for=10.9.9.9, for=\"[2001:db8:ffff::3]\""));
    }

    @Test
    void forwardedWinsOverXForwardedFor() {
        assertEquals("203.0.113.7", lb.resolve("10.0.0.2", "198.51.100.1", "for=203.0.113.7"));
    }

    @Test
    void malformedForwardedMeansPeer() {
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", "198.51.100.1", "for=\"203.0.113.7"));
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", null, "203.0.113.7"));
        assertEquals("10.0.0.2", lb.resolve("10.0.0.2", null, "for=\"[2001:db8::1\""));
    }

    @Test
    void forwardedParsing() {
        assertEquals(List.of("203.0.113.7", "", "[2001:db8::1]:80"),
                ClientIpResolver.forwardedFor("for=203.0.113.7;proto=https, proto=http ,, for=\"[2001:db8::1]:80\""));
    }

    @Test
    void trustedRanges() {
        ClientIpResolver r = new ClientIpResolver("172.16.0.0/12,198.51.100.128/25, ::1, 0.0.0.0/0");
        assertTrue(r.isTrusted("172.31.255.255"));
        assertTrue(r.isTrusted("8.8.8.8"));
        ClientIpResolver r2 = new ClientIpResolver("172.16.0.0/12,198.51.100.128/25,::1");
        assertTrue(r2.isTrusted("172.16.0.1"));
        assertFalse(r2.isTrusted("172.32.0.1"));
        assertTrue(r2.isTrusted("198.51.100.128"));
        assertFalse(r2.isTrusted("198.51.100.127"));
        assertTrue(r2.isTrusted("::1"));
        assertTrue(r2.isTrusted("[::1]"));
        assertFalse(r2.isTrusted("127.0.0.1"));
        assertTrue(r2.isTrusted("::ffff:172.16.0.1"));
        assertFalse(r2.isTrusted("unknown"));
        assertFalse(r2.isTrusted(null));
    }

    @Test
    void invalidEntriesFailStartUp() {
        for (String bad : new String[] {"10.0.0.0/33", "proxy.example.com", "10.0.0.0/", "10.0.0.0/x", "::/129",
                "10.0.0.1, nope", "10.0.0.0/-1", "10.0.0.0/8/8"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClientIpResolver(bad), bad);
            assertTrue(e.getMessage().startsWith("forwarder.http.trusted-proxies"), e.getMessage());
        }
    }
}
