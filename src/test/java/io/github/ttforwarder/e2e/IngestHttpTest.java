package io.github.ttforwarder.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The HTTP contract of the ingest endpoints: errors, batches with bad events, request context, pixels. */
@QuarkusTest
@WithTestResource(TikTokFake.class)
class IngestHttpTest {

    private static String plain(String id, String extra) {
        return "{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"" + id + "\"" + extra + "}";
    }

    @jakarta.inject.Inject
    org.apache.camel.CamelContext camel;

    /** The management interface (/admin). */
    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URL management;

    @Test
    void oneEventFiresEveryMatchingRuleWhateverItsFirstStep() throws Exception {
        camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                // a rule led by a filter (its predicate is used as the guard) ...
                from("direct:rule-test-lead").routeId("rule-test-lead").group("tiktok-rules")
                        .filter(simple("${body[event]} == 'MultiRuleTest'"))
                            .setHeader("tiktok.event", constant("Lead"))
                            .to("direct:tiktok-event");
                // ... and one that is not (offered every event)
                from("direct:rule-test-contact").routeId("rule-test-contact").group("tiktok-rules")
                        .choice().when(simple("${body[event]} == 'MultiRuleTest'"))
                            .setHeader("tiktok.event", constant("Contact"))
                            .setHeader("tiktok.properties.description", simple("from ${routeId}"))
                            .to("direct:tiktok-event");
            }
        });
        try {
            given().contentType("application/json").body("{\"event\":\"MultiRuleTest\",\"event_time\":1741945460,\"event_id\":\"multi-1\"}")
                    .when().post("/events").then().statusCode(202)
                    .body("events[0].sent.event", org.hamcrest.Matchers.containsInAnyOrder("MultiRuleTest", "Lead", "Contact"))
                    .body("events[0].sent.rule", org.hamcrest.Matchers.containsInAnyOrder("rule-plain-event", "rule-test-lead", "rule-test-contact"));
            List<TikTokFake.Received> sent = TikTokFake.await(r -> "multi-1".equals(r.event().path("event_id").asText()), 3,
                    Duration.ofSeconds(5));
            assertEquals(3, sent.size());
            assertEquals(java.util.Set.of("MultiRuleTest", "Lead", "Contact"),
                    sent.stream().map(r -> r.event().path("event").asText()).collect(java.util.stream.Collectors.toSet()));
            assertEquals("from rule-test-contact", sent.stream().filter(r -> r.event().path("event").asText().equals("Contact"))
                    .findFirst().orElseThrow().event().path("properties").path("description").asText());
            // a rule's headers never leak into another rule's event
            assertTrue(sent.stream().filter(r -> !r.event().path("event").asText().equals("Contact"))
                    .noneMatch(r -> r.event().has("properties")));
        } finally {
            for (String id : List.of("rule-test-lead", "rule-test-contact")) {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            }
        }
    }

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void anEventNoRuleMatchesIsCountedNotAnError() {
        io.micrometer.core.instrument.Counter unmatched = meters.find("forwarder.rules.events").tag("outcome", "unmatched").counter();
        double before = unmatched.count();
        given().contentType("application/json")
                .body("{\"xdm\":{\"eventType\":\"commerce.productListRemovals\",\"_id\":\"unmatched-1\"}}")
                .when().post("/events").then().statusCode(202)
                .body("unmatched", equalTo(1)).body("events[0].status", equalTo("unmatched"))
                .body("events[0].event_type", equalTo("commerce.productListRemovals"));
        assertEquals(before + 1, unmatched.count());
    }

    @Test
    void malformedJsonIsA400ProblemWithoutEcho() {
        given().contentType("application/json").body("{\"event\":\"Purchase\", \"user\":{\"email\":\"secret@example.com\"")
                .when().post("/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", equalTo("Bad Request"))
                .body("detail", containsString("not valid JSON"))
                .body(org.hamcrest.Matchers.not(containsString("secret@example.com")));
    }

    @Test
    void emptyAndScalarBodiesAreRejected() {
        given().contentType("application/json").body("").when().post("/ee/v2/collect")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("empty body"));
        given().contentType("application/json").body("42").when().post("/events")
                .then().statusCode(400).body("detail", containsString("not a JSON number"));
    }

    @Test
    void oversizedBodyIs413() {
        String big = "{\"event\":\"Purchase\",\"properties\":{\"description\":\"" + "x".repeat(70 * 1024) + "\"}}";
        given().contentType("application/json").body(big).when().post("/events").then().statusCode(413);
    }

    @Test
    void oneBadEventInABatchCostsOnlyThatEvent() {
        String body = "[" + plain("batch-good-1", "") + "," + plain("batch-bad", "").replace("1741945460", "\"yesterday\"")
                + ",\"not an object\"," + plain("batch-good-2", "") + "]";
        given().contentType("application/json").body(body).when().post("/events")
                .then().statusCode(202)
                .body("received", equalTo(4)).body("forwarded", equalTo(2)).body("rejected", equalTo(2))
                .body("events[1].status", equalTo("rejected"))
                .body("events[1].rejections[0].field", equalTo("event_time"))
                .body("events[2].rejections[0].field", equalTo("events[2]"))
                .body("events[3].sent[0].event_id", equalTo("batch-good-2"));
        TikTokFake.byEventId("batch-good-1");
        TikTokFake.byEventId("batch-good-2");
        assertTrue(TikTokFake.await(r -> "batch-bad".equals(r.event().path("event_id").asText()), 0, Duration.ofMillis(200)).isEmpty());
        // the rejected event is also a durable dead letter (validation), with the reason and no plain-text data
        given().port(management.getPort()).queryParam("reason", "event_time").queryParam("limit", 0).when().get("/admin/dead-letters")
                .then().statusCode(200)
                .body("dead_letters.findAll { it.input.body.event_id == 'batch-bad' }.reason.source", org.hamcrest.Matchers.hasItem("validation"))
                .body("dead_letters.findAll { it.input.body.event_id == 'batch-bad' }.kind", org.hamcrest.Matchers.hasItem("input"))
                .body("dead_letters.findAll { it.input.body.event_id == 'batch-bad' }.reason.message",
                        org.hamcrest.Matchers.hasItem(containsString("not a readable time")));
    }

    @Test
    void edgeCollectSilentAnswers204() {
        given().contentType("application/json").queryParam("silent", "true")
                .body("{\"events\":[{\"xdm\":{\"eventType\":\"commerce.purchases\",\"_id\":\"silent-1\",\"timestamp\":\"2025-03-14T09:44:20Z\"}}]}")
                .when().post("/ee/v2/collect").then().statusCode(204);
        assertEquals("Purchase", TikTokFake.byEventId("silent-1").event().path("event").asText());
    }

    @Test
    void clientIpComesFromForwardedHeaderOnlyBehindTrustedProxy() {
        // The test client connects from 127.0.0.1, configured as a trusted proxy.
        given().contentType("application/json").header("X-Forwarded-For", "198.51.100.23, 127.0.0.1")
                .header("User-Agent", "Browser/1.0")
                .body(plain("ctx-xff", "")).when().post("/events").then().statusCode(202);
        TikTokFake.Received r = TikTokFake.byEventId("ctx-xff");
        assertEquals("198.51.100.23", r.event().path("user").path("ip").asText());
        assertEquals("Browser/1.0", r.event().path("user").path("user_agent").asText());

        // The event's own values win over the request context.
        given().contentType("application/json").header("X-Forwarded-For", "198.51.100.23")
                .body(plain("ctx-own", ",\"user\":{\"ip\":\"203.0.113.9\",\"user_agent\":\"Own/2\"}"))
                .when().post("/events").then().statusCode(202);
        r = TikTokFake.byEventId("ctx-own");
        assertEquals("203.0.113.9", r.event().path("user").path("ip").asText());
        assertEquals("Own/2", r.event().path("user").path("user_agent").asText());
    }

    @Test
    void httpHeadersCannotOverrideRuleFields() {
        given().contentType("application/json").header("tiktok.pixel", "brand2").queryParam("tiktok.event", "Hacked")
                .body(plain("hdr-inject", "")).when().post("/events").then().statusCode(202);
        TikTokFake.Received r = TikTokFake.byEventId("hdr-inject");
        assertEquals("Purchase", r.event().path("event").asText());
        assertEquals(TikTokFake.PIXEL, r.envelope().path("event_source_id").asText());
    }

    @Test
    void plainEventSelectsANamedPixelAndUnknownPixelIsRejected() {
        given().contentType("application/json").body(plain("px-brand2", ",\"pixel\":\"brand2\"")).when().post("/events")
                .then().statusCode(202);
        TikTokFake.Received r = TikTokFake.byEventId("px-brand2");
        assertEquals(TikTokFake.BRAND2_PIXEL, r.envelope().path("event_source_id").asText());
        assertEquals("brand2-token", r.accessToken());

        given().contentType("application/json").body(plain("px-unknown", ",\"pixel\":\"nope\"")).when().post("/events")
                .then().statusCode(400).body("events[0].rejections[0].field", equalTo("pixel"));
    }

    @Test
    void webSdkInteractAnswersLikeTheEdge() {
        given().contentType("text/plain; charset=UTF-8").queryParam("configId", "x").queryParam("requestId", "req-42")
                .body("{\"events\":[{\"xdm\":{\"eventType\":\"web.webpagedetails.pageViews\",\"timestamp\":\"nonsense\"}}]}")
                .when().post("/ee/va6/v1/interact")
                .then().statusCode(200)
                .body("requestId", equalTo("req-42"))
                .body("handle", hasSize(1))      // identity:result (no org id known: no identity cookie to store)
                .body("handle[0].type", equalTo("identity:result"))
                .body("warnings[0].report.eventIndex", equalTo(0))
                .body("warnings[0].detail", containsString("xdm.timestamp"));
    }

    @Test
    void outboundRequestIsTheExactEventsApiEnvelope() {
        given().contentType("application/json").header("User-Agent", "Exact/1.0")
                .body("{\"event\":\"AddToCart\",\"event_time\":\"2020-09-17T21:49:27:000+0200\",\"event_id\":\"exact-1\","
                        + "\"user\":{\"email\":\" Jane.Doe@Example.COM \",\"ip\":\"2001:DB8:0:0:0:0:0:7\"},"
                        + "\"page\":{\"url\":\"https://shop.example/p?ttclid=abc\"},"
                        + "\"properties\":{\"contents\":[{\"content_id\":77,\"price\":\"4.50\",\"quantity\":2}],\"currency\":\"eur\"}}")
                .when().post("/events").then().statusCode(202);
        TikTokFake.Received r = TikTokFake.byEventId("exact-1");
        assertEquals("{\"event\":\"AddToCart\",\"event_time\":1600372167,\"event_id\":\"exact-1\","
                + "\"user\":{\"email\":\"86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d\","
                + "\"ip\":\"2001:db8::7\",\"user_agent\":\"Exact/1.0\",\"ttclid\":\"abc\"},"
                + "\"page\":{\"url\":\"https://shop.example/p?ttclid=abc\"},"
                + "\"properties\":{\"contents\":[{\"content_id\":\"77\",\"quantity\":2,\"price\":4.5}],"
                + "\"content_type\":\"product\",\"currency\":\"EUR\",\"value\":9}}", r.event().toString());
        assertEquals("web", r.envelope().path("event_source").asText());
        assertNull(r.envelope().get("partner_name"));
        assertTrue(r.contentType().startsWith("application/json"));
        List<String> keys = List.copyOf(com.google.common.collect.Lists.newArrayList(r.envelope().fieldNames()));
        assertEquals(List.of("event_source", "event_source_id", "data"), keys);
    }
}
