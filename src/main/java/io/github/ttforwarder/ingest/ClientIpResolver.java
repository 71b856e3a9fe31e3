package io.github.ttforwarder.ingest;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.common.net.InetAddresses;

import io.quarkus.runtime.Startup;

/**
 * Finds the browser's IP address behind reverse proxies.
 *
 * <p>Configuration: {@code forwarder.http.trusted-proxies} — comma-separated IP addresses or CIDR
 * ranges ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) of the proxies whose {@code Forwarded} /
 * {@code X-Forwarded-For} headers are believed. Empty (the default): the client is always the socket
 * peer. An invalid entry fails start-up with an {@link IllegalArgumentException} naming it (the bean
 * is {@link Startup}). Ranges are parsed once.
 *
 * <p>Rule (RFC 7239 §5.2 / the usual X-Forwarded-For practice): only when the socket peer is a
 * trusted proxy are the headers read; {@code Forwarded} ({@code for=} of each element) wins over
 * {@code X-Forwarded-For}. The list is walked from the right (nearest hop first), skipping trusted
 * proxies; the first address that is not a trusted proxy is the client. If every address is a
 * trusted proxy, the leftmost one is the client. An obfuscated or unknown node ({@code unknown},
 * {@code _hidden}, a host name, an element without {@code for=}) ends the walk: the peer is returned.
 * A spoofed header sent by an untrusted peer is thus ignored.
 */
@ApplicationScoped
@Startup
@Named("clientIpResolver")
public class ClientIpResolver {

    /** One trusted range: network bytes (4 or 16) and prefix length in bits. */
    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> trusted;

    /**
     * CDI constructor.
     *
     * @param trustedProxies {@code forwarder.http.trusted-proxies}; empty when not configured
     * @throws IllegalArgumentException when an entry is not an IP address or CIDR range
     */
    @Inject
    public ClientIpResolver(@ConfigProperty(name = "forwarder.http.trusted-proxies") Optional<String> trustedProxies) {
        this(trustedProxies.orElse(null));
    }

    /**
     * For tests and tools.
     *
     * @param trustedProxies comma-separated IP addresses or CIDR ranges; null or blank for none
     * @throws IllegalArgumentException when an entry is not an IP address or CIDR range
     */
    public ClientIpResolver(String trustedProxies) {
        this.trusted = parseRanges(trustedProxies);
    }

    /**
     * The client's IP address.
     *
     * @param peerAddress   the socket peer's address (IP literal), may be null
     * @param xForwardedFor the {@code X-Forwarded-For} header (comma-separated addresses, several
     *                      header lines joined with commas), may be null
     * @param forwarded     the RFC 7239 {@code Forwarded} header (several header lines joined with
     *                      commas), may be null
     * @return the client's IP literal as written in the header (port, quotes and IPv6 brackets
     *         removed; not canonicalised — the caller normalises), or {@code peerAddress} unchanged
     *         when the peer is not a trusted proxy, the headers are absent, or the walk ends at an
     *         obfuscated / unreadable node
     */
    public String resolve(String peerAddress, String xForwardedFor, String forwarded) {
        if (trusted.isEmpty() || !isTrusted(hostOf(peerAddress))) {
            return peerAddress;
        }
        List<String> nodes;
        if (forwarded != null && !forwarded.isBlank()) {
            nodes = forwardedFor(forwarded);
        } else if (xForwardedFor != null && !xForwardedFor.isBlank()) {
            nodes = new ArrayList<>();
            for (String part : xForwardedFor.split(",")) {
                String p = part.trim();
                if (!p.isEmpty()) {
                    nodes.add(p);
                }
            }
        } else {
            return peerAddress;
        }
        if (nodes == null || nodes.isEmpty()) {
            return peerAddress;
        }
        String leftmost = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            String host = hostOf(nodes.get(i));
            if (host == null) {
                return peerAddress;
            }
            if (!isTrusted(host)) {
                return host;
            }
            leftmost = host;
        }
        return leftmost;
    }

    /**
     * Whether an IP literal belongs to a configured trusted proxy range.
     *
     * @param ip an IP literal (IPv6 may be in brackets), may be null
     * @return true when it is an IP literal inside a trusted range
     */
    public boolean isTrusted(String ip) {
        if (ip == null || trusted.isEmpty()) {
            return false;
        }
        String host = hostOf(ip);
        if (host == null) {
            return false;
        }
        byte[] bytes = InetAddresses.forString(host).getAddress();
        for (Range r : trusted) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static List<Range> parseRanges(String config) {
        List<Range> ranges = new ArrayList<>();
        if (config == null || config.isBlank()) {
            return List.of();
        }
        int n = 0;
        for (String part : config.split(",")) {
            String entry = part.trim();
            n++;
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String ip = slash < 0 ? entry : entry.substring(0, slash).trim();
            if (ip.indexOf('%') >= 0 || !InetAddresses.isInetAddress(ip)) {
                throw invalid(n, entry);
            }
            InetAddress address = InetAddresses.forString(ip);
            byte[] bytes = address.getAddress();
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String p = entry.substring(slash + 1).trim();
                if (p.isEmpty() || p.length() > 3) {
                    throw invalid(n, entry);
                }
                for (int i = 0; i < p.length(); i++) {
                    if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                        throw invalid(n, entry);
                    }
                }
                prefix = Integer.parseInt(p);
                if (prefix > bits) {
                    throw invalid(n, entry);
                }
            }
            ranges.add(new Range(bytes, prefix));
        }
        return List.copyOf(ranges);
    }

    private static IllegalArgumentException invalid(int n, String entry) {
        return new IllegalArgumentException("forwarder.http.trusted-proxies: entry " + n + " '" + entry
                + "' is not an IP address or CIDR range (e.g. 10.0.0.1, 10.0.0.0/8, 2001:db8::/32)");
    }

    /**
     * The IP literal of a node: quotes, IPv6 brackets and a port removed. Null when the node is not
     * an IP literal ({@code unknown}, {@code _hidden}, a host name, garbage).
     */
    static String hostOf(String node) {
        if (node == null) {
            return null;
        }
        String s = node.trim();
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            s = s.substring(1, s.length() - 1).trim();
        }
        if (s.isEmpty()) {
            return null;
        }
        String host;
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0 || !isPortSuffix(s, close + 1)) {
                return null;
            }
            host = s.substring(1, close);
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && s.indexOf(':', colon + 1) < 0) {
                if (!isPortSuffix(s, colon)) {
                    return null;
                }
                host = s.substring(0, colon);       // IPv4:port
            } else {
                host = s;                           // IPv4, or bare IPv6 (tolerated)
            }
        }
        if (host.isEmpty() || host.indexOf('%') >= 0 || !InetAddresses.isInetAddress(host)) {
            return null;
        }
        return host;
    }

    /** True when s from index i is empty or ':' followed by 1-5 digits. */
    private static boolean isPortSuffix(String s, int i) {
        if (i == s.length()) {
            return true;
        }
        if (s.charAt(i) != ':' || s.length() - i - 1 < 1 || s.length() - i - 1 > 5) {
            return false;
        }
        for (int k = i + 1; k < s.length(); k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The {@code for=} value of each element of an RFC 7239 {@code Forwarded} header, in order; an
     * element without {@code for=} contributes an empty string (unreadable node); empty elements are
     * skipped. Quoted strings may
     * contain {@code , ; =} and backslash escapes. Null when the header is malformed.
     */
    static List<String> forwardedFor(String header) {
        List<String> out = new ArrayList<>();
        String forValue = null;
        StringBuilder name = new StringBuilder();
        StringBuilder value = new StringBuilder();
        boolean inValue = false;
        boolean quoted = false;
        boolean pairs = false;
        int len = header.length();
        for (int i = 0; i <= len; i++) {
            char c = i < len ? header.charAt(i) : ',';
            if (quoted) {
                if (c == '\\' && i + 1 < len) {
                    value.append(header.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else if (i == len) {
                    return null;                    // unterminated quote
                } else {
                    value.append(c);
                }
                continue;
            }
            if (c == ';' || c == ',') {
                if (inValue) {
                    pairs = true;
                    if (name.toString().trim().equalsIgnoreCase("for")) {
                        forValue = value.toString().trim();
                    }
                } else if (!name.toString().isBlank()) {
                    return null;                    // a pair without '='
                }
                name.setLength(0);
                value.setLength(0);
                inValue = false;
                if (c == ',') {
                    if (pairs) {                    // empty list elements are ignored (RFC 9110 §5.6.1)
                        out.add(forValue == null ? "" : forValue);
                    }
                    forValue = null;
                    pairs = false;
                }
            } else if (c == '=' && !inValue) {
                inValue = true;
            } else if (c == '"' && inValue && value.toString().isBlank()) {
                quoted = true;
            } else if (inValue) {
                value.append(c);
            } else {
                name.append(c);
            }
        }
        return out;
    }
}
