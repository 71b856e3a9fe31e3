package io.github.ttforwarder.security;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * RFC 7807 {@code application/problem+json} answers written straight on a Vert.x {@link RoutingContext} (the
 * management router and the main-port guard answer before any Camel route runs).
 */
public final class Problems {

    private Problems() {
    }

    /**
     * Ends the request with a problem.
     *
     * @param ctx    the request
     * @param status HTTP status (401, 403, 404, 429, ...)
     * @param title  the status' reason phrase
     * @param detail what the client should know; never quotes request data
     */
    public static void send(RoutingContext ctx, int status, String title, String detail) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .putHeader("Cache-Control", "no-store").end(new JsonObject(p).encode());
    }
}
