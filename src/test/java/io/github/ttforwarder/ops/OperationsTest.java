package io.github.ttforwarder.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Prometheus at {@code /q/metrics} (management port) after a known sequence of posts: every meter of
 * docs/operating.md with its exact count (as the difference to a scrape before the sequence), the dry-run answer,
 * the "events lost" identity, and the status JSON. Default pixel in dry run, {@code brand2} live against
 * {@link OpsTikTokFake} (100–300 ms latency, one 50000 then OK, one 40001).
 */
@QuarkusTest
@WithTestResource(OpsTikTokFake.class)
class OperationsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The management interface (its non-application root is /q/); {@link #origin()} is where the status page is. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private String origin() throws Exception {
        return management.toURI().resolve("/").toString();
    }

    private static String event(String id, String pixel, boolean email) {
        return "{\"event\":\"Purchase\",\"event_time\":" + java.time.Instant.now().getEpochSecond() + ",\"event_id\":\"" + id + "\""
                + (pixel == null ? "" : ",\"pixel\":\"" + pixel + "\"")
                + ",\"user\":{" + (email ? "\"email\":\"jane@example.com\"," : "")
                + "\"ip\":\"203.0.113.7\",\"user_agent\":\"Mozilla/5.0 (X11)\"}}";
    }

    /** @return the scrape as series (name with labels, as exposed) → value */
    Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(origin() + "q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), origin() + "q/metrics");
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("forwarder_")) {
                int sp = line.lastIndexOf(' ');
                out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            }
        }
        return out;
    }

    private void awaitMetrics(Predicate<Map<String, Double>> done) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Map<String, Double> m = scrape();
        while (!done.test(m)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("metrics did not reach the expected state: " + m);
            }
            Thread.sleep(50);
            m = scrape();
        }
    }

    private static double v(Map<String, Double> m, String series) {
        return m.getOrDefault(series, 0.0);
    }

    @Test
    void everyMeterCountsAKnownSequenceExactly() throws Exception {
        Map<String, Double> before = scrape();
        String ok = "forwarder_tiktok_requests_total{pixel=\"brand2\",result=\"0\"}";

        // A: dry-run pixel, live pixel, and an element that is no event
        given().contentType("application/json")
                .body("[" + event("dry-1", null, true) + "," + event("live-1", "brand2", true) + ",42]")
                .when().post("/events").then().statusCode(202)
                .body("received", equalTo(3)).body("forwarded", equalTo(1)).body("dry_run", equalTo(1))
                .body("rejected", equalTo(1))
                .body("events[0].status", equalTo("dry_run")).body("events[1].status", equalTo("forwarded"))
                .body("events[2].status", equalTo("rejected"));
        awaitMetrics(m -> v(m, ok) - v(before, ok) == 1);
        // B: the same event_id again (dropped as a duplicate)
        given().contentType("application/json").body(event("live-1", "brand2", true)).when().post("/events").then()
                .statusCode(202);
        // C: an XDM event no rule matches
        given().contentType("application/json")
                .body("{\"xdm\":{\"eventType\":\"commerce.productListRemovals\",\"timestamp\":\"2025-03-14T09:44:20Z\"}}")
                .when().post("/events").then().statusCode(202).body("unmatched", equalTo(1));
        // D: rejected by validation (dead-lettered with reason validation)
        given().contentType("application/json")
                .body("{\"event\":\"Purchase\",\"event_time\":\"yesterday\",\"event_id\":\"bad-time-1\"}")
                .when().post("/events").then().statusCode(400);
        // E: a pixel that is not configured (rejected by the mapping, dead-lettered with reason validation)
        given().contentType("application/json").body(event("nope-1", "nope", true)).when().post("/events").then()
                .statusCode(400);
        // F: TikTok answers 50000 once (retried), then OK
        given().contentType("application/json").body(event("retry-1", "brand2", true)).when().post("/events").then()
                .statusCode(202);
        awaitMetrics(m -> v(m, ok) - v(before, ok) == 2);
        // G: TikTok answers 40001 (dead-lettered, listed among the failures)
        given().contentType("application/json").body(event("reject-1", "brand2", false)).when().post("/events").then()
                .statusCode(202);
        String rejected = "forwarder_events_dead_lettered_total{pixel=\"brand2\",reason=\"rejected\"}";
        awaitMetrics(m -> v(m, rejected) - v(before, rejected) == 1);

        Map<String, Double> after = scrape();
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("forwarder_events_received_total{endpoint=\"/events\"}", 9.0);
        expected.put("forwarder_events_unmatched_total{endpoint=\"/events\"}", 1.0);
        expected.put("forwarder_events_rejected_total{reason=\"not_an_event\",rule=\"none\"}", 1.0);
        expected.put("forwarder_events_rejected_total{reason=\"event_time\",rule=\"rule-plain-event\"}", 1.0);
        expected.put("forwarder_events_rejected_total{reason=\"pixel\",rule=\"rule-plain-event\"}", 1.0);
        expected.put("forwarder_events_forwarded_total{pixel=\"default\",rule=\"rule-plain-event\"}", 1.0);
        expected.put("forwarder_events_forwarded_total{pixel=\"brand2\",rule=\"rule-plain-event\"}", 4.0);
        expected.put("forwarder_events_deduplicated_total{pixel=\"brand2\"}", 1.0);
        expected.put("forwarder_events_delivered_total{outcome=\"dry_run\",pixel=\"default\"}", 1.0);
        expected.put("forwarder_events_delivered_total{outcome=\"ok\",pixel=\"brand2\"}", 2.0);
        // D and E: rejected before a pixel was chosen, recorded under pixel "unknown"
        expected.put("forwarder_events_dead_lettered_total{pixel=\"unknown\",reason=\"validation\"}", 2.0);
        expected.put("forwarder_events_dead_lettered_total{pixel=\"brand2\",reason=\"rejected\"}", 1.0);
        expected.put("forwarder_tiktok_requests_total{pixel=\"brand2\",result=\"0\"}", 2.0);
        expected.put("forwarder_tiktok_requests_total{pixel=\"brand2\",result=\"50000\"}", 1.0);
        expected.put("forwarder_tiktok_requests_total{pixel=\"brand2\",result=\"40001\"}", 1.0);
        expected.put("forwarder_tiktok_request_duration_seconds_count{pixel=\"brand2\"}", 4.0);
        // every answer took at least the fake's 100 ms: none under 50 or 100 ms
        expected.put("forwarder_tiktok_request_duration_seconds_bucket{pixel=\"brand2\",le=\"0.1\"}", 0.0);
        expected.put("forwarder_tiktok_request_duration_seconds_bucket{pixel=\"brand2\",le=\"30.0\"}", 4.0);
        expected.put("forwarder_retries_scheduled_total{cause=\"50000\",pixel=\"brand2\"}", 1.0);
        expected.put("forwarder_rules_reloads_total", 0.0);
        expected.put("forwarder_rules_errors_total{kind=\"reload\"}", 0.0);
        expected.put("forwarder_rules_errors_total{kind=\"rule_failed\"}", 0.0);
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            assertTrue(after.containsKey(e.getKey()), "exposed: " + e.getKey() + " in " + after.keySet());
            assertEquals(e.getValue(), v(after, e.getKey()) - v(before, e.getKey()), 1e-9, e.getKey());
        }
        // gauges: state, not deltas
        assertEquals(0.0, after.get("forwarder_pixel_live{pixel=\"default\"}"));
        assertEquals(1.0, after.get("forwarder_pixel_live{pixel=\"brand2\"}"));
        assertEquals(0.0, after.get("forwarder_pixel_token_rejected{pixel=\"brand2\"}"));
        assertEquals(7.0, after.get("forwarder_rules_active"));
        for (String gauge : new String[] {"forwarder_backlog_events", "forwarder_backlog_queued_batches",
                "forwarder_tiktok_requests_in_flight", "forwarder_retries_waiting_events"}) {
            assertEquals(0.0, after.get(gauge), gauge);
        }
        double last = after.get("forwarder_last_delivery_timestamp_seconds{pixel=\"brand2\"}");
        assertTrue(Math.abs(System.currentTimeMillis() / 1000.0 - last) < 60, "last delivery is recent: " + last);
        // match quality, window 4: live-1 twice, retry-1 with e-mail, reject-1 without; ip and user agent on all
        assertEquals(0.75, after.get("forwarder_match_key_share{event=\"Purchase\",key=\"email\",pixel=\"brand2\"}"));
        assertEquals(1.0, after.get("forwarder_match_key_share{event=\"Purchase\",key=\"user_agent\",pixel=\"brand2\"}"));
        assertEquals(0.0, after.get("forwarder_match_key_share{event=\"Purchase\",key=\"phone\",pixel=\"brand2\"}"));
        assertEquals(10 * (3 * 0.75 + 1 + 1) / 15.0,
                after.get("forwarder_match_quality_score{event=\"Purchase\",pixel=\"brand2\"}"), 1e-9);

        // "events lost" = forwarded - delivered - deduplicated - dead-lettered after forwarding - in memory = 0
        double forwarded = sum(after, "forwarder_events_forwarded_total");
        double delivered = sum(after, "forwarder_events_delivered_total");
        double dedup = sum(after, "forwarder_events_deduplicated_total");
        double dead = after.entrySet().stream().filter(e -> e.getKey().startsWith("forwarder_events_dead_lettered_total")
                && !e.getKey().contains("reason=\"validation\"")).mapToDouble(Map.Entry::getValue).sum();
        assertEquals(0.0, forwarded - delivered - dedup - dead - sum(after, "forwarder_backlog_events"));

        // the status document behind the page
        JsonNode status = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(origin() + "admin/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        JsonNode brand2 = status.path("pixels").get(1);
        assertEquals("brand2", brand2.path("name").asText());
        assertEquals("live", brand2.path("mode").asText());
        assertEquals("dry_run", status.path("pixels").get(0).path("mode").asText());
        assertEquals("missing", status.path("pixels").get(0).path("token").asText());
        JsonNode failure = status.path("failures").get(0);
        assertEquals("40001", failure.path("code").asText());
        assertEquals("Parameter error: no permission for this pixel", failure.path("message").asText());
        assertEquals("reject-req-1", failure.path("request_id").asText());
        assertTrue(status.toString().contains("\"code\":\"50000\""), "the retried 50000 is listed");
        assertTrue(status.toString().contains("\"list\":\"/admin/dead-letters?reason=40001&pixel=brand2\""), status.toString());
        assertEquals("brand2: only 0 % of Purchase events carry a TikTok click id (ttclid) (on every event: +2.0)",
                status.path("match_quality").path("top_improvement").asText());
    }

    private static double sum(Map<String, Double> m, String prefix) {
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
    }
}
