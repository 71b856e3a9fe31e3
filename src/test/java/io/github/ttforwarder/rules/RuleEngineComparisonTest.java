package io.github.ttforwarder.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.ingest.InboundBodyReader;
import io.github.ttforwarder.mapping.TikTokEventRoutes;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.RequestContext;
import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Old versus new execution on every fixture and every plain case: each event through the compiled plans on one
 * exchange ({@link RuleEngine}) and through the old model (every rule a Camel route on its own copy of the
 * exchange, as the recipient list did). The TikTok events (exact JSON, hashes included) and the outcomes (sent,
 * rejections, warnings) must be identical. Besides the shipped rules, a set of rules using every compiled step
 * kind (filter, choice, setHeader from simple/jsonpath/constant, setProperty, removeHeader, stop) takes part.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
class RuleEngineComparisonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CamelContext camel;
    @Inject
    RuleEngine engine;
    @Inject
    RuleRegistry registry;
    @Inject
    RuleInputPreparer input;
    @Inject
    InboundBodyReader reader;

    @Test
    void compiledPlansAndRoutesGiveIdenticalResults() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:cmp-rich").routeId("cmp-rich").group(RuleRegistry.GROUP)
                        .setProperty("cmpSeen", constant("yes"))
                        .choice()
                            .when(simple("${header.ForwarderInputFormat} == 'plain'"))
                                .setHeader("tiktok.event", simple("Cmp${body[event]}"))
                                .setHeader("tiktok.properties.description", simple("plain ${exchangeProperty.cmpSeen}"))
                            .when(simple("${header.ForwarderEventType} contains 'commerce'"))
                                .setHeader("tiktok.event", constant("CmpCommerce"))
                                .setHeader("tiktok.properties.query", expression().jsonpath().expression("$.xdm.eventType").suppressExceptions(true).end())
                                .setHeader("tiktok.user.email", simple("${body[xdm]?[_myorg]?[email]}"))
                                .setHeader("tiktok.properties.content_name", simple("${body[xdm]?[commerce]?[order]?[purchaseID]}"))
                            .otherwise()
                                .setHeader("tiktok.event", constant("CmpOther"))
                                .setHeader("tiktok.page.url", simple("${body[xdm]?[web]?[webPageDetails]?[URL]}"))
                        .end()
                        .setHeader("tiktok.scratch", constant("x"))
                        .removeHeader("tiktok.scratch")
                        .to("direct:tiktok-event");
                from("direct:cmp-stop").routeId("cmp-stop").group(RuleRegistry.GROUP)
                        .filter(simple("${header.ForwarderEventType} != null"))
                            .setHeader("tiktok.event", constant("CmpStop"))
                            .stop()
                        .end()
                        .setHeader("tiktok.event", constant("CmpNoType"))
                        .to("direct:tiktok-event");
            }
        });
        try {
            RuleFolder.await("comparison rules active", () -> registry.find("cmp-stop") != null);
            assertEquals("compiled", registry.find("cmp-rich").mode());
            for (RuleRegistry.Rule r : registry.rules()) {
                assertEquals("compiled", r.mode(), r.id() + " is compiled");
            }
            int events = 0;
            int tiktok = 0;
            for (Input in : inputs()) {
                RequestContext ctx = new RequestContext("cmp-" + in.name, in.endpoint, "198.51.100.7", "Cmp/1.0", "ttp-cookie", 1741945460L);
                List<InboundEvent> read;
                try {
                    read = reader.read(in.body, ctx).events();
                } catch (io.github.ttforwarder.ingest.MalformedRequestException e) {
                    continue; // refused before any rule (same in both models)
                }
                for (InboundEvent event : read) {
                    Result a = compiled(event);
                    Result b = routes(event);
                    assertEquals(b.outcome, a.outcome, in.name + " #" + event.index() + ": outcome");
                    assertEquals(b.sent, a.sent, in.name + " #" + event.index() + ": TikTok events");
                    events++;
                    tiktok += a.sent.size();
                }
            }
            System.out.printf("COMPARISON: %d events, %d TikTok events, compiled == routes on all%n", events, tiktok);
            assertTrue(events >= 50, "fixtures and cases were read: " + events);
        } finally {
            for (String id : List.of("cmp-rich", "cmp-stop")) {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            }
        }
    }

    record Input(String name, String endpoint, byte[] body) {
    }

    record Result(JsonNode outcome, List<JsonNode> sent) {
    }

    private Result compiled(InboundEvent event) {
        Exchange work = new DefaultExchange(camel);
        List<Object> sent = new ArrayList<>();
        work.setProperty(TikTokEventRoutes.PREVIEW, sent);
        EventOutcome o = engine.offer(work, event);
        return new Result(JSON.valueToTree(o), json(sent));
    }

    /** The old model: every rule's route on its own copy of the event's exchange. */
    private Result routes(InboundEvent event) throws Exception {
        Exchange ex = new DefaultExchange(camel);
        List<Object> sent = new ArrayList<>();
        ex.setProperty(TikTokEventRoutes.PREVIEW, sent);
        ex.getMessage().setBody(event);
        input.process(ex);
        ProducerTemplate p = camel.createProducerTemplate();
        for (RuleRegistry.Rule r : registry.rules()) {
            Exchange copy = ex.copy();
            copy.setProperty(Headers.RULE_ID, r.id());
            p.send(r.endpoint(), copy);
            if (copy.getException() != null) {
                throw copy.getException();
            }
        }
        p.close();
        return new Result(JSON.valueToTree(ex.getProperty(Headers.OUTCOME, EventOutcome.class)), json(sent));
    }

    private static List<JsonNode> json(List<Object> sent) {
        List<JsonNode> out = new ArrayList<>();
        for (Object o : sent) {
            out.add(JSON.valueToTree(o));
        }
        return out;
    }

    private List<Input> inputs() throws Exception {
        List<Input> out = new ArrayList<>();
        JsonNode table = JSON.readTree(resource("/fixture-outcomes.json"));
        for (JsonNode row : table.path("fixtures")) {
            String file = row.path("file").asText();
            byte[] raw = resource("/fixtures/" + file);
            if (file.startsWith("websdk/")) {
                JsonNode captured = JSON.readTree(raw);
                out.add(new Input(file, captured.path("url").asText(), captured.path("body").toString().getBytes(StandardCharsets.UTF_8)));
            } else {
                out.add(new Input(file, row.path("endpoint").asText(), raw));
            }
        }
        for (JsonNode c : JSON.readTree(resource("/fixtures/cases/plain-event-cases.json")).path("cases")) {
            out.add(new Input("case " + c.path("id").asText(), "/events", c.path("input").toString().getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private byte[] resource(String path) throws Exception {
        try (InputStream in = getClass().getResourceAsStream(path)) {
            assertNotNull(in, path);
            return in.readAllBytes();
        }
    }
}
