package io.github.ttforwarder.security;

import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.google.common.net.InetAddresses;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;

/**
 * Authentication of the management interface (port {@code quarkus.management.port}, default 9000, bound to
 * {@code quarkus.management.host}, default 127.0.0.1), where every non-ingest endpoint lives: {@code /admin/*},
 * health and metrics.
 *
 * <p>One router-level handler, ordered before every other route of the management router, so that admin endpoints
 * added by any module are covered without doing anything:
 * <ul>
 * <li>{@code /q/health[/live|/ready|/started|/group/<name>]}: always open (probes);</li>
 * <li>{@code /q/metrics[/...]}: like every other path unless {@code forwarder.admin.metrics-auth=false} (then open);</li>
 * <li>every other path (all of {@code /admin/*} whatever its spelling): with {@code forwarder.admin.token} set, needs
 *     {@code Authorization: Bearer <token>} (constant-time comparison), else 401 problem+json with
 *     {@code WWW-Authenticate: Bearer}.</li>
 * </ul>
 * The decision uses the router's own normalised path ({@code RoutingContext#normalizedPath}: percent-decoding of
 * unreserved characters, dot segments and {@code //} removed), so the path checked is the path routed.
 *
 * <p>Start-up: a management host that is not a loopback address without an admin token refuses to start
 * ({@link IllegalStateException} naming {@code forwarder.admin.token}; the process exits non-zero).
 */
@ApplicationScoped
public class ManagementSecurity {

    private static final Logger LOG = Logger.getLogger(ManagementSecurity.class);

    private static final Pattern HEALTH = Pattern.compile("/q/health(/(live|ready|started|well|group(/[A-Za-z0-9_.-]+)?))?/?");
    private static final Pattern METRICS = Pattern.compile("/q/metrics(/.*)?");

    private final Optional<byte[]> token;
    private final boolean metricsAuth;
    private final String host;
    private final MeterRegistry meters;

    public ManagementSecurity(@ConfigProperty(name = "forwarder.admin.token") Optional<String> token,
            @ConfigProperty(name = "forwarder.admin.metrics-auth", defaultValue = "true") boolean metricsAuth,
            @ConfigProperty(name = "quarkus.management.host", defaultValue = "127.0.0.1") String host,
            MeterRegistry meters) {
        this.token = token.map(String::trim).filter(t -> !t.isEmpty()).map(SecretCompare::digest);
        this.metricsAuth = metricsAuth;
        this.host = host;
        this.meters = meters;
    }

    /** Registers the authentication handler first on the management router; refuses an exposed port without token. */
    void init(@Observes ManagementInterface mi) {
        if (token.isEmpty() && !isLoopback(host)) {
            String msg = "Refusing to start: the management interface (admin, health, metrics) is bound to " + host
                    + " (quarkus.management.host / QUARKUS_MANAGEMENT_HOST), which is not a loopback address, and no admin "
                    + "token is set: set forwarder.admin.token (FORWARDER_ADMIN_TOKEN or FORWARDER_ADMIN_TOKEN_FILE) "
                    + "or bind it to 127.0.0.1";
            LOG.error(msg);
            throw new IllegalStateException(msg);
        }
        mi.router().route().order(-10_000).handler(this::authorize);
    }

    /** @return true when {@code host} is a loopback address (127.0.0.0/8, ::1) or {@code localhost} */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!InetAddresses.isInetAddress(h)) {
            return false;
        }
        InetAddress a = InetAddresses.forString(h);
        return a.isLoopbackAddress();
    }

    private void authorize(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (HEALTH.matcher(path).matches() || (!metricsAuth && METRICS.matcher(path).matches()) || token.isEmpty()) {
            ctx.next();
            return;
        }
        String presented = SecretCompare.bearer(ctx.request().getHeader("Authorization"));
        if (SecretCompare.matches(presented, token.get())) {
            ctx.next();
            return;
        }
        meters.counter("forwarder.admin.rejected", "reason", presented == null ? "missing_token" : "invalid_token").increment();
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"forwarder-admin\"");
        Problems.send(ctx, 401, "Unauthorized", presented == null
                ? "this endpoint needs Authorization: Bearer <forwarder.admin.token>"
                : "the admin token is not valid");
    }
}
