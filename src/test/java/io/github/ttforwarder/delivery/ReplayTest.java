package io.github.ttforwarder.delivery;

import static io.github.ttforwarder.delivery.TestSupport.await;
import static io.github.ttforwarder.delivery.TestSupport.json;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

/**
 * Replay of "input" dead letters: they run through the rules and mapping again and go only to the pixel their
 * input named — never the default pixel; an unknown pixel leaves the letter replayable; a letter written while
 * {@code brand3} was unknown reaches {@code brand3} once it is configured (this profile configures it); a
 * rule-failure letter is re-run through the rules. Letters of an earlier run are written as they were on disk.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
@TestProfile(ReplayTest.Brand3Configured.class)
class ReplayTest {

    /** A pixel brand3 that earlier runs did not have. */
    public static class Brand3Configured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tiktok.pixels.brand3.code", "BRAND3PIXEL", "tiktok.pixels.brand3.access-token", "brand3-token");
        }
    }

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @ConfigProperty(name = "forwarder.dead-letter.dir")
    String deadLetterDir;

    private RequestSpecification admin() {
        return given().port(management.getPort());
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Appends a dead-letter line as an earlier run wrote it. */
    private void earlierRunWrote(String line) throws Exception {
        Path dir = Path.of(deadLetterDir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("dead-letters-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl"), line + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** @return the one event with this id that TikTok received (waits up to 60 s: the machine may be slow). */
    private static TikTokFake.Received received(String eventId) {
        List<TikTokFake.Received> found = TikTokFake.await(r -> eventId.equals(r.event().path("event_id").asText()), 1,
                Duration.ofSeconds(60));
        assertEquals(1, found.size(), "exactly one TikTok event with event_id " + eventId);
        return found.get(0);
    }

    private static long eventsWithId(String eventId) {
        return TikTokFake.events().stream().filter(e -> eventId.equals(e.event().path("event_id").asText())).count();
    }

    @Test
    void unknownPixelIsAnInputLetterWithHashedDataAndItsReplayNeverReachesTheDefaultPixel() throws Exception {
        given().contentType("application/json").body("{\"event\":\"Purchase\",\"event_time\":1741945460,"
                + "\"event_id\":\"rp-unknown-1\",\"pixel\":\"brand9\",\"user\":{\"email\":\" Jane.Doe@Example.com \"}}")
                .post("/events").then().statusCode(400);
        JsonNode list = json(admin().queryParam("reason", "unknown-pixel").queryParam("kind", "input").get("/admin/dead-letters")
                .then().statusCode(200).extract().asString());
        JsonNode letter = null;
        for (JsonNode d : list.path("dead_letters")) {
            if ("rp-unknown-1".equals(d.path("input").path("body").path("event_id").asText())) {
                letter = d;
            }
        }
        assertTrue(letter != null, list.toString());
        assertEquals("input", letter.path("kind").asText());
        assertEquals("validation", letter.path("reason").path("source").asText());
        assertEquals(sha256("jane.doe@example.com"), letter.path("input").path("body").path("user").path("email").asText());
        assertFalse(letter.toString().toLowerCase().contains("jane.doe@example.com"), "no plain e-mail stored");
        assertTrue(letter.path("event").isMissingNode(), "an input letter holds no TikTok event to resend");

        TikTokFake.reset();
        JsonNode dry = json(admin().queryParam("reason", "unknown-pixel").queryParam("dry", "true")
                .post("/admin/dead-letters/replay").then().statusCode(200).extract().asString());
        JsonNode run = json(admin().queryParam("reason", "unknown-pixel").post("/admin/dead-letters/replay")
                .then().statusCode(200).extract().asString());
        for (JsonNode r : List.of(dry, run)) {
            JsonNode item = r.path("dead_letters").get(0);
            assertEquals("failed", item.path("result").asText(), r.toString());
            assertEquals(0, item.path("events").size());
            assertTrue(item.path("problems").toString().contains("brand9"), item.toString());
        }
        assertEquals(0, run.path("replayed").asInt());
        TestSupport.pause(500);
        assertEquals(0, eventsWithId("rp-unknown-1"), "sent nowhere, in particular not to the default pixel");
        assertEquals(0, TikTokFake.requests().size());
        assertEquals(1, json(admin().queryParam("reason", "unknown-pixel").get("/admin/dead-letters").asString())
                .path("count").asInt(), "still replayable, not dead-lettered again");
    }

    @Test
    void letterForAPixelConfiguredSinceReachesThatPixelOnly() throws Exception {
        String email = sha256("ann@example.com");
        earlierRunWrote("{\"id\":\"" + UUID.randomUUID() + "\",\"time\":\"" + java.time.Instant.now() + "\",\"kind\":\"input\","
                + "\"reason\":{\"source\":\"validation\",\"code\":\"unknown-pixel\",\"message\":\"pixel: no pixel named 'brand3' is configured\"},"
                + "\"attempts\":0,\"pixel\":{\"name\":null,\"code\":null},\"test_event_code\":null,"
                + "\"input\":{\"format\":\"plain\",\"index\":0,\"endpoint\":\"/events\",\"request_id\":\"r-1\",\"received_at\":1741945460,"
                + "\"client_ip\":\"203.0.113.9\",\"user_agent\":\"Mozilla/5.0\",\"body\":{\"event\":\"Purchase\",\"event_time\":1741945460,"
                + "\"event_id\":\"rp-brand3-1\",\"pixel\":\"brand3\",\"user\":{\"email\":\"" + email + "\"}}}}");
        TikTokFake.reset();
        JsonNode dry = json(admin().queryParam("pixel", "").queryParam("reason", "brand3").queryParam("dry", "true")
                .post("/admin/dead-letters/replay").then().statusCode(200).extract().asString());
        JsonNode item = dry.path("dead_letters").get(0);
        assertEquals("would-replay", item.path("result").asText(), dry.toString());
        assertEquals("brand3", item.path("events").get(0).path("pixel").asText());
        assertEquals("BRAND3PIXEL", item.path("events").get(0).path("pixel_code").asText());
        assertEquals("rp-brand3-1", item.path("events").get(0).path("event_id").asText());
        TestSupport.pause(300);
        assertEquals(0, TikTokFake.requests().size(), "a dry run sends nothing");

        JsonNode run = json(admin().queryParam("reason", "brand3").post("/admin/dead-letters/replay")
                .then().statusCode(200).extract().asString());
        assertEquals(1, run.path("replayed").asInt(), run.toString());
        TikTokFake.Received got = received("rp-brand3-1");
        assertEquals("brand3-token", got.accessToken());
        assertEquals("BRAND3PIXEL", got.envelope().path("event_source_id").asText());
        assertEquals(email, got.event().path("user").path("email").asText(), "already-hashed data passes unchanged");
        assertEquals(0, json(admin().queryParam("reason", "brand3").get("/admin/dead-letters").asString()).path("count").asInt());
    }

    @Test
    void ruleFailureLetterIsRunThroughTheRulesAgain() throws Exception {
        earlierRunWrote("{\"id\":\"" + UUID.randomUUID() + "\",\"time\":\"" + java.time.Instant.now() + "\",\"kind\":\"input\","
                + "\"reason\":{\"source\":\"validation\",\"code\":\"rule-failed\",\"message\":\"a rule failed: NullPointerException\"},"
                + "\"rule\":\"plain-events\",\"attempts\":0,\"pixel\":{\"name\":null,\"code\":null},\"test_event_code\":null,"
                + "\"input\":{\"format\":\"plain\",\"index\":0,\"endpoint\":\"/events\",\"request_id\":\"r-2\",\"received_at\":1741945460,"
                + "\"client_ip\":\"203.0.113.10\",\"user_agent\":\"Mozilla/5.0\",\"body\":{\"event\":\"AddToCart\",\"event_time\":1741945461,"
                + "\"event_id\":\"rp-rulefail-1\",\"user\":{\"email\":\"" + sha256("bob@example.com") + "\"}}}}");
        // a letter written before letters had kinds: a validation rejection holding only the draft, pixel "default"
        earlierRunWrote("{\"id\":\"" + UUID.randomUUID() + "\",\"time\":\"" + java.time.Instant.now() + "\","
                + "\"reason\":{\"source\":\"validation\",\"code\":\"rule-failed\",\"message\":\"a rule failed: legacy\"},"
                + "\"attempts\":0,\"pixel\":{\"name\":\"default\",\"code\":\"E2EPIXEL\"},\"test_event_code\":null,"
                + "\"event\":{\"event\":\"AddToCart\",\"event_id\":\"rp-legacy-1\"}}");
        JsonNode run = json(admin().queryParam("reason", "rule-failed").post("/admin/dead-letters/replay")
                .then().statusCode(200).extract().asString());
        assertEquals(1, run.path("replayed").asInt(), run.toString());
        assertEquals(1, run.path("skipped").asInt(), "the legacy letter holds no input: not replayable");
        TikTokFake.Received got = received("rp-rulefail-1");
        assertEquals("AddToCart", got.event().path("event").asText());
        assertEquals(1741945461L, got.event().path("event_time").asLong());
        assertEquals(sha256("bob@example.com"), got.event().path("user").path("email").asText());
        assertEquals("203.0.113.10", got.event().path("user").path("ip").asText(), "the request context is kept");
        await("legacy letter never sent", Duration.ofMillis(500), () -> true);
        assertEquals(0, eventsWithId("rp-legacy-1"), "never sent to the default pixel");
    }

    @Test
    void aLocallyDeduplicatedEventIsAnsweredDeduplicatedNotForwarded() {
        String body = "{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"dd-twice-1\"}";
        given().contentType("application/json").body(body).post("/events").then().statusCode(202)
                .body("forwarded", org.hamcrest.Matchers.equalTo(1))
                .body("events[0].status", org.hamcrest.Matchers.equalTo("forwarded"));
        given().contentType("application/json").body(body).post("/events").then().statusCode(202)
                .body("forwarded", org.hamcrest.Matchers.equalTo(0))
                .body("deduplicated", org.hamcrest.Matchers.equalTo(1))
                .body("events[0].status", org.hamcrest.Matchers.equalTo("deduplicated"))
                .body("events[0].deduplicated[0].event_id", org.hamcrest.Matchers.equalTo("dd-twice-1"))
                .body("events[0].sent", org.hamcrest.Matchers.nullValue());
        received("dd-twice-1"); // exactly one reached TikTok
    }
}
