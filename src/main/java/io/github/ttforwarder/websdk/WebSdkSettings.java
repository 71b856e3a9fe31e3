package io.github.ttforwarder.websdk;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

import io.github.ttforwarder.delivery.Durations;
import io.quarkus.runtime.Startup;

/**
 * The Web SDK edge's settings ({@code forwarder.websdk.*}, see docs/websdk.md). Read once; an invalid value fails
 * start-up naming the key.
 *
 * <ul>
 * <li>{@code allowed-origins}: see {@link AllowedOrigins}</li>
 * <li>{@code org-id}: the Adobe org id ({@code ...@AdobeOrg}) for datastreams without their own;
 *     {@code datastreams.<configId>.org-id}: per datastream</li>
 * <li>{@code upstream}: Adobe Edge base URL to relay every request to (empty: the forwarder answers itself);
 *     {@code datastreams.<configId>.upstream}: per datastream ({@code none} turns the relay off for it);
 *     {@code upstream-timeout}: how long to wait for Adobe</li>
 * <li>{@code cookies.enabled}, {@code cookies.domain} (empty: host-only), {@code cookies.ttp-max-age},
 *     {@code cookies.ttclid-max-age}</li>
 * <li>{@code consent.default} ({@code in}/{@code out}/{@code pending}: a visitor with no consent signal),
 *     {@code consent.pending} ({@code drop} or {@code send}), {@code consent.xdm-fields} (XDM Consents fields
 *     whose {@code val} decides per event, default {@code collect,share})</li>
 * <li>{@code request-id-cache.max-entries}, {@code request-id-cache.ttl}: remembered {@code requestId}s</li>
 * </ul>
 */
@ApplicationScoped
@Startup
public class WebSdkSettings {

    private static final String P = "forwarder.websdk.";

    private final AllowedOrigins allowedOrigins;
    private final String defaultOrgId;
    private final Map<String, String> orgIds = new HashMap<>();
    private final URI defaultUpstream;
    private final Map<String, Optional<URI>> upstreams = new HashMap<>();
    private final Duration upstreamTimeout;
    private final boolean cookiesEnabled;
    private final String cookieDomain;
    private final Duration ttpMaxAge;
    private final Duration ttclidMaxAge;
    private final Consent defaultConsent;
    private final boolean sendPending;
    private final List<String> xdmConsentFields;
    private final long cacheMaxEntries;
    private final Duration cacheTtl;

    @Inject
    public WebSdkSettings(Config config) {
        allowedOrigins = new AllowedOrigins(text(config, "allowed-origins", ""));
        defaultOrgId = text(config, "org-id", "");
        defaultUpstream = upstream("upstream", text(config, "upstream", ""));
        upstreamTimeout = Durations.parse(P + "upstream-timeout", text(config, "upstream-timeout", "10s"));
        for (String key : config.getPropertyNames()) {
            if (!key.startsWith(P + "datastreams.")) {
                continue;
            }
            String rest = key.substring((P + "datastreams.").length());
            int dot = rest.lastIndexOf('.');
            if (dot <= 0) {
                continue;
            }
            String configId = rest.substring(0, dot).replace("\"", "");
            String value = config.getOptionalValue(key, String.class).orElse("").trim();
            switch (rest.substring(dot + 1)) {
                case "org-id" -> orgIds.put(configId, value);
                case "upstream" -> upstreams.put(configId, value.equalsIgnoreCase("none")
                        ? Optional.empty() : Optional.ofNullable(upstream(key.substring(P.length()), value)));
                default -> {
                }
            }
        }
        cookiesEnabled = Boolean.parseBoolean(text(config, "cookies.enabled", "true"));
        String domain = text(config, "cookies.domain", "");
        cookieDomain = domain.startsWith(".") ? domain.substring(1) : domain;
        ttpMaxAge = Durations.parse(P + "cookies.ttp-max-age", text(config, "cookies.ttp-max-age", "395d"));
        ttclidMaxAge = Durations.parse(P + "cookies.ttclid-max-age", text(config, "cookies.ttclid-max-age", "7d"));
        String def = text(config, "consent.default", "in");
        defaultConsent = Consent.of(def);
        if (defaultConsent == null) {
            throw new IllegalArgumentException(P + "consent.default: '" + def + "' is not in, out or pending");
        }
        String pending = text(config, "consent.pending", "drop").toLowerCase(Locale.ROOT);
        if (!pending.equals("drop") && !pending.equals("send")) {
            throw new IllegalArgumentException(P + "consent.pending: '" + pending + "' is not drop or send");
        }
        sendPending = pending.equals("send");
        List<String> fields = new ArrayList<>();
        Arrays.stream(text(config, "consent.xdm-fields", "collect,share").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).forEach(fields::add);
        xdmConsentFields = List.copyOf(fields);
        cacheMaxEntries = Long.parseLong(text(config, "request-id-cache.max-entries", "20000"));
        cacheTtl = Durations.parse(P + "request-id-cache.ttl", text(config, "request-id-cache.ttl", "5m"));
    }

    private static String text(Config config, String key, String fallback) {
        return config.getOptionalValue(P + key, String.class).map(String::trim).orElse(fallback);
    }

    private static URI upstream(String key, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            URI uri = URI.create(v);
            if (uri.getHost() == null || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException("no http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(P + key + ": '" + value + "' is not an http(s) base URL (e.g. https://edge.adobedc.net)");
        }
    }

    public AllowedOrigins allowedOrigins() {
        return allowedOrigins;
    }

    /** @return the configured org id of a datastream (or the default one), or null when none is configured. */
    public String orgId(String configId) {
        String org = configId == null ? null : orgIds.get(configId);
        if (org == null || org.isBlank()) {
            org = defaultOrgId;
        }
        return org == null || org.isBlank() ? null : org;
    }

    /** @return the Adobe Edge base URL to relay a datastream's requests to, or null when the forwarder answers itself. */
    public URI upstream(String configId) {
        if (configId != null && upstreams.containsKey(configId)) {
            return upstreams.get(configId).orElse(null);
        }
        return defaultUpstream;
    }

    public Duration upstreamTimeout() {
        return upstreamTimeout;
    }

    public boolean cookiesEnabled() {
        return cookiesEnabled;
    }

    /** @return the cookie domain without a leading dot, or empty for host-only cookies. */
    public String cookieDomain() {
        return cookieDomain;
    }

    public Duration ttpMaxAge() {
        return ttpMaxAge;
    }

    public Duration ttclidMaxAge() {
        return ttclidMaxAge;
    }

    public Consent defaultConsent() {
        return defaultConsent;
    }

    public boolean sendPending() {
        return sendPending;
    }

    public List<String> xdmConsentFields() {
        return xdmConsentFields;
    }

    public long cacheMaxEntries() {
        return cacheMaxEntries;
    }

    public Duration cacheTtl() {
        return cacheTtl;
    }
}
