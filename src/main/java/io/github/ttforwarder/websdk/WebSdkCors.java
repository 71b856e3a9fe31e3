package io.github.ttforwarder.websdk;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the Web SDK: a Vert.x filter in front of every {@code /ee/*} route, so that every answer carries the
 * headers — including the ones written by other handlers (400, 403, 413 body limit, 429, 503, beacons).
 *
 * <p>When the request's {@code Origin} is allowed ({@link AllowedOrigins}, {@code forwarder.websdk.allowed-origins}),
 * the response gets {@code Access-Control-Allow-Origin: <that origin>}, {@code Access-Control-Allow-Credentials: true}
 * and {@code Access-Control-Expose-Headers: x-request-id, x-adobe-edge, Retry-After}; every {@code /ee/*} answer gets
 * {@code Vary: Origin}. {@code OPTIONS} (a preflight, which the SDK does not send, but proxies and other clients may)
 * is answered {@code 204} here, with {@code Access-Control-Allow-Methods} and the requested headers for an allowed
 * origin. A foreign origin gets no CORS headers (the browser then hides the answer from the page).
 */
@ApplicationScoped
public class WebSdkCors {

    static final String EXPOSE = "x-request-id, x-adobe-edge, Retry-After";

    private final AllowedOrigins origins;

    public WebSdkCors(WebSdkSettings settings) {
        this.origins = settings.allowedOrigins();
    }

    void register(@Observes Router router) {
        router.route().pathRegex("/ee/.*").order(-1_000_000).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        String origin = rc.request().getHeader("Origin");
        boolean allowed = origins.allows(origin);
        rc.addHeadersEndHandler(v -> decorate(rc.response().headers(), allowed ? origin : null));
        if (rc.request().method() == HttpMethod.OPTIONS) {
            if (allowed) {
                MultiMap h = rc.response().headers();
                h.set("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
                String requested = rc.request().getHeader("Access-Control-Request-Headers");
                h.set("Access-Control-Allow-Headers", requested == null || requested.isBlank() ? "Content-Type" : requested);
                h.set("Access-Control-Max-Age", "600");
            }
            rc.response().setStatusCode(204).end();
            return;
        }
        rc.next();
    }

    /** Sets the CORS headers on a response (replacing any, e.g. a relayed Adobe answer's); origin null: only Vary. */
    static void decorate(MultiMap h, String allowedOrigin) {
        h.remove("Access-Control-Allow-Origin");
        h.remove("Access-Control-Allow-Credentials");
        h.remove("Access-Control-Expose-Headers");
        String vary = h.get("Vary");
        if (vary == null || vary.isBlank()) {
            h.set("Vary", "Origin");
        } else if (!vary.toLowerCase(java.util.Locale.ROOT).contains("origin")) {
            h.set("Vary", vary + ", Origin");
        }
        if (allowedOrigin != null) {
            h.set("Access-Control-Allow-Origin", allowedOrigin);
            h.set("Access-Control-Allow-Credentials", "true");
            h.set("Access-Control-Expose-Headers", EXPOSE);
        }
    }
}
