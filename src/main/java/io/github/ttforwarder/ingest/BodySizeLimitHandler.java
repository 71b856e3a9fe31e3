package io.github.ttforwarder.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP server refuses a body over {@code quarkus.http.limits.max-body-size} (set from
 * {@code forwarder.input.max-body-size}) before any route reads it, with a bare {@code 413}. This failure handler
 * turns that into the forwarder's RFC 7807 answer: {@code 413 application/problem+json} naming the limit
 * ({@code "limit": "forwarder.input.max-body-size"}). Other failures pass on unchanged.
 */
@ApplicationScoped
public class BodySizeLimitHandler {

    @Inject
    InputLimits limits;

    void init(@Observes Router router) {
        // Before Quarkus's own Content-Length check (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT = -2), which answers a bare 413.
        router.route().order(-3).handler(this::checkLength);
        // Chunked bodies without Content-Length: the body handler fails the request with 413 once the limit is passed.
        router.route().order(Integer.MIN_VALUE).failureHandler(this::handle);
    }

    private void checkLength(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        long n;
        try {
            n = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n > limits.maxBodyBytes()) {
            answer(ctx);
        } else {
            ctx.next();
        }
    }

    private void handle(RoutingContext ctx) {
        if (ctx.statusCode() != 413 || ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        answer(ctx);
    }

    private void answer(RoutingContext ctx) {
        JsonObject problem = new JsonObject()
                .put("type", "about:blank")
                .put("title", "Payload Too Large")
                .put("status", 413)
                .put("detail", "the body is larger than forwarder.input.max-body-size (" + limits.maxBodyBytes() + " bytes)")
                .put("limit", "forwarder.input.max-body-size");
        // The unread body is not drained: the connection is closed after the answer, as Quarkus does.
        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/problem+json")
                .putHeader("Connection", "close")
                .endHandler(v -> ctx.request().connection().close())
                .end(problem.encode());
    }
}
