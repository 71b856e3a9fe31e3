package io.github.ttforwarder.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

import io.github.ttforwarder.ingest.InboundBodyReader;
import io.github.ttforwarder.ingest.MalformedRequestException;
import io.github.ttforwarder.ingest.RequestContextExtractor;
import io.github.ttforwarder.mapping.TikTokEventRoutes;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.OutboundEvent;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The rules' admin endpoints on the management interface:
 * <ul>
 * <li>{@code GET /admin/rules} → 200 {@code {"rules":[{"id","file","mode","condition","event"}],
 *     "problems":{"<file>":["<file>:<line>: ..."]}}}: the active rules (mode {@code compiled} or {@code route})
 *     and what the last load of each file reported;</li>
 * <li>{@code POST /admin/preview?endpoint=/events} (any ingest path, default {@code /events}; body as that endpoint
 *     takes it) → 200 {@code {"endpoint","received","events":[{"index","event_type","status","rules":[{"rule","file",
 *     "result","detail"}],"tiktok":[{"pixel","test_event_code","event"}],"warnings","rejections"}]}}: what the rules
 *     would do, with the exact (hashed) TikTok events — nothing is sent, deduplicated or dead-lettered. A body the
 *     endpoint would refuse → 400 problem+json.</li>
 * </ul>
 */
@ApplicationScoped
public class RuleAdmin {

    private static final Logger LOG = Logger.getLogger(RuleAdmin.class);
    private static final int MAX_BODY = 1024 * 1024;

    @Inject
    RuleRegistry registry;
    @Inject
    RuleFiles files;
    @Inject
    RuleEngine engine;
    @Inject
    RequestContextExtractor requestContext;
    @Inject
    InboundBodyReader bodyReader;
    @Inject
    CamelContext camel;
    @Inject
    ObjectMapper mapper;

    void init(@Observes ManagementInterface mi) {
        mi.router().get("/admin/rules").blockingHandler(this::rules);
        mi.router().post("/admin/preview").handler(BodyHandler.create().setBodyLimit(MAX_BODY)).blockingHandler(this::preview);
    }

    void rules(RoutingContext rc) {
        ObjectNode out = mapper.createObjectNode();
        ArrayNode rules = out.putArray("rules");
        for (RuleRegistry.Rule r : registry.rules()) {
            ObjectNode n = rules.addObject();
            n.put("id", r.id());
            n.put("file", r.file());
            n.put("mode", r.mode());
            n.put("condition", r.condition());
            n.put("event", r.event());
        }
        ObjectNode problems = out.putObject("problems");
        for (Map.Entry<String, List<RuleProblem>> e : files.problems().entrySet()) {
            if (!e.getValue().isEmpty()) {
                ArrayNode a = problems.putArray(e.getKey());
                e.getValue().forEach(p -> a.add(p.toString()));
            }
        }
        json(rc, 200, out);
    }

    @SuppressWarnings("unchecked")
    void preview(RoutingContext rc) {
        String endpoint = rc.request().getParam("endpoint");
        if (endpoint == null || endpoint.isBlank()) {
            endpoint = "/events";
        }
        Exchange request = new DefaultExchange(camel);
        request.getMessage().setHeader(Exchange.HTTP_URI, endpoint);
        rc.request().headers().forEach(h -> {
            if (h.getKey().equalsIgnoreCase("User-Agent") || h.getKey().equalsIgnoreCase("Cookie")) {
                request.getMessage().setHeader(h.getKey(), h.getValue());
            }
        });
        request.getMessage().setBody(rc.body() == null || rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
        try {
            requestContext.process(request);
            bodyReader.process(request);
        } catch (MalformedRequestException e) {
            problem(rc, 400, e.getMessage());
            return;
        } catch (RuntimeException e) {
            problem(rc, 400, "the body cannot be read as " + endpoint + " takes it: " + RuleEngine.describe(e));
            return;
        }
        List<InboundEvent> events = request.getMessage().getBody(List.class);
        List<EventOutcome> readerRejected = new ArrayList<>(request.getProperty(Headers.OUTCOMES, List.class));
        Exchange work = new DefaultExchange(camel);
        List<Object> sent = new ArrayList<>();
        List<RuleEngine.RuleRun> trace = RuleEngine.newTrace();
        work.setProperty(TikTokEventRoutes.PREVIEW, sent);
        work.setProperty(RuleEngine.TRACE, trace);
        ObjectNode out = mapper.createObjectNode();
        out.put("endpoint", endpoint);
        out.put("received", events.size() + readerRejected.size());
        out.put("sent", false);
        List<ObjectNode> items = new ArrayList<>();
        for (InboundEvent event : events) {
            sent.clear();
            trace.clear();
            EventOutcome outcome = engine.offer(work, event);
            ObjectNode n = mapper.valueToTree(outcome);
            n.put("index", outcome.getIndex());
            n.put("status", mapper.valueToTree(outcome.getStatus()).asText());
            n.set("rules", mapper.valueToTree(trace));
            ArrayNode tiktok = n.putArray("tiktok");
            for (Object o : sent) {
                OutboundEvent e = (OutboundEvent) o;
                ObjectNode t = tiktok.addObject();
                t.put("pixel", e.pixel());
                if (e.testEventCode() != null) {
                    t.put("test_event_code", e.testEventCode());
                }
                t.set("event", e.event());
            }
            items.add(n);
        }
        for (EventOutcome o : readerRejected) {
            ObjectNode n = mapper.valueToTree(o);
            n.put("index", o.getIndex());
            n.put("status", mapper.valueToTree(o.getStatus()).asText());
            items.add(n);
        }
        items.sort(java.util.Comparator.comparingInt(n -> n.path("index").asInt()));
        out.putArray("events").addAll(items);
        json(rc, 200, out);
    }

    private void json(RoutingContext rc, int status, Object body) {
        try {
            rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(mapper.writeValueAsString(body));
        } catch (Exception e) {
            LOG.errorf("Admin answer could not be written: %s", RuleEngine.describe(e));
            rc.response().setStatusCode(500).end();
        }
    }

    private void problem(RoutingContext rc, int status, String detail) {
        ObjectNode p = mapper.createObjectNode();
        p.put("type", "about:blank");
        p.put("title", "Bad Request");
        p.put("status", status);
        p.put("detail", detail);
        try {
            rc.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                    .end(mapper.writeValueAsString(p));
        } catch (Exception e) {
            rc.response().setStatusCode(status).end();
        }
    }
}
