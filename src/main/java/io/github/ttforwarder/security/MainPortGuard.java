package io.github.ttforwarder.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.github.ttforwarder.delivery.Durations;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of the main (ingest) port's router.
 *
 * <ul>
 * <li><b>No admin on the main port.</b> A path that, however spelled, names {@code admin} or the non-application root
 *     {@code /q} — percent-encoding (also double, also {@code %2F}), {@code ..}, {@code //}, {@code ;params},
 *     backslashes, any case — is answered 404 problem+json before any route sees it. The admin endpoints are not
 *     registered on this port at all (they live on the management interface); this is defence in depth for proxies
 *     and future routes.</li>
 * <li><b>Body read deadline.</b> A request whose body is not completely received within
 *     {@code forwarder.ingest.read-timeout} (default 10 s) after its headers has its connection closed (counted as
 *     {@code forwarder.ingest.rejected{reason=read_timeout,kind=body}}). Headers that take longer than the same
 *     time from the request's first byte are cut by {@link ReadDeadline} ({@code kind=headers}).</li>
 * </ul>
 */
@ApplicationScoped
public class MainPortGuard {

    private final Vertx vertx;
    private final long readTimeoutMs;
    private final MeterRegistry meters;
    private final ReadDeadline headerDeadline;

    public MainPortGuard(Vertx vertx, MeterRegistry meters,
            @ConfigProperty(name = "forwarder.ingest.read-timeout", defaultValue = "10s") String readTimeout) {
        this.vertx = vertx;
        this.meters = meters;
        this.readTimeoutMs = Durations.parse("forwarder.ingest.read-timeout", readTimeout).toMillis();
        this.headerDeadline = new ReadDeadline(readTimeoutMs, phase -> timedOut("headers"));
    }

    private void timedOut(String phase) {
        meters.counter("forwarder.ingest.rejected", "reason", "read_timeout", "kind", phase).increment();
    }

    void init(@Observes Router router) {
        router.route().order(-10_000).handler(this::guard);
    }

    private void guard(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (isAdminOrManagementPath(req.path()) || isAdminOrManagementPath(ctx.normalizedPath())) {
            meters.counter("forwarder.ingest.rejected", "reason", "not_found", "kind", "admin_path").increment();
            Problems.send(ctx, 404, "Not Found", "no such endpoint on this port");
            return;
        }
        if (readTimeoutMs > 0) {
            io.vertx.core.http.HttpConnection connection = req.connection();
            headerDeadline.install(connection);
            headerDeadline.headersReceived(connection);
            long timer = req.isEnded() ? -1 : vertx.setTimer(readTimeoutMs, id -> {
                if (!req.isEnded()) {
                    timedOut("body");
                    connection.close();
                }
            });
            ctx.addEndHandler(v -> {
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
                headerDeadline.requestDone(connection);
            });
        }
        ctx.next();
    }

    /**
     * Whether a raw or normalised request path, canonicalised, names the admin API or the management root.
     * Canonical form: percent-decoded until stable (at most 3 rounds), backslashes as slashes, {@code ;params} cut
     * from each segment, empty and {@code .} segments dropped, {@code ..} resolved, lower-cased.
     *
     * @param path a request path (may be null)
     * @return true when any segment is {@code admin} (or starts with it) or the first segment is {@code q}
     */
    public static boolean isAdminOrManagementPath(String path) {
        if (path == null) {
            return false;
        }
        String p = path;
        for (int i = 0; i < 3 && p.indexOf('%') >= 0; i++) {
            try {
                p = URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return true;                      // undecodable: treat as hostile
            }
        }
        p = p.replace('\\', '/').toLowerCase(Locale.ROOT);
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        for (String raw : p.split("/")) {
            String s = raw;
            int semi = s.indexOf(';');
            if (semi >= 0) {
                s = s.substring(0, semi);
            }
            s = s.strip();
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(s);
        }
        if (!segments.isEmpty() && segments.peekFirst().equals("q")) {
            return true;
        }
        for (String s : segments) {
            if (s.startsWith("admin")) {
                return true;
            }
        }
        return false;
    }
}
