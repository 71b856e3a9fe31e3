package io.github.ttforwarder.delivery;

import static io.github.ttforwarder.delivery.TestSupport.await;
import static io.github.ttforwarder.delivery.TestSupport.event;
import static io.github.ttforwarder.delivery.TestSupport.jsonLines;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.model.OutboundEvent;
import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Delivery against a fake TikTok with the real API's habits (latency, 429 + Retry-After): many requests in flight,
 * a paused token does not hold up other pixels, retries are the forwarder's own, backpressure at ingest, and a
 * graceful stop dead-letters what waits. The last test stops the Camel context (its own profile: a fresh app).
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
@TestProfile(FieldDeliveryTest.Field.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FieldDeliveryTest {

    static final int CONCURRENCY = 8;

    /** Small batches (10 events) and 8 senders; a small backlog bound; retries may wait 2 h. */
    public static class Field implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("forwarder.http.concurrency", String.valueOf(CONCURRENCY),
                    "forwarder.batch.max-events", "10",
                    "forwarder.backlog.max-events", "300",
                    "forwarder.retry.max-elapsed", "2h",
                    "forwarder.retry.max-attempts", "5");
        }
    }

    @Inject
    Delivery delivery;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    CamelContext camel;

    @ConfigProperty(name = "forwarder.dead-letter.dir")
    String deadLetterDir;

    private double delivered(String pixel) {
        return metrics.count(DeliveryMetrics.DELIVERED, "pixel", pixel);
    }

    private static long requestsWithToken(String token) {
        return TikTokFake.requests().stream().filter(r -> token.equals(r.getHeader("Access-Token"))).count();
    }

    @Test
    @Order(1)
    void at300MsLatencyConcurrencyRequestsAreInFlightAtOnce() {
        TikTokFake.behave(new TikTokFake.Habits().latency(300, 300));
        TikTokFake.resetPeak();
        double before = delivered("default");
        long start = System.nanoTime();
        for (int i = 0; i < 400; i++) {
            assertEquals(Delivery.Submission.QUEUED, delivery.submit(new OutboundEvent("default", null, event("Purchase")), null));
        }
        await("400 delivered", Duration.ofSeconds(30), () -> delivered("default") - before == 400);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("MEASURED: 40 requests of 10 events at 300 ms latency, %d senders: %d ms, peak in flight %d%n",
                CONCURRENCY, ms, TikTokFake.peakInFlight());
        assertEquals(CONCURRENCY, TikTokFake.peakInFlight(), "exactly forwarder.http.concurrency requests at once");
    }

    @Test
    @Order(2)
    void overloadAnswers503WithRetryAfterAndLosesNothingAccepted() {
        // TikTok holds every answer 20 s: the backlog fills whatever the speed of this machine
        TikTokFake.behave(new TikTokFake.Habits().latency(20_000, 20_000));
        TikTokFake.reset();
        List<String> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Response overloaded = null;
        for (int r = 0; r < 40 && overloaded == null; r++) {
            List<String> ids = new ArrayList<>();
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 100; i++) {
                String id = "ovl-" + r + "-" + i;
                ids.add(id);
                body.append(i == 0 ? "" : ",").append("{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"")
                        .append(id).append("\"}");
            }
            Response resp = given().contentType("application/json").body(body.append("]").toString()).post("/events");
            if (resp.statusCode() == 202) {
                assertEquals(100, resp.jsonPath().getInt("forwarded"));
                accepted.addAll(ids);
            } else {
                assertEquals(503, resp.statusCode(), resp.asString());
                refused.addAll(ids);
                overloaded = resp;
            }
        }
        assertTrue(overloaded != null, "a 503 once the backlog reached its bound");
        assertTrue(overloaded.contentType().startsWith("application/problem+json"), overloaded.contentType());
        assertTrue(Integer.parseInt(overloaded.header("Retry-After")) >= 1, "Retry-After in seconds");
        assertEquals(503, overloaded.jsonPath().getInt("status"));
        assertTrue(accepted.size() >= 300, "accepted up to the bound: " + accepted.size());
        TikTokFake.behave(new TikTokFake.Habits().latency(100, 600)); // TikTok recovers

        Set<String> want = new HashSet<>(accepted);
        await("every accepted event reached TikTok", Duration.ofSeconds(120), () -> TikTokFake.events().stream()
                .map(e -> e.event().path("event_id").asText()).filter(want::contains).distinct().count() == want.size());
        Set<String> refusedIds = new HashSet<>(refused);
        assertTrue(TikTokFake.events().stream().noneMatch(e -> refusedIds.contains(e.event().path("event_id").asText())),
                "nothing of the refused request was accepted");
        System.out.printf("MEASURED: %d events accepted before the 503, all delivered%n", accepted.size());
    }

    @Test
    @Order(3)
    void retryAfter3600PausesOnlyThatTokenIsRetriedByTheForwarderNotTheClient() {
        TikTokFake.behave(new TikTokFake.Habits().latency(100, 600).tooManyRequests(1.0, "3600").only429For("brand2-token"));
        TikTokFake.reset();
        double defaultBefore = delivered("default");
        for (int i = 0; i < 5; i++) {
            delivery.submit(new OutboundEvent("brand2", null, event("Purchase", "paused-" + i)), null);
        }
        for (int i = 0; i < 50; i++) {
            delivery.submit(new OutboundEvent("default", null, event("Purchase")), null);
        }
        await("the other pixel's 50 events delivered", Duration.ofSeconds(15), () -> delivered("default") - defaultBefore == 50);
        await("brand2's retry scheduled", Duration.ofSeconds(10),
                () -> metrics.count(DeliveryMetrics.RETRIED, "pixel", "brand2", "cause", "http_429") == 5);
        // more events for the paused token wait too, without a request
        for (int i = 5; i < 8; i++) {
            delivery.submit(new OutboundEvent("brand2", null, event("Purchase", "paused-" + i)), null);
        }
        for (int i = 0; i < 20; i++) {
            delivery.submit(new OutboundEvent("default", null, event("Purchase")), null);
        }
        await("the other pixel keeps flowing", Duration.ofSeconds(15), () -> delivered("default") - defaultBefore == 70);
        await("8 brand2 events wait", Duration.ofSeconds(10),
                () -> metrics.gaugeValue(DeliveryMetrics.RETRIES_WAITING) == 8);
        TestSupport.pause(2000);
        assertEquals(1, requestsWithToken("brand2-token"), "one request: the HTTP client did not retry the 429 itself");
        assertEquals(1.0, metrics.count(DeliveryMetrics.REQUESTS, "pixel", "brand2", "result", "http_429"));
        assertEquals(0.0, delivered("brand2"));
        assertEquals(0.0, metrics.count(DeliveryMetrics.DEAD_LETTERED, "pixel", "brand2"));
    }

    @Test
    @Order(4)
    void gracefulStopDeadLettersTheWaitingBatchWithReasonShutdown() throws Exception {
        camel.stop();
        List<JsonNode> lines = jsonLines(Path.of(deadLetterDir), "dead-letters-*.jsonl").stream()
                .filter(d -> "brand2".equals(d.path("pixel").path("name").asText())).toList();
        Set<String> ids = new HashSet<>();
        for (JsonNode d : lines) {
            assertEquals("shutdown", d.path("reason").path("code").asText(), d.toString());
            assertEquals("forwarder", d.path("reason").path("source").asText());
            assertEquals("BRAND2PIXEL", d.path("pixel").path("code").asText());
            ObjectNode e = (ObjectNode) d.path("event");
            ids.add(e.path("event_id").asText());
        }
        assertEquals(Set.of("paused-0", "paused-1", "paused-2", "paused-3", "paused-4", "paused-5", "paused-6",
                "paused-7"), ids, "every waiting event is dead-lettered once");
        assertEquals(8, lines.size());
        assertEquals(8.0, metrics.count(DeliveryMetrics.DEAD_LETTERED, "pixel", "brand2", "reason", "shutdown"));
    }
}
