package io.github.ttforwarder.delivery;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Admin HTTP endpoints for dead letters, on the management interface (port {@code quarkus.management.port}):
 * <ul>
 * <li>{@code GET /admin/dead-letters?reason=&from=&to=&pixel=&limit=} → 200
 *     {@code {"count":n,"dead_letters":[<dead-letter lines>]}} (not yet replayed ones; {@code limit} default 100,
 *     0 = all);</li>
 * <li>{@code POST /admin/dead-letters/replay?reason=&from=&to=&pixel=&dry=} → 200 {@code {"matched":n,"replayed":n}}.</li>
 * </ul>
 * {@code reason}: substring of the reason code/message/source (e.g. {@code 40002}); {@code from}/{@code to}: ISO 8601
 * (inclusive/exclusive); {@code pixel}: name or code. A bad parameter answers 400 {@code {"error":"..."}}; other
 * errors 500 with a short message — never a stack trace. Authentication ({@code forwarder.admin.token}) is done for
 * every management path by {@code security.ManagementSecurity}.
 */
@ApplicationScoped
public class DeadLetterAdminRoutes {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    DeadLetterStore store;

    @Inject
    DeadLetterReplayer replayer;

    /** Registers GET /admin/dead-letters and POST /admin/dead-letters/replay (see the class doc). */
    void init(@Observes ManagementInterface mi) {
        mi.router().get("/admin/dead-letters").blockingHandler(e -> handle(e, this::list));
        mi.router().post("/admin/dead-letters/replay").blockingHandler(e -> handle(e, this::replay));
    }

    private interface Action {
        void run(RoutingContext e) throws Exception;
    }

    private static void handle(RoutingContext e, Action action) {
        try {
            action.run(e);
        } catch (IllegalArgumentException ex) {
            error(e, 400, ex);
        } catch (Exception ex) {
            error(e, 500, ex);
        }
    }

    private static DeadLetterFilter filter(RoutingContext e) {
        return DeadLetterFilter.of(param(e, "reason"), param(e, "from"), param(e, "to"), param(e, "pixel"));
    }

    private static String param(RoutingContext e, String name) {
        return e.request().getParam(name);
    }

    private void list(RoutingContext e) throws Exception {
        int limit = 100;
        String l = param(e, "limit");
        if (l != null && !l.isBlank()) {
            try {
                limit = Integer.parseInt(l.trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("limit is not a number: " + l);
            }
        }
        List<DeadLetter> found = store.find(filter(e), limit);
        ObjectNode out = MAPPER.createObjectNode();
        out.put("count", found.size());
        ArrayNode arr = out.putArray("dead_letters");
        found.forEach(d -> arr.add(d.toJson()));
        respond(e, 200, MAPPER.writeValueAsString(out));
    }

    private void replay(RoutingContext e) throws Exception {
        boolean dry = "true".equalsIgnoreCase(param(e, "dry"));
        DeadLetterReplayer.Result r = replayer.replay(filter(e), dry);
        ObjectNode out = MAPPER.createObjectNode();
        out.put("matched", r.matched());
        out.put("replayed", r.replayed());
        respond(e, 200, MAPPER.writeValueAsString(out));
    }

    private static void error(RoutingContext e, int status, Throwable t) {
        String msg = status == 400 && t != null ? t.getMessage() : "internal error";
        if (status != 400) {
            org.jboss.logging.Logger.getLogger(DeadLetterAdminRoutes.class).errorf("Dead-letter admin request failed: %s",
                    t == null ? "?" : t.toString());
        }
        ObjectNode out = MAPPER.createObjectNode();
        out.put("error", msg);
        respond(e, status, out.toString());
    }

    private static void respond(RoutingContext e, int status, String json) {
        e.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }
}
