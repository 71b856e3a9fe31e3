package io.github.ttforwarder.rules;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code POST /admin/preview} on every shipped sample, and {@code GET /admin/rules}, on the management interface. */
@QuarkusTest
@WithTestResource(TikTokFake.class)
class RulePreviewTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    private JsonNode preview(String endpoint, String sample) throws Exception {
        byte[] body = Files.readAllBytes(Path.of("samples", sample));
        return given().baseUri("http://" + management.getHost()).port(management.getPort()).contentType("application/json").queryParam("endpoint", endpoint)
                .body(body).when().post("admin/preview")
                .then().statusCode(200).body("sent", equalTo(false)).extract().as(JsonNode.class);
    }

    private static void assertHashed(JsonNode tiktokEvent) {
        JsonNode user = tiktokEvent.path("user");
        for (String f : new String[] {"email", "phone", "external_id"}) {
            if (user.has(f)) {
                String v = user.get(f).isArray() ? user.get(f).get(0).asText() : user.get(f).asText();
                assertTrue(v.matches("[0-9a-f]{64}"), f + " hashed: " + v);
            }
        }
    }

    @Test
    void everyShippedSampleIsPreviewedAndNothingIsSent() throws Exception {
        int before = TikTokFake.events().size();

        JsonNode plain = preview("/events", "plain-events.json");
        assertEquals(2, plain.path("events").size(), plain.toString());
        JsonNode p0 = plain.path("events").get(0);
        assertEquals("forwarded", p0.path("status").asText());
        assertEquals("Purchase", p0.path("tiktok").get(0).path("event").path("event").asText());
        assertHashed(p0.path("tiktok").get(0).path("event"));
        assertFalse(plain.toString().contains("@example.com"), "no plain e-mail in the preview");
        boolean plainFired = false;
        for (JsonNode r : p0.path("rules")) {
            if (r.path("rule").asText().equals("rule-plain-event")) {
                plainFired = r.path("result").asText().equals("fired");
            }
            if (r.path("rule").asText().equals("rule-purchase")) {
                assertEquals("not-matched", r.path("result").asText());
                assertTrue(r.path("detail").asText().contains("commerce.purchases"), r.toString());
            }
        }
        assertTrue(plainFired, p0.toString());

        JsonNode checkout = preview("/ee/v2/collect", "edge-collect-checkout.json");
        JsonNode c0 = checkout.path("events").get(0);
        assertEquals("InitiateCheckout", c0.path("tiktok").get(0).path("event").path("event").asText(), checkout.toString());
        assertEquals(2, c0.path("tiktok").get(0).path("event").path("properties").path("contents").size());

        JsonNode interact = preview("/ee/v2/interact", "edge-interact-pageview.json");
        JsonNode i0 = interact.path("events").get(0);
        assertEquals("Pageview", i0.path("tiktok").get(0).path("event").path("event").asText(), interact.toString());
        assertHashed(i0.path("tiktok").get(0).path("event"));

        JsonNode websdk = preview("/ee/v1/interact", "websdk-purchase-interact.json");
        JsonNode w0 = websdk.path("events").get(0);
        assertEquals("Purchase", w0.path("tiktok").get(0).path("event").path("event").asText(), websdk.toString());

        // nothing was sent
        assertTrue(TikTokFake.await(r -> true, before + 1, Duration.ofMillis(500)).size() == before, "preview sends nothing");
    }

    @Test
    void aBodyTheEndpointRefusesIsA400Problem() {
        given().baseUri("http://" + management.getHost()).port(management.getPort()).contentType("application/json").body("{\"event\":")
                .when().post("admin/preview").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void activeRulesAreListedWithFileConditionAndEvent() {
        given().baseUri("http://" + management.getHost()).port(management.getPort()).when().get("admin/rules").then().statusCode(200)
                .body("rules.id", hasItems("rule-product-view", "rule-add-to-cart", "rule-initiate-checkout", "rule-purchase",
                        "rule-page-view", "rule-lead", "rule-plain-event"))
                .body("rules.find { it.id == 'rule-purchase' }.file", equalTo("routes/xdm-commerce-rules.yaml"))
                .body("rules.find { it.id == 'rule-purchase' }.condition", equalTo("${header.ForwarderEventType} == 'commerce.purchases'"))
                .body("rules.find { it.id == 'rule-purchase' }.event", equalTo("Purchase"))
                .body("rules.find { it.id == 'rule-purchase' }.mode", equalTo("compiled"))
                .body("rules.mode", hasItem("compiled"));
    }
}
