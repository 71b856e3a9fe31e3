package io.github.ttforwarder.websdk;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * Test-only fault injection for the browser test: {@code POST /test-faults/interact-503} arms one fault — the next
 * Web SDK {@code /v1/interact} answer is turned into {@code 503} with {@code Retry-After: 1} after the forwarder
 * processed the request (as when an answer is lost on the way back), so the SDK retries the same requestId.
 */
@ApplicationScoped
public class EdgeFaults {

    private final AtomicInteger interact503 = new AtomicInteger();

    void register(@Observes Router router) {
        router.post("/test-faults/interact-503").handler(rc -> {
            interact503.incrementAndGet();
            rc.response().setStatusCode(204).end();
        });
        router.route().pathRegex("/ee(/[^/]+)?/v1/interact").order(-999_000).handler(rc -> {
            if (interact503.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                rc.addHeadersEndHandler(v -> {
                    rc.response().setStatusCode(503);
                    rc.response().putHeader("Retry-After", "1");
                });
            }
            rc.next();
        });
    }
}
