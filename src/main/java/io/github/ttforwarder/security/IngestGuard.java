package io.github.ttforwarder.security;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.InetAddresses;

import io.github.ttforwarder.delivery.Durations;
import io.github.ttforwarder.ingest.ClientIpResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.net.SocketAddress;

/**
 * First step of every HTTP ingest route: decides whether a request may enter, before anything of it is read.
 *
 * <ul>
 * <li><b>Server endpoints</b> ({@code /events}, {@code /ee/v2/collect}, {@code /ee/v2/interact}): with ingest keys
 *     configured ({@link IngestKeys}) a request needs a key or a valid signature within
 *     {@code forwarder.ingest.signature-window} (default 5m), else 401 problem+json. Rate limit per source (the key's
 *     name; per client IP when no key is configured): {@code forwarder.ingest.rate-limit.server.*}.</li>
 * <li><b>Browser endpoints</b> ({@code /ee[/{hint}]/v1/*}): no key (a browser cannot keep a secret); the
 *     {@code Origin} — without Origin the {@code Referer} — must be on {@code forwarder.websdk.allowed-origins}
 *     ({@link AllowedOrigins}), else 403 problem+json. Rate limit per client IP (IPv6: per /64) —
 *     {@code forwarder.ingest.rate-limit.browser.*}; the client IP comes from {@link ClientIpResolver}, so a
 *     {@code X-Forwarded-For} from a peer that is not a trusted proxy never selects another bucket.</li>
 * </ul>
 * Over the limit: 429 problem+json with {@code Retry-After} (seconds). Every rejection is counted
 * ({@code forwarder.ingest.rejected{reason,kind}}), the route stops, and nothing of the request reaches the rules or
 * TikTok. Answers never echo the request.
 */
@ApplicationScoped
@Named("ingestGuard")
public class IngestGuard {

    private static final Logger LOG = Logger.getLogger(IngestGuard.class);
    private static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";
    private static final String KEYS_PREFIX = "forwarder.ingest.keys.";
    private static final String KEYS_ENV_PREFIX = "FORWARDER_INGEST_KEYS_";

    private final IngestKeys keys;
    private final AllowedOrigins origins;
    private final RateLimiter browserLimit;
    private final RateLimiter serverLimit;
    private final long signatureWindowSeconds;
    private final ClientIpResolver ipResolver;
    private final MeterRegistry meters;
    private final ObjectMapper mapper;

    public IngestGuard(Config config, ClientIpResolver ipResolver, MeterRegistry meters, ObjectMapper mapper) {
        this.ipResolver = ipResolver;
        this.meters = meters;
        this.mapper = mapper;
        this.keys = new IngestKeys(readKeys(config));
        this.origins = AllowedOrigins.parse(config.getOptionalValue("forwarder.websdk.allowed-origins", String.class).orElse(""));
        this.signatureWindowSeconds = Durations.parse("forwarder.ingest.signature-window",
                config.getOptionalValue("forwarder.ingest.signature-window", String.class).orElse("5m")).toSeconds();
        long maxClients = config.getOptionalValue("forwarder.ingest.rate-limit.max-clients", Long.class).orElse(100_000L);
        this.browserLimit = limiter(config, "browser", 10, 50, maxClients);
        this.serverLimit = limiter(config, "server", 1000, 2000, maxClients);
    }

    private static RateLimiter limiter(Config config, String kind, long perSecond, long burst, long maxClients) {
        String prefix = "forwarder.ingest.rate-limit." + kind + ".";
        long ps = config.getOptionalValue(prefix + "per-second", Long.class).orElse(perSecond);
        long b = config.getOptionalValue(prefix + "burst", Long.class).orElse(burst);
        if (ps < 0 || b < 0) {
            throw new IllegalArgumentException(prefix + "per-second and burst must not be negative");
        }
        long refillSeconds = ps == 0 ? 1 : Math.max(1, (b + ps - 1) / ps);
        return new RateLimiter(ps, b == 0 ? ps : b, maxClients, Duration.ofSeconds(Math.max(60, refillSeconds * 2)));
    }

    /**
     * The ingest keys by source name, from {@code forwarder.ingest.keys.<name>} and env
     * {@code FORWARDER_INGEST_KEYS_<NAME>} ({@code _FILE} variants are resolved by {@link FileSecretsConfigSource}).
     */
    static Map<String, String> readKeys(Config config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : config.getPropertyNames()) {
            String source = null;
            if (name.startsWith(KEYS_PREFIX)) {
                source = name.substring(KEYS_PREFIX.length());
            } else if (name.startsWith(KEYS_ENV_PREFIX) && !name.endsWith("_FILE")) {
                source = name.substring(KEYS_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
            }
            if (source == null || source.isEmpty()) {
                continue;
            }
            Optional<String> value = config.getOptionalValue(name, String.class);
            if (value.isPresent() && !value.get().isBlank()) {
                out.merge(source.toLowerCase(Locale.ROOT), value.get(), (a, b) -> a.equals(b) ? a : a + "," + b);
            }
        }
        return out;
    }

    /** One WARN line when the server endpoints are open; the source names (never secrets) otherwise. */
    void logAtStart(@Observes StartupEvent event) {
        if (keys.isEmpty()) {
            LOG.warn("Ingest is open: no ingest keys are configured (forwarder.ingest.keys.<name> / FORWARDER_INGEST_KEYS_<NAME>),"
                    + " so anyone who can reach /events and /ee/v2/* can post events");
        } else {
            LOG.infof("Ingest keys required on /events and /ee/v2/*; sources: %s", String.join(", ", keys.sources()));
        }
        if (origins.isEmpty()) {
            LOG.info("Web SDK endpoints (/ee/v1/*) accept every Origin: set forwarder.websdk.allowed-origins to restrict them");
        }
    }

    /** Camel step for the server-to-server endpoints (see the class doc). */
    public void server(Exchange exchange) {
        Message m = exchange.getMessage();
        String source;
        if (keys.isEmpty()) {
            source = "ip:" + bucketKey(clientIp(m));
        } else {
            String signature = header(m, "X-Signature");
            IngestKeys.Result r = keys.check(header(m, "Authorization"), header(m, "X-Api-Key"), signature,
                    signature == null ? null : m.getBody(byte[].class), System.currentTimeMillis() / 1000, signatureWindowSeconds);
            switch (r.verdict()) {
                case OK -> source = "key:" + r.source();
                case MISSING_KEY -> {
                    reject(exchange, 401, "missing_key", "server",
                            "this endpoint needs an ingest key: Authorization: Bearer <key> or X-Api-Key: <key>", 0);
                    return;
                }
                case INVALID_KEY -> {
                    reject(exchange, 401, "invalid_key", "server", "the ingest key is not valid", 0);
                    return;
                }
                case STALE_SIGNATURE -> {
                    reject(exchange, 401, "stale_signature", "server",
                            "X-Signature: t is outside the replay window of " + signatureWindowSeconds + " s", 0);
                    return;
                }
                default -> {
                    reject(exchange, 401, "invalid_signature", "server",
                            "X-Signature is not valid: expected t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">", 0);
                    return;
                }
            }
        }
        long wait = serverLimit.acquire(source);
        if (wait > 0) {
            reject(exchange, 429, "rate_limited", "server", "too many requests; retry after " + wait + " s", wait);
        }
    }

    /** Camel step for the Web SDK (browser) endpoints (see the class doc). */
    public void browser(Exchange exchange) {
        Message m = exchange.getMessage();
        if (!origins.allowsRequest(header(m, "Origin"), header(m, "Referer"))) {
            reject(exchange, 403, "origin", "browser", "this origin may not send events to the forwarder", 0);
            return;
        }
        long wait = browserLimit.acquire("ip:" + bucketKey(clientIp(m)));
        if (wait > 0) {
            reject(exchange, 429, "rate_limited", "browser", "too many requests; retry after " + wait + " s", wait);
        }
    }

    /** @return the shared allowed-origins list ({@code forwarder.websdk.allowed-origins}) */
    public AllowedOrigins allowedOrigins() {
        return origins;
    }

    private String clientIp(Message m) {
        String peer = null;
        if (m.getHeader(REMOTE_ADDRESS) instanceof SocketAddress sa) {
            peer = sa.hostAddress();
        }
        return ipResolver.resolve(peer, header(m, "X-Forwarded-For"), header(m, "Forwarded"));
    }

    /**
     * The bucket of a client IP: the address itself for IPv4, its /64 network for IPv6 (one subscriber usually holds
     * a whole /64, so per-address buckets would be free to multiply).
     */
    static String bucketKey(String ip) {
        if (ip == null || !InetAddresses.isInetAddress(ip)) {
            return String.valueOf(ip);
        }
        InetAddress a = InetAddresses.forString(ip);
        byte[] b = a.getAddress();
        if (b.length == 16) {
            for (int i = 8; i < 16; i++) {
                b[i] = 0;
            }
            try {
                return InetAddress.getByAddress(b).getHostAddress() + "/64";
            } catch (java.net.UnknownHostException e) {
                return ip;
            }
        }
        return a.getHostAddress();
    }

    private void reject(Exchange exchange, int status, String reason, String kind, String detail, long retryAfter) {
        meters.counter("forwarder.ingest.rejected", "reason", reason, "kind", kind).increment();
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", status == 401 ? "Unauthorized" : status == 403 ? "Forbidden" : "Too Many Requests");
        p.put("status", status);
        p.put("detail", detail);
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
        if (status == 401) {
            m.setHeader("WWW-Authenticate", "Bearer realm=\"forwarder-ingest\"");
        }
        if (retryAfter > 0) {
            m.setHeader("Retry-After", String.valueOf(retryAfter));
        }
        try {
            m.setBody(mapper.writeValueAsBytes(p));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        exchange.setRouteStop(true);
    }

    private static String header(Message m, String name) {
        Object v = m.getHeader(name);
        if (v instanceof List<?> list) {
            v = list.isEmpty() ? null : list.get(0);
        }
        return v == null ? null : v.toString();
    }
}
