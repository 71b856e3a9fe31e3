package io.github.ttforwarder.input;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The event_time window with the shipped defaults (forwarder.event-time.max-age 28d, max-future-skew 5m from the
 * top-level application.properties): the fake TikTok without the wide window the fixture replays use.
 */
@QuarkusTest
@WithTestResource(EventTimeWindowTest.DefaultWindow.class)
class EventTimeWindowTest {

    /** {@link TikTokFake} with the shipped event_time window. */
    public static class DefaultWindow extends TikTokFake {
        @Override
        public Map<String, String> start() {
            Map<String, String> cfg = super.start();
            cfg.remove("forwarder.event-time.max-age");
            return cfg;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Response post(String id, String time) {
        return given().contentType("application/json")
                .body("{\"event\":\"Purchase\",\"event_time\":" + time + ",\"event_id\":\"" + id + "\"}").when().post("/events");
    }

    private static void rejected(Response r, String field, String reason) throws Exception {
        assertEquals(400, r.statusCode(), r.asString());
        JsonNode rej = JSON.readTree(r.asString()).path("events").get(0).path("rejections").get(0);
        assertEquals(field, rej.path("field").asText());
        assertEquals(reason, rej.path("reason").asText());
    }

    @Test
    void olderThan28DaysOrLaterThan5MinutesIsRejected() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String old = "more than 28d before the time received (forwarder.event-time.max-age); TikTok would refuse it";
        String future = "more than 5m after the time received (forwarder.event-time.max-future-skew): a clock or unit mistake";
        rejected(post("win-29d", String.valueOf(now - Duration.ofDays(29).toSeconds())), "event_time", old);
        rejected(post("win-1990", "\"1990-01-01T00:00:00Z\""), "event_time", old);
        rejected(post("win-ms-old", String.valueOf((now - Duration.ofDays(40).toSeconds()) * 1000)), "event_time", old);
        rejected(post("win-10m", "\"" + Instant.ofEpochSecond(now + 600) + "\""), "event_time", future);
        rejected(post("win-1e20", "1e20"), "event_time", future);
        Response xdm = given().contentType("application/json").body("{\"events\":[{\"xdm\":{\"eventType\":\"commerce.purchases\","
                + "\"_id\":\"win-xdm\",\"timestamp\":\"2019-01-01T00:00:00Z\"}}]}").when().post("/ee/v2/collect");
        rejected(xdm, "xdm.timestamp", old);

        post("win-27d", String.valueOf(now - Duration.ofDays(27).toSeconds())).then().statusCode(202);
        post("win-2m", String.valueOf(now + 120)).then().statusCode(202);
        assertEquals(now - Duration.ofDays(27).toSeconds(), TikTokFake.byEventId("win-27d").event().path("event_time").asLong());
        assertEquals(now + 120, TikTokFake.byEventId("win-2m").event().path("event_time").asLong());
        for (String id : new String[] {"win-29d", "win-1990", "win-ms-old", "win-10m", "win-1e20", "win-xdm"}) {
            assertTrue(TikTokFake.await(r -> id.equals(r.event().path("event_id").asText(null)), 0, Duration.ofMillis(100)).isEmpty());
        }
    }
}
