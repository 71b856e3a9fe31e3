package io.github.ttforwarder.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.github.ttforwarder.delivery.TestSupport.TRACK_PATH;
import static io.github.ttforwarder.delivery.TestSupport.await;
import static io.github.ttforwarder.delivery.TestSupport.event;
import static io.github.ttforwarder.delivery.TestSupport.json;
import static io.github.ttforwarder.delivery.TestSupport.jsonLines;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.StreamSupport;

import jakarta.inject.Inject;

import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.github.ttforwarder.model.OutboundEvent;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Delivery against the fake TikTok (WireMock). Each test uses its own pixel (own token and code), so
 * requests are told apart by the {@code Access-Token} header.
 */
@QuarkusTest
@WithTestResource(TikTokFakeResource.class)
class DeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String OK = "{\"code\":0,\"message\":\"OK\",\"request_id\":\"req-ok\",\"data\":{}}";

    @InjectWireMock
    WireMockServer tiktok;

    @Inject
    ProducerTemplate producer;

    @Inject
    DeliveryMetrics metrics;

    @ConfigProperty(name = "forwarder.dry-run.file")
    String dryRunFile;

    @ConfigProperty(name = "forwarder.dead-letter.dir")
    String deadLetterDir;

    /** The management interface (health, /admin). */
    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URL management;

    private io.restassured.specification.RequestSpecification admin() {
        return given().port(management.getPort());
    }

    private void send(String pixel, String testEventCode, ObjectNode event) {
        producer.sendBody(DeliveryRoutes.DELIVER, new OutboundEvent(pixel, testEventCode, event));
    }

    private List<LoggedRequest> requests(String pixel) {
        return tiktok.findAll(postRequestedFor(urlEqualTo(TRACK_PATH)).withHeader("Access-Token",
                equalTo("token-" + pixel)));
    }

    /** @return serve events (request + response) for a pixel, oldest first. */
    private List<ServeEvent> served(String pixel) {
        List<ServeEvent> out = new ArrayList<>(tiktok.getAllServeEvents().stream()
                .filter(se -> ("token-" + pixel).equals(se.getRequest().getHeader("Access-Token"))).toList());
        out.sort((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()));
        return out;
    }

    private double delivered(String pixel) {
        return metrics.count(DeliveryMetrics.DELIVERED, "pixel", pixel);
    }

    private double deadLettered(String pixel) {
        return metrics.count(DeliveryMetrics.DEAD_LETTERED, "pixel", pixel);
    }

    private List<JsonNode> deadLetters(String pixel) {
        return jsonLines(Path.of(deadLetterDir), "dead-letters-*.jsonl").stream()
                .filter(d -> pixel.equals(d.path("pixel").path("name").asText())).toList();
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> eventIds(JsonNode body) {
        return StreamSupport.stream(body.path("data").spliterator(), false).map(e -> e.path("event_id").asText())
                .toList();
    }

    @Test
    void sendsExactEnvelopeWithTokenAndGroupsByTestEventCode() {
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-basic"))
                .willReturn(okJson(OK)));
        ObjectNode e1 = event("Purchase");
        ObjectNode e2 = event("AddToCart");
        ObjectNode e3 = event("ViewContent");
        send("basic", "TEST42", e1);
        send("basic", "TEST42", e2);
        send("basic", null, e3);

        await("3 events delivered", WAIT, () -> delivered("basic") == 3);
        List<LoggedRequest> reqs = requests("basic");
        assertEquals(2, reqs.size(), "one request per test_event_code group");
        Map<String, JsonNode> byTec = new HashMap<>();
        for (LoggedRequest r : reqs) {
            assertEquals("token-basic", r.getHeader("Access-Token"));
            assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
            JsonNode body = json(r.getBodyAsString());
            byTec.put(body.path("test_event_code").asText("none"), body);
        }
        JsonNode withCode = byTec.get("TEST42");
        assertEquals(List.of("event_source", "event_source_id", "test_event_code", "data"), fieldNames(withCode));
        ObjectNode expected = TestSupport.MAPPER.createObjectNode();
        expected.put("event_source", "web");
        expected.put("event_source_id", "PX_BASIC");
        expected.put("test_event_code", "TEST42");
        expected.putArray("data").add(e1).add(e2);
        assertEquals(TestSupport.norm(expected), withCode);

        JsonNode without = byTec.get("none");
        assertEquals(List.of("event_source", "event_source_id", "data"), fieldNames(without));
        ObjectNode expected2 = TestSupport.MAPPER.createObjectNode();
        expected2.put("event_source", "web");
        expected2.put("event_source_id", "PX_BASIC");
        expected2.putArray("data").add(e3);
        assertEquals(TestSupport.norm(expected2), without);
        assertEquals(2.0, metrics.count(DeliveryMetrics.REQUESTS, "pixel", "basic", "result", "0"));
    }

    @Test
    void dryRunWritesOneJsonLinePerRequestAndCallsNobody() throws Exception {
        ObjectNode e1 = event("Purchase");
        ObjectNode e2 = event("Lead");
        send("default", "TESTDRY", e1);
        send("default", "TESTDRY", e2);
        Path file = Path.of(dryRunFile);
        await("dry-run line", WAIT, () -> Files.exists(file) && delivered("default") >= 2);
        List<JsonNode> lines = Files.readAllLines(file).stream().map(TestSupport::json)
                .filter(l -> eventIds(l).contains(e1.get("event_id").asText())).toList();
        assertEquals(1, lines.size());
        ObjectNode expected = TestSupport.MAPPER.createObjectNode();
        expected.put("event_source", "web");
        expected.put("event_source_id", "PX_DRYRUN");
        expected.put("test_event_code", "TESTDRY");
        expected.putArray("data").add(e1).add(e2);
        assertEquals(TestSupport.norm(expected), lines.get(0));
        assertEquals(0, tiktok.findAll(postRequestedFor(urlEqualTo(TRACK_PATH))
                .withRequestBody(matchingJsonPath("$.event_source_id", equalTo("PX_DRYRUN")))).size());
        assertEquals(2.0, metrics.count(DeliveryMetrics.DELIVERED, "pixel", "default", "outcome", "dry_run"));
    }

    @Test
    void rateLimited40100IsRetriedWithTheSameBodyThenDeliveredOnce() {
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-ratelimit"))
                .inScenario("ratelimit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"code\":40100,\"message\":\"Too many requests\",\"request_id\":\"req-rl\"}"))
                .willSetStateTo("ok"));
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-ratelimit"))
                .inScenario("ratelimit").whenScenarioStateIs("ok").willReturn(okJson(OK)));
        ObjectNode e = event("Purchase");
        send("ratelimit", null, e);

        await("delivered", WAIT, () -> delivered("ratelimit") == 1);
        List<LoggedRequest> reqs = requests("ratelimit");
        assertEquals(2, reqs.size());
        assertEquals(reqs.get(0).getBodyAsString(), reqs.get(1).getBodyAsString(), "retry resends the same body");
        assertEquals(List.of(e.get("event_id").asText()), eventIds(json(reqs.get(1).getBodyAsString())));
        assertEquals(1.0, metrics.count(DeliveryMetrics.RETRIED, "pixel", "ratelimit", "cause", "40100"));
        assertEquals(0.0, deadLettered("ratelimit"));
    }

    @Test
    void html5xxAreRetriedHonouringRetryAfterThenDelivered() {
        String html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-s5xx"))
                .inScenario("s5xx").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "text/html").withBody(html))
                .willSetStateTo("502"));
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-s5xx"))
                .inScenario("s5xx").whenScenarioStateIs("502")
                .willReturn(aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                        .withHeader("Retry-After", "1").withBody(html))
                .willSetStateTo("ok"));
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-s5xx"))
                .inScenario("s5xx").whenScenarioStateIs("ok").willReturn(okJson(OK)));
        send("s5xx", null, event("Purchase"));

        await("delivered", WAIT, () -> delivered("s5xx") == 1);
        List<LoggedRequest> reqs = requests("s5xx");
        assertEquals(3, reqs.size());
        assertEquals(reqs.get(0).getBodyAsString(), reqs.get(2).getBodyAsString());
        long gap = reqs.get(2).getLoggedDate().getTime() - reqs.get(1).getLoggedDate().getTime();
        assertTrue(gap >= 1000, "Retry-After: 1 honoured, gap was " + gap + " ms");
        assertEquals(1.0, metrics.count(DeliveryMetrics.RETRIED, "pixel", "s5xx", "cause", "http_500"));
        assertEquals(1.0, metrics.count(DeliveryMetrics.RETRIED, "pixel", "s5xx", "cause", "http_502"));
        assertEquals(0.0, deadLettered("s5xx"));
    }

    @Test
    void readTimeoutIsRetriedThenDelivered() {
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-timeout"))
                .inScenario("timeout").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(OK).withFixedDelay(TikTokFakeResource.READ_TIMEOUT_MS * 2 + 500))
                .willSetStateTo("fast"));
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-timeout"))
                .inScenario("timeout").whenScenarioStateIs("fast").willReturn(okJson(OK)));
        send("timeout", null, event("Purchase"));

        await("delivered", WAIT, () -> delivered("timeout") == 1);
        List<LoggedRequest> reqs = requests("timeout");
        assertEquals(2, reqs.size());
        assertEquals(reqs.get(0).getBodyAsString(), reqs.get(1).getBodyAsString());
        assertEquals(1.0, metrics.count(DeliveryMetrics.RETRIED, "pixel", "timeout", "cause", "timeout"));
    }

    @Test
    void oneBadEventInABatchOf1000IsDeadLetteredAndThe999DeliveredExactlyOnce() {
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-batch"))
                .willReturn(aResponse().withTransformers(TikTokFakeResource.BadContentIdTransformer.NAME)));
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ObjectNode e = event("Purchase");
            if (i == 537) {
                ((ObjectNode) e.path("properties").path("contents").get(0)).put("content_id", 537);
            }
            events.add(e);
        }
        events.forEach(e -> send("batch", null, e));

        await("999 delivered, 1 dead-lettered", WAIT, () -> delivered("batch") == 999 && deadLettered("batch") == 1);
        String badId = events.get(537).get("event_id").asText();
        Map<String, Integer> deliveredIds = new HashMap<>();
        int maxBatch = 0;
        for (ServeEvent se : served("batch")) {
            JsonNode body = json(se.getRequest().getBodyAsString());
            maxBatch = Math.max(maxBatch, body.path("data").size());
            if (json(se.getResponse().getBodyAsString()).path("code").asInt() == 0) {
                eventIds(body).forEach(id -> deliveredIds.merge(id, 1, Integer::sum));
            }
        }
        assertTrue(maxBatch <= 1000, "no request above 1000 events");
        assertEquals(999, deliveredIds.size());
        assertTrue(deliveredIds.values().stream().allMatch(n -> n == 1), "each good event accepted exactly once");
        assertFalse(deliveredIds.containsKey(badId));

        List<JsonNode> dl = deadLetters("batch");
        assertEquals(1, dl.size());
        JsonNode d = dl.get(0);
        assertEquals(TestSupport.norm(events.get(537)), d.get("event"));
        assertEquals("tiktok", d.path("reason").path("source").asText());
        assertEquals("40002", d.path("reason").path("code").asText());
        assertTrue(d.path("reason").path("message").asText()
                .matches("Batch\\.\\d+\\.properties\\.contents\\.0\\.content_id: Not a valid string"),
                d.path("reason").path("message").asText());
        assertTrue(d.path("reason").path("request_id").asText().startsWith("req-bad-"));
        assertEquals("PX_BATCH", d.path("pixel").path("code").asText());
        assertTrue(d.path("attempts").asInt() >= 1);
    }

    @Test
    void invalidBatchSize40061IsSplitInHalves() {
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-split"))
                .willReturn(okJson(OK)));
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-split"))
                .withRequestBody(matchingJsonPath("$.data[2]"))
                .willReturn(okJson("{\"code\":40061,\"message\":\"Invalid batch size\",\"request_id\":\"req-size\"}")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ObjectNode e = event("ViewContent");
            ids.add(e.get("event_id").asText());
            send("split", null, e);
        }
        await("4 delivered", WAIT, () -> delivered("split") == 4);
        List<ServeEvent> served = served("split");
        assertEquals(3, served.size());
        assertEquals(ids, eventIds(json(served.get(0).getRequest().getBodyAsString())));
        Set<List<String>> halves = new HashSet<>();
        halves.add(eventIds(json(served.get(1).getRequest().getBodyAsString())));
        halves.add(eventIds(json(served.get(2).getRequest().getBodyAsString())));
        assertEquals(Set.of(ids.subList(0, 2), ids.subList(2, 4)), halves);
    }

    @Test
    void revokedTokenDeadLettersTurnsWellnessDownKeepsReadinessUpAndLogsOnce() {
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-revoked"))
                .willReturn(okJson("{\"code\":40105,\"message\":\"Access token is invalid or has been revoked\","
                        + "\"request_id\":\"req-revoked\"}")));
        List<LogRecord> logs = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logs.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            send("revoked", null, event("Purchase"));
            send("revoked", null, event("Purchase"));
            await("2 dead letters", WAIT, () -> deadLettered("revoked") == 2);
            send("revoked", null, event("Lead"));
            await("3 dead letters", WAIT, () -> deadLettered("revoked") == 3);
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(2, requests("revoked").size());
        List<JsonNode> dl = deadLetters("revoked");
        assertEquals(3, dl.size());
        for (JsonNode d : dl) {
            assertEquals("40105", d.path("reason").path("code").asText());
            assertEquals("req-revoked", d.path("reason").path("request_id").asText());
            assertEquals("PX_REVOKED", d.path("pixel").path("code").asText());
            assertFalse(d.toString().contains("token-revoked"), "never the token in a dead letter");
        }
        long replaceLines = logs.stream().map(this::text).filter(m -> m.contains("token for pixel revoked must be replaced"))
                .count();
        assertEquals(1, replaceLines, "one clear line, not one per request");
        assertTrue(logs.stream().map(this::text).noneMatch(m -> m.contains("token-revoked")), "token never logged");

        // a rejected token never makes the instance unready (traffic INTO the forwarder must go on): the token
        // state is a wellness check
        admin().when().get("/q/health/ready").then().statusCode(200);
        admin().when().get("/q/health/live").then().statusCode(200);
        admin().when().get("/q/health/well").then().statusCode(503);
        JsonNode health = json(admin().when().get("/q/health/well").asString());
        JsonNode check = StreamSupport.stream(health.path("checks").spliterator(), false)
                .filter(c -> TokenHealthCheck.NAME.equals(c.path("name").asText())).findFirst().orElseThrow();
        assertEquals("DOWN", check.path("status").asText());
        assertTrue(check.path("data").has("revoked"));
        assertEquals(3.0, metrics.count(DeliveryMetrics.DEAD_LETTERED, "pixel", "revoked", "reason", "token"));
    }

    private String text(LogRecord r) {
        String m = r.getMessage() == null ? "" : r.getMessage();
        Object[] params = r.getParameters();
        if (params != null) {
            try {
                m = String.format(m, params) + " " + java.text.MessageFormat.format(m, params);
            } catch (RuntimeException e) {
                StringBuilder sb = new StringBuilder(m);
                for (Object p : params) {
                    sb.append(' ').append(p);
                }
                m = sb.toString();
            }
        }
        return m;
    }

    @Test
    void duplicateEventIdIsSentOnce() {
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-dedup"))
                .willReturn(okJson(OK)));
        ObjectNode e = event("Purchase");
        send("dedup", null, e);
        send("dedup", null, e.deepCopy());
        ObjectNode sameIdOtherEvent = e.deepCopy().put("event", "AddToCart");
        send("dedup", null, sameIdOtherEvent);
        ObjectNode noId = event("Pageview");
        noId.remove("event_id");
        send("dedup", null, noId);
        send("dedup", null, noId.deepCopy());

        assertEquals(1.0, metrics.count(DeliveryMetrics.DEDUPLICATED, "pixel", "dedup"));
        await("4 delivered", WAIT, () -> delivered("dedup") == 4);
        TestSupport.pause(400); // > max-wait: nothing else may follow
        int events = requests("dedup").stream().mapToInt(r -> json(r.getBodyAsString()).path("data").size()).sum();
        assertEquals(4, events, "Purchase once, AddToCart with the same id, and both events without id");
        assertEquals(4.0, delivered("dedup"));
    }

    @Test
    void deadLettersAreListedAndReplayedOnceKeepingTheEventId() {
        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-replay"))
                .willReturn(okJson("{\"code\":40001,\"message\":\"No permission\",\"request_id\":\"req-perm\"}")));
        ObjectNode e = event("CompletePayment");
        send("replay", "TESTRP", e);
        await("dead-lettered", WAIT, () -> deadLettered("replay") == 1);
        assertEquals(1, requests("replay").size(), "40001 is not retried");

        JsonNode list = json(admin().queryParam("pixel", "replay").when().get("/admin/dead-letters").then()
                .statusCode(200).extract().asString());
        assertEquals(1, list.path("count").asInt());
        JsonNode d = list.path("dead_letters").get(0);
        assertEquals(List.of("id", "time", "reason", "attempts", "pixel", "test_event_code", "event"), fieldNames(d));
        assertEquals("40001", d.path("reason").path("code").asText());
        assertEquals("TESTRP", d.path("test_event_code").asText());
        assertEquals(1, d.path("attempts").asInt());
        assertEquals(TestSupport.norm(e), d.path("event"));

        admin().queryParam("from", "not-a-date").when().get("/admin/dead-letters").then().statusCode(400);

        tiktok.stubFor(post(urlEqualTo(TRACK_PATH)).withHeader("Access-Token", equalTo("token-replay"))
                .willReturn(okJson(OK)));
        JsonNode dry = json(admin().queryParam("pixel", "replay").queryParam("dry", "true").when()
                .post("/admin/dead-letters/replay").then().statusCode(200).extract().asString());
        assertEquals(1, dry.path("matched").asInt());
        assertEquals(0, dry.path("replayed").asInt());
        JsonNode wouldSend = dry.path("dead_letters").get(0);
        assertEquals("would-replay", wouldSend.path("result").asText());
        assertEquals(json("[{\"pixel\":\"replay\",\"pixel_code\":\"PX_REPLAY\",\"event\":\"CompletePayment\",\"event_id\":\""
                + e.get("event_id").asText() + "\",\"test_event_code\":\"TESTRP\"}]"), wouldSend.path("events"));
        JsonNode run = json(admin().queryParam("pixel", "replay").queryParam("reason", "40001").when()
                .post("/admin/dead-letters/replay").then().statusCode(200).extract().asString());
        assertEquals(1, run.path("matched").asInt());
        assertEquals(1, run.path("replayed").asInt());

        await("replayed and delivered", WAIT, () -> delivered("replay") == 1);
        List<LoggedRequest> reqs = requests("replay");
        assertEquals(2, reqs.size());
        JsonNode replayed = json(reqs.get(1).getBodyAsString());
        assertEquals("TESTRP", replayed.path("test_event_code").asText());
        assertEquals(TestSupport.norm(e), replayed.path("data").get(0), "same event, same event_id");

        JsonNode again = json(admin().queryParam("pixel", "replay").when().post("/admin/dead-letters/replay").then()
                .statusCode(200).extract().asString());
        assertEquals(0, again.path("matched").asInt());
        assertEquals(0, again.path("replayed").asInt());
        assertEquals(0, json(admin().queryParam("pixel", "replay").when().get("/admin/dead-letters").asString())
                .path("count").asInt());
    }
}
