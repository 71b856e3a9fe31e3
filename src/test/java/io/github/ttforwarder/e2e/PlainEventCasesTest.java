package io.github.ttforwarder.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.support.JsonPaths;
import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every behaviour case of fixtures/cases/plain-event-cases.json, posted alone to {@code /events}, checked
 * against what the fake TikTok received: {@code expect} (exact values at dotted paths of the request, with
 * {@code data.0} the event), {@code absent} paths, and {@code outcome} ({@code rejected}: a 400 problem naming
 * the field, and nothing sent).
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
class PlainEventCasesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    List<DynamicTest> cases() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/cases/plain-event-cases.json")) {
            root = JSON.readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.path("cases")) {
            tests.add(DynamicTest.dynamicTest(c.path("id").asText() + ": " + c.path("title").asText(), () -> run(c)));
        }
        assertEquals(29, tests.size(), "all shared cases are run");
        return tests;
    }

    private void run(JsonNode c) {
        JsonNode input = c.path("input");
        String eventId = input.path("event_id").asText();
        if ("rejected".equals(c.path("outcome").asText())) {
            given().contentType("application/json").body(input.toString())
                    .when().post("/events")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("status", equalTo(400))
                    .body("detail", not(emptyOrNullString()))
                    .body("events[0].status", equalTo("rejected"))
                    .body("events[0].rejections[0].field", not(emptyOrNullString()));
            List<TikTokFake.Received> sent = TikTokFake.await(r -> eventId.equals(r.event().path("event_id").asText(null)),
                    0, Duration.ofMillis(300));
            assertTrue(sent.isEmpty(), "a rejected event must not reach TikTok");
            return;
        }
        given().contentType("application/json").body(input.toString())
                .when().post("/events")
                .then().statusCode(202)
                .body("forwarded", equalTo(1));
        TikTokFake.Received received = TikTokFake.byEventId(eventId);
        assertEquals(TikTokFake.TOKEN, received.accessToken());
        ObjectNode request = received.envelope().deepCopy();
        request.putArray("data").add(received.event());
        assertEquals("web", request.path("event_source").asText());
        assertEquals(TikTokFake.PIXEL, request.path("event_source_id").asText());
        for (Map.Entry<String, JsonNode> e : iterable(c.path("expect"))) {
            JsonNode actual = JsonPaths.at(request, e.getKey());
            assertTrue(JsonPaths.sameJson(e.getValue(), actual),
                    e.getKey() + ": expected " + e.getValue() + " but TikTok got " + actual + " in " + request);
        }
        for (JsonNode path : c.path("absent")) {
            assertNull(JsonPaths.at(request, path.asText()), path.asText() + " must be absent in " + request);
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        return object::fields;
    }
}
