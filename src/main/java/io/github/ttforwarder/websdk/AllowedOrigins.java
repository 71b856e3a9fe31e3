package io.github.ttforwarder.websdk;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The browser origins allowed to call the forwarder's {@code /ee/*} endpoints (setting
 * {@code forwarder.websdk.allowed-origins} / {@code FORWARDER_WEBSDK_ALLOWED_ORIGINS}): the one place where
 * origins are parsed and matched.
 *
 * <p>Entries are comma-separated full origins, {@code scheme://host[:port]} ({@code https://www.example.com},
 * {@code http://localhost:3000}); a default port is the same as none ({@code https://a.com:443} =
 * {@code https://a.com}); a trailing {@code /} is ignored; scheme and host are case-insensitive. A host
 * {@code *.example.com} matches every subdomain of {@code example.com} (not {@code example.com} itself) with
 * that scheme and port. {@code *} alone is refused: with credentials a browser accepts only the exact origin.
 * An invalid entry fails start-up with an {@link IllegalArgumentException} naming it. Empty: no origin is allowed.
 */
public final class AllowedOrigins {

    private record Entry(String scheme, String host, int port, boolean wildcard) {
        boolean matches(Origin o) {
            if (!scheme.equals(o.scheme) || port != o.port) {
                return false;
            }
            return wildcard ? o.host.endsWith("." + host) : host.equals(o.host);
        }
    }

    private record Origin(String scheme, String host, int port) {
    }

    private final List<Entry> entries;

    /**
     * @param config comma-separated origins; null or blank for none
     * @throws IllegalArgumentException naming the first entry that is not an origin
     */
    public AllowedOrigins(String config) {
        List<Entry> list = new ArrayList<>();
        if (config != null) {
            for (String part : config.split(",")) {
                String entry = part.trim();
                if (entry.isEmpty()) {
                    continue;
                }
                boolean wildcard = entry.contains("://*.");
                Origin o = parse(wildcard ? entry.replace("://*.", "://") : entry);
                if (o == null) {
                    throw new IllegalArgumentException("forwarder.websdk.allowed-origins: '" + entry
                            + "' is not an origin (scheme://host[:port], e.g. https://www.example.com or https://*.example.com)");
                }
                list.add(new Entry(o.scheme, o.host, o.port, wildcard));
            }
        }
        this.entries = List.copyOf(list);
    }

    /** @return true when no origin is configured. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * @param origin the request's {@code Origin} header, may be null
     * @return true when it is a well-formed origin that an entry matches ({@code null} and {@code "null"} never are)
     */
    public boolean allows(String origin) {
        if (origin == null || entries.isEmpty()) {
            return false;
        }
        Origin o = parse(origin.trim());
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

    /** An origin's parts (port made explicit), or null when the text is not {@code http(s)://host[:port][/]}. */
    private static Origin parse(String text) {
        if (text.isEmpty() || text.length() > 300) {
            return null;
        }
        String t = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            return null;
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return null;
        }
        int port = uri.getPort() == -1 ? ("https".equals(scheme) ? 443 : 80) : uri.getPort();
        return new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port);
    }
}
