package io.github.ttforwarder.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.support.JsonPaths;
import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Every shared real-world fixture (fixtures/xdm and fixtures/websdk) posted as is to its endpoint, with the
 * outcome asserted from the table src/test/resources/fixture-outcomes.json (also in the README): which TikTok
 * event(s) with which exact fields reached the fake TikTok, or why nothing was forwarded.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
class FixtureOutcomesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UA = "FixtureTest/1.0";

    @TestFactory
    List<DynamicTest> fixtures() throws Exception {
        JsonNode table;
        try (InputStream in = getClass().getResourceAsStream("/fixture-outcomes.json")) {
            table = JSON.readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode row : table.path("fixtures")) {
            tests.add(DynamicTest.dynamicTest(row.path("file").asText(), () -> run(row)));
        }
        return tests;
    }

    private void run(JsonNode row) throws Exception {
        String file = row.path("file").asText();
        byte[] raw;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/" + file)) {
            assertNotNull(in, "fixture " + file + " is copied into src/test/resources/fixtures");
            raw = in.readAllBytes();
        }
        TikTokFake.reset();
        ExtractableResponse<Response> response;
        if (file.startsWith("websdk/")) {
            JsonNode captured = JSON.readTree(raw);
            response = given().contentType("text/plain; charset=UTF-8").header("User-Agent", UA)
                    .body(captured.path("body").toString())
                    .when().post(captured.path("url").asText()).then().extract();
        } else {
            response = given().contentType("application/json").header("User-Agent", UA)
                    .body(new String(raw, StandardCharsets.UTF_8))
                    .when().post(row.path("endpoint").asText()).then().extract();
        }
        assertEquals(row.path("status").asInt(), response.statusCode(), file + ": HTTP status; body " + response.asString());
        String outcome = row.path("outcome").asText();
        if (response.statusCode() != 204 && !outcome.equals("no-events") && (row.path("endpoint").asText().equals("/events")
                || row.path("endpoint").asText().equals("/ee/v2/collect") || response.statusCode() == 400)) {
            assertEquals(outcome, response.path("events[0].status"), file + ": reported outcome " + response.asString());
            if (row.has("event_type")) {
                assertEquals(row.path("event_type").asText(), response.path("events[0].event_type"), file + ": event type");
            }
        }
        JsonNode expected = row.path("tiktok");
        List<TikTokFake.Received> received = TikTokFake.await(r -> true, expected.size(),
                Duration.ofMillis(expected.isEmpty() ? 300 : 5000));
        assertEquals(expected.size(), received.size(), file + ": TikTok events received " + received);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode event = received.get(i).event();
            JsonNode e = expected.get(i);
            assertEquals(TikTokFake.PIXEL, received.get(i).envelope().path("event_source_id").asText());
            assertNull(received.get(i).envelope().get("test_event_code"));
            for (Map.Entry<String, JsonNode> f : iterable(e.path("expect"))) {
                JsonNode actual = JsonPaths.at(event, f.getKey());
                assertTrue(JsonPaths.sameJson(f.getValue(), actual),
                        file + ": " + f.getKey() + " expected " + f.getValue() + " but was " + actual + " in " + event);
            }
            for (JsonNode p : e.path("present")) {
                assertNotNull(JsonPaths.at(event, p.asText()), file + ": " + p.asText() + " present in " + event);
            }
            for (JsonNode p : e.path("absent")) {
                assertNull(JsonPaths.at(event, p.asText()), file + ": " + p.asText() + " absent in " + event);
            }
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        return object::fields;
    }
}
