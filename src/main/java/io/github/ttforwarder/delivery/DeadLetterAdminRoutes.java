package io.github.ttforwarder.delivery;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Admin HTTP endpoints for dead letters (Camel platform-http):
 * <ul>
 * <li>{@code GET /admin/dead-letters?reason=&from=&to=&pixel=&limit=} → 200
 *     {@code {"count":n,"dead_letters":[<dead-letter lines>]}} (not yet replayed ones; {@code limit} default 100,
 *     0 = all);</li>
 * <li>{@code POST /admin/dead-letters/replay?reason=&from=&to=&pixel=&dry=} → 200 {@code {"matched":n,"replayed":n}}.</li>
 * </ul>
 * {@code reason}: substring of the reason code/message/source (e.g. {@code 40002}); {@code from}/{@code to}: ISO 8601
 * (inclusive/exclusive); {@code pixel}: name or code. A bad parameter answers 400 {@code {"error":"..."}}; other
 * errors 500 with a short message — never a stack trace. These endpoints have no authentication of their own:
 * expose them only on a trusted network.
 */
@ApplicationScoped
public class DeadLetterAdminRoutes extends RouteBuilder {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    DeadLetterStore store;

    @Inject
    DeadLetterReplayer replayer;

    /** Builds the routes dead-letters-list and dead-letters-replay (see the class doc). */
    @Override
    public void configure() {
        onException(IllegalArgumentException.class).handled(true)
                .process(e -> error(e, 400));
        onException(Exception.class).handled(true)
                .process(e -> error(e, 500));

        from("platform-http:/admin/dead-letters?httpMethodRestrict=GET").routeId("dead-letters-list").startupOrder(50)
                .process(this::list).id("list-dead-letters");

        from("platform-http:/admin/dead-letters/replay?httpMethodRestrict=POST").routeId("dead-letters-replay")
                .startupOrder(51)
                .process(this::replay).id("replay-dead-letters");
    }

    private static DeadLetterFilter filter(Exchange e) {
        return DeadLetterFilter.of(param(e, "reason"), param(e, "from"), param(e, "to"), param(e, "pixel"));
    }

    private static String param(Exchange e, String name) {
        return e.getIn().getHeader(name, String.class);
    }

    private void list(Exchange e) throws Exception {
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

    private void replay(Exchange e) throws Exception {
        boolean dry = "true".equalsIgnoreCase(param(e, "dry"));
        DeadLetterReplayer.Result r = replayer.replay(filter(e), dry);
        ObjectNode out = MAPPER.createObjectNode();
        out.put("matched", r.matched());
        out.put("replayed", r.replayed());
        respond(e, 200, MAPPER.writeValueAsString(out));
    }

    private static void error(Exchange e, int status) throws Exception {
        Throwable t = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String msg = status == 400 && t != null ? t.getMessage() : "internal error";
        if (status != 400) {
            org.jboss.logging.Logger.getLogger(DeadLetterAdminRoutes.class).errorf("Dead-letter admin request failed: %s",
                    t == null ? "?" : t.toString());
        }
        ObjectNode out = MAPPER.createObjectNode();
        out.put("error", msg);
        respond(e, status, MAPPER.writeValueAsString(out));
    }

    private static void respond(Exchange e, int status, String json) {
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(json);
    }
}
