package io.github.ttforwarder.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;

import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Kamelet {@code kamelets/tiktok-events-sink.kamelet.yaml} as another Camel application uses it: a plain Camel
 * context (not the forwarder's) with camel-kamelet and the YAML DSL loads the Kamelet and the shipped example route
 * from the repository's files, and sends to the RUNNING forwarder (this Quarkus test's HTTP port), which delivers to
 * the fake TikTok.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
@WithTestResource(KameletSinkTest.IngestKey.class)
class KameletSinkTest {

    /** The forwarder requires an ingest key (issue 10's {@code forwarder.ingest.keys.<name>}): the Kamelet's apiKey. */
    public static class IngestKey implements io.quarkus.test.common.QuarkusTestResourceLifecycleManager {
        @Override
        public java.util.Map<String, String> start() {
            return java.util.Map.of("forwarder.ingest.keys.camel-apps", "kamelet-secret");
        }

        @Override
        public void stop() {
        }
    }

    @TestHTTPResource("/")
    URL forwarder;

    private CamelContext appContext(String extraRoute) throws Exception {
        CamelContext ctx = new DefaultCamelContext();
        Properties p = new Properties();
        String url = forwarder.toString().replaceAll("/$", "");
        p.setProperty("forwarder.url", url);
        p.setProperty("forwarder.api-key", "kamelet-secret");
        p.setProperty("orders.period", "100");
        p.setProperty("orders.count", "1");
        ctx.getPropertiesComponent().setInitialProperties(p);
        ctx.getComponent("kamelet", KameletComponent.class).setLocation("file:kamelets");
        PluginHelper.getRoutesLoader(ctx).loadRoutes(PluginHelper.getResourceLoader(ctx)
                .resolveResource("file:kamelets/examples/orders-to-tiktok.camel.yaml"));
        if (extraRoute != null) {
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:send").to(extraRoute);
                }
            });
        }
        ctx.start();
        return ctx;
    }

    @Test
    void theExampleRouteDeliversThroughTheForwarder() throws Exception {
        TikTokFake.reset();
        try (CamelContext ctx = appContext(null)) {
            List<TikTokFake.Received> got = TikTokFake.await(r -> r.event().path("event_id").asText().startsWith("demo-"), 1,
                    Duration.ofSeconds(15));
            assertEquals(1, got.size());
            TikTokFake.Received r = got.get(0);
            assertEquals("Purchase", r.event().path("event").asText());
            assertEquals(FileDropTest.sha256("customer@example.com"), r.event().path("user").path("email").asText());
            assertEquals(TikTokFake.PIXEL, r.envelope().path("event_source_id").asText());
        }
    }

    @Test
    void anArrayWithPixelAndTestEventCodeAndAFailureWithTheProblemText() throws Exception {
        try (CamelContext ctx = appContext("kamelet:tiktok-events-sink?forwarderUrl={{forwarder.url}}&apiKey={{forwarder.api-key}}"
                + "&pixel=brand2&testEventCode=TEST123")) {
            ProducerTemplate producer = ctx.createProducerTemplate();
            Object answer = producer.requestBody("direct:send", "[{\"event\":\"Lead\",\"event_time\":1741945460,\"event_id\":\"km-1\"},"
                    + "{\"event\":\"Lead\",\"event_time\":1741945461,\"event_id\":\"km-2\",\"pixel\":\"default\"}]");
            assertTrue(ctx.getTypeConverter().convertTo(String.class, answer).contains("\"forwarded\""), "answer: " + answer);
            TikTokFake.Received one = TikTokFake.byEventId("km-1");
            assertEquals(TikTokFake.BRAND2_PIXEL, one.envelope().path("event_source_id").asText());
            assertEquals("TEST123", one.envelope().path("test_event_code").asText());
            TikTokFake.Received two = TikTokFake.byEventId("km-2");
            assertEquals(TikTokFake.PIXEL, two.envelope().path("event_source_id").asText(), "the event's own pixel wins");

            CamelExecutionException e = assertThrows(CamelExecutionException.class,
                    () -> producer.requestBody("direct:send", "\"just a string\""));
            String message = e.getCause().getMessage();
            assertTrue(message.startsWith("TikTok Event Forwarder answered 400: "), message);
            assertTrue(message.contains("body must be a JSON object or array, not a JSON string"), message);
        }
        try (CamelContext ctx = appContext("kamelet:tiktok-events-sink?forwarderUrl={{forwarder.url}}&apiKey=wrong-key")) {
            CamelExecutionException e = assertThrows(CamelExecutionException.class, () -> ctx.createProducerTemplate()
                    .requestBody("direct:send", "{\"event\":\"Lead\",\"event_time\":1741945460,\"event_id\":\"km-x\"}"));
            assertTrue(e.getCause().getMessage().startsWith("TikTok Event Forwarder answered 401: "), e.getCause().getMessage());
        }
    }
}
