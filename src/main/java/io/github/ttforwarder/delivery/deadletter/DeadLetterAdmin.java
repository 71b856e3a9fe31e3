package io.github.ttforwarder.delivery.deadletter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;

/**
 * Admin endpoints for dead letters, on the Quarkus management interface ({@code quarkus.management.port},
 * loopback by default; plain Vert.x handlers, blocking work off the event loop):
 * <ul>
 * <li>{@code GET /admin/dead-letters?reason=&from=&to=&pixel=&kind=&limit=} → 200
 *     {@code {"count":n,"dead_letters":[<dead-letter lines>]}} (neither replayed nor discarded; {@code limit}
 *     default 100, 0 = all);</li>
 * <li>{@code POST /admin/dead-letters/replay?reason=&from=&to=&pixel=&kind=&dry=} → 200
 *     {@code {"matched","replayed","failed","skipped","dead_letters":[{"id","kind","reason","result","events":
 *     [{"pixel","pixel_code","event","event_id","test_event_code"}],"problems"}]}} — no filter replays everything
 *     replayable; {@code dry=true} sends nothing and lists what would be sent, per dead letter, with its pixel
 *     (see {@link DeadLetterReplayer});</li>
 * <li>{@code POST /admin/dead-letters/discard?reason=&from=&to=&pixel=&kind=[&all=true]} → 200
 *     {@code {"discarded":n,"ids":[…]}}: matching letters are no longer listed or replayed (their ids go to
 *     {@code discarded-ids.txt}; the lines stay on disk). Without any filter {@code all=true} is required.</li>
 * </ul>
 * Filters: {@link DeadLetterFilter}. A bad parameter answers 400 problem+json; other errors 500 problem+json with
 * a short message — never a stack trace. Authentication is the management interface's (issue 10).
 */
@ApplicationScoped
public class DeadLetterAdmin {

    private static final Logger LOG = Logger.getLogger(DeadLetterAdmin.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    DeadLetterStore store;

    @Inject
    DeadLetterReplayer replayer;

    void init(@Observes ManagementInterface mi) {
        mi.router().get("/admin/dead-letters").blockingHandler(rc -> handle(rc, this::list));
        mi.router().post("/admin/dead-letters/replay").blockingHandler(rc -> handle(rc, this::replay));
        mi.router().post("/admin/dead-letters/discard").blockingHandler(rc -> handle(rc, this::discard));
    }

    private interface Handler {
        Object apply(RoutingContext rc) throws Exception;
    }

    private void handle(RoutingContext rc, Handler h) {
        try {
            send(rc, 200, "application/json", h.apply(rc));
        } catch (IllegalArgumentException e) {
            problem(rc, 400, "Bad Request", e.getMessage());
        } catch (Exception e) {
            LOG.errorf("Dead-letter admin request %s failed: %s", rc.request().path(), e.getClass().getName());
            problem(rc, 500, "Internal Server Error", "the request failed: " + e.getClass().getSimpleName());
        }
    }

    private static DeadLetterFilter filter(RoutingContext rc) {
        return DeadLetterFilter.of(param(rc, "reason"), param(rc, "from"), param(rc, "to"), param(rc, "pixel"),
                param(rc, "kind"));
    }

    private static String param(RoutingContext rc, String name) {
        return rc.request().getParam(name);
    }

    private Object list(RoutingContext rc) {
        int limit = 100;
        String l = param(rc, "limit");
        if (l != null && !l.isBlank()) {
            try {
                limit = Integer.parseInt(l.trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("limit is not a number: " + l);
            }
        }
        List<DeadLetter> found = store.find(filter(rc), limit);
        ObjectNode out = MAPPER.createObjectNode();
        out.put("count", found.size());
        ArrayNode arr = out.putArray("dead_letters");
        found.forEach(d -> arr.add(d.toJson()));
        return out;
    }

    private Object replay(RoutingContext rc) {
        boolean dry = Boolean.parseBoolean(param(rc, "dry"));
        DeadLetterReplayer.Result r = replayer.replay(filter(rc), dry);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("matched", r.matched());
        out.put("replayed", r.replayed());
        out.put("failed", r.failed());
        out.put("skipped", r.skipped());
        out.put("dry", dry);
        out.put("dead_letters", r.items());
        return out;
    }

    private Object discard(RoutingContext rc) {
        DeadLetterFilter f = filter(rc);
        if (f.isEmpty() && !Boolean.parseBoolean(param(rc, "all"))) {
            throw new IllegalArgumentException("give at least one filter (reason, from, to, pixel, kind), or all=true "
                    + "to discard every dead letter");
        }
        List<String> ids = store.find(f, 0).stream().map(DeadLetter::id).toList();
        store.markDiscarded(ids);
        LOG.infof("Discarded %d dead letter(s)", ids.size());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("discarded", ids.size());
        out.put("ids", ids);
        return out;
    }

    private static void problem(RoutingContext rc, int status, String title, String detail) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        send(rc, status, "application/problem+json", p);
    }

    private static void send(RoutingContext rc, int status, String contentType, Object body) {
        String json;
        try {
            json = MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            status = 500;
            contentType = "application/problem+json";
            json = "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500}";
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", contentType).end(json);
    }
}
