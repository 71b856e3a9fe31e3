package io.github.ttforwarder.security;

import java.net.IDN;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The browser origins allowed to call the Web SDK endpoints ({@code forwarder.websdk.allowed-origins}, env
 * {@code FORWARDER_WEBSDK_ALLOWED_ORIGINS}): comma-separated full origins {@code scheme://host[:port]}, e.g.
 * {@code https://shop.example.com,https://www.shop.example.com:8443}; {@code https://*.shop.example.com} allows every
 * subdomain of {@code shop.example.com} (not the domain itself) with that scheme and port. Empty: every origin.
 *
 * <p>Matching is exact on the normalised origin: scheme and host lower-cased, host in its ASCII (punycode) form, the
 * scheme's default port dropped. So {@code null} (sandboxed frames, {@code file:}), another scheme ({@code http} for an
 * {@code https} entry), another port and look-alike hosts ({@code shop.example.com.evil.test},
 * {@code evilshop.example.com}, {@code shop.example.com.}) never match. Pure and thread-safe; shared by the ingest
 * guard and the Web SDK's CORS answers.
 */
public final class AllowedOrigins {

    /** One allowed origin: scheme, host (or {@code *.suffix}), port (-1 = the scheme's default). */
    private record Entry(String scheme, String host, int port, boolean wildcard) {
        boolean matches(Origin o) {
            if (!scheme.equals(o.scheme) || port != o.port) {
                return false;
            }
            return wildcard ? o.host.endsWith("." + host) && o.host.length() > host.length() + 1 : host.equals(o.host);
        }
    }

    private record Origin(String scheme, String host, int port) {
    }

    private final List<Entry> entries;

    private AllowedOrigins(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @param config comma-separated origins; null or blank for "any origin"
     * @return the list
     * @throws IllegalArgumentException naming an entry that is not {@code scheme://host[:port]} (a path, query,
     *                                  user info or {@code null} is refused)
     */
    public static AllowedOrigins parse(String config) {
        List<Entry> entries = new ArrayList<>();
        if (config != null) {
            for (String part : config.split(",")) {
                String e = part.strip();
                if (e.endsWith("/")) {
                    e = e.substring(0, e.length() - 1);
                }
                if (e.isEmpty()) {
                    continue;
                }
                boolean wildcard = false;
                String candidate = e;
                int star = e.indexOf("://*.");
                if (star > 0) {
                    wildcard = true;
                    candidate = e.substring(0, star + 3) + e.substring(star + 5);
                }
                Origin o = origin(candidate);
                if (o == null) {
                    throw new IllegalArgumentException("forwarder.websdk.allowed-origins: '" + e
                            + "' is not an origin (scheme://host[:port], e.g. https://shop.example.com)");
                }
                entries.add(new Entry(o.scheme, o.host, o.port, wildcard));
            }
        }
        return new AllowedOrigins(entries);
    }

    /** @return true when no origin is configured (every origin is allowed) */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * @param origin an {@code Origin} header value
     * @return true when the list is empty or the origin is on it; false for {@code null}, garbage, another scheme,
     *         port or host
     */
    public boolean allows(String origin) {
        if (entries.isEmpty()) {
            return true;
        }
        Origin o = origin(origin == null ? null : origin.strip());
        if (o == null) {
            return false;
        }
        for (Entry e : entries) {
            if (e.matches(o)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decides a browser request.
     *
     * @param origin  the {@code Origin} header, may be null
     * @param referer the {@code Referer} header, read only when there is no Origin; may be null
     * @return true when allowed: the list is empty, the Origin is on it, or — without Origin — the Referer's origin is
     *         on it or there is no Referer either (a non-browser client, which no header check can stop)
     */
    public boolean allowsRequest(String origin, String referer) {
        if (entries.isEmpty()) {
            return true;
        }
        if (origin != null) {
            return allows(origin);
        }
        if (referer == null || referer.isBlank()) {
            return true;
        }
        try {
            URI u = new URI(referer.strip());
            if (u.getScheme() == null || u.getRawAuthority() == null) {
                return false;
            }
            return allows(u.getScheme() + "://" + u.getRawAuthority());
        } catch (Exception e) {
            return false;
        }
    }

    /** Parses {@code scheme://host[:port]} (nothing else); null when it is anything more or less. */
    private static Origin origin(String s) {
        if (s == null || s.isEmpty() || s.equalsIgnoreCase("null")) {
            return null;
        }
        try {
            URI u = new URI(s);
            String scheme = u.getScheme();
            String host = u.getHost();
            if (scheme == null || host == null || u.getRawUserInfo() != null || u.getRawQuery() != null
                    || u.getRawFragment() != null || (u.getRawPath() != null && !u.getRawPath().isEmpty())) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return null;
            }
            host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            int port = u.getPort();
            if ((scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)) {
                port = -1;
            }
            return new Origin(scheme, host, port);
        } catch (Exception e) {
            return null;
        }
    }
}
