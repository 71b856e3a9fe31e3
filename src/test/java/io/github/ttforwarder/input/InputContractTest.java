package io.github.ttforwarder.input;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The input contract over HTTP (README "Bad input", docs/input.md): every class of almost-right input gets an exact
 * answer, and what reaches the fake TikTok is asserted as exact JSON.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
class InputContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UA = "InputContract/1.0";
    /** Recent enough for any window: the tests below never depend on the wall clock otherwise. */
    private static final long NOW = System.currentTimeMillis() / 1000;

    private static String plain(String id, String extra) {
        return "{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"event_id\":\"" + id + "\"" + extra + "}";
    }

    private static Response post(String path, String body) {
        // bytes: RestAssured would otherwise parse a JSON-looking string body (a minute for deeply nested ones)
        return given().contentType("application/json").header("User-Agent", UA)
                .body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).when().post(path);
    }

    private static JsonNode json(Response r) throws Exception {
        return JSON.readTree(r.asString());
    }

    /** The outcome of event 0 without the parts that vary (none do: requestId is outside events[]). */
    private static String outcome(Response r) throws Exception {
        return json(r).path("events").get(0).toString();
    }

    private static String sent(String id) {
        return TikTokFake.byEventId(id).event().toString();
    }

    private static void nothingSent(String id) {
        assertTrue(TikTokFake.await(r -> id.equals(r.event().path("event_id").asText(null)), 0, Duration.ofMillis(300)).isEmpty(),
                id + " must not reach TikTok");
    }

    // --- bodies -------------------------------------------------------------------------------------------

    @Test
    void newlineDelimitedJsonIsABatchOnEvents() throws Exception {
        Response r = given().contentType("application/x-ndjson").header("User-Agent", UA)
                .body((plain("ndjson-1", "") + "\n" + plain("ndjson-2", "") + "\n" + plain("ndjson-3", "") + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/events");
        assertEquals(202, r.statusCode(), r.asString());
        JsonNode body = json(r);
        assertEquals(3, body.path("received").asInt());
        assertEquals(3, body.path("forwarded").asInt());
        for (String id : List.of("ndjson-1", "ndjson-2", "ndjson-3")) {
            assertEquals("{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"event_id\":\"" + id
                    + "\",\"user\":{\"user_agent\":\"InputContract/1.0\"}}", sent(id));
        }
        // back to back, no separator, arrays flattened in order
        r = post("/events", plain("concat-1", "") + "[" + plain("concat-2", "") + "," + plain("concat-3", "") + "]");
        assertEquals(202, r.statusCode(), r.asString());
        assertEquals(3, json(r).path("forwarded").asInt());
        assertEquals("concat-3", json(r).path("events").get(2).path("sent").get(0).path("event_id").asText());
    }

    @Test
    void trailingContentIsA400NamingThePositionOnEveryOtherEndpoint() throws Exception {
        String one = "{\"events\":[{\"xdm\":{\"eventType\":\"commerce.purchases\",\"_id\":\"trail-1\",\"timestamp\":" + NOW + "}}]}";
        for (String path : List.of("/ee/v2/collect", "/ee/v2/interact", "/ee/v1/interact")) {
            Response r = given().contentType("text/plain").body((one + "\n{\"events\":[]}").getBytes()).when().post(path);
            assertEquals(400, r.statusCode(), path + " " + r.asString());
            assertEquals("application/problem+json", r.contentType());
            assertEquals("unexpected content after the JSON value, which ends at line 1, column " + (one.length() + 1)
                    + " (byte " + one.length() + "); only /events reads a sequence of JSON values (newline-delimited JSON) as a batch",
                    json(r).path("detail").asText());
        }
        Response r = post("/ee/v2/collect", one + " garbage");
        assertEquals(400, r.statusCode());
        assertTrue(json(r).path("detail").asText().startsWith("unexpected content after the JSON value, which ends at line 1"));
        nothingSent("trail-1");
        // on /events garbage after a value is a parse error with its position, never a silent first-only read
        r = post("/events", plain("trail-2", "") + " garbage");
        assertEquals(400, r.statusCode());
        assertTrue(json(r).path("detail").asText().startsWith("body is not valid JSON at line 1, column "), r.asString());
        nothingSent("trail-2");
    }

    @Test
    void everyLimitIsAProblemNamingItsSetting() throws Exception {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertLimit(post("/events", deep), 400, "forwarder.input.max-nesting-depth",
                "the body nests objects/arrays deeper than forwarder.input.max-nesting-depth (32)");
        assertLimit(post("/ee/v2/interact", "{\"event\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5001)), 400,
                "forwarder.input.max-nesting-depth", "the body nests objects/arrays deeper than forwarder.input.max-nesting-depth (32)");
    }

    @Test
    void numberAndStringLengthLimits() throws Exception {
        assertLimit(post("/events", plain("limit-num", ",\"properties\":{\"value\":" + "9".repeat(1001) + "}")), 400,
                "forwarder.input.max-number-length",
                "a number in the body is longer than forwarder.input.max-number-length (64 characters)");
        assertLimit(post("/events", plain("limit-str", ",\"properties\":{\"description\":\"" + "x".repeat(20_000) + "\"}")), 400,
                "forwarder.input.max-string-length",
                "a string or key in the body is longer than forwarder.input.max-string-length (16384 characters)");
        nothingSent("limit-num");
        nothingSent("limit-str");
    }

    @Test
    void eventsPerRequestLimit() throws Exception {
        assertLimit(post("/events", "[" + "{\"event\":\"A\"},".repeat(1000) + "{\"event\":\"A\"}]"), 413,
                "forwarder.input.max-events",
                "the request holds 1001 events, more than forwarder.input.max-events (1000); send them in smaller requests");
        assertLimit(post("/events", "{\"event\":\"A\"}\n".repeat(1001)), 413, "forwarder.input.max-events",
                "the request holds more than forwarder.input.max-events (1000) JSON values; send them in smaller requests");
    }

    @Test
    void bodySizeLimit() throws Exception {
        assertLimit(post("/events", plain("limit-body", ",\"properties\":{\"description\":\"" + "x".repeat(10_000) + "\"},\"x\":[\""
                + "y\",\"".repeat(16_000) + "\"]")), 413, "forwarder.input.max-body-size",
                "the body is larger than forwarder.input.max-body-size (65536 bytes)");
        // chunked, without Content-Length: refused while it is read
        Response chunked = given().contentType("application/json").body(new java.io.ByteArrayInputStream(
                plain("limit-chunked", ",\"x\":\"" + "z".repeat(15_000) + "\",\"y\":[" + "1,".repeat(30_000) + "1]")
                        .getBytes())).when().post("/events");
        assertLimit(chunked, 413, "forwarder.input.max-body-size", "the body is larger than forwarder.input.max-body-size (65536 bytes)");
        nothingSent("limit-body");
        nothingSent("limit-chunked");
    }

    private static void assertLimit(Response r, int status, String limit, String detail) throws Exception {
        assertEquals(status, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        JsonNode p = json(r);
        assertEquals(status, p.path("status").asInt());
        assertEquals(limit, p.path("limit").asText());
        assertEquals(detail, p.path("detail").asText());
    }

    // --- flags fail closed ------------------------------------------------------------------------------------

    @Test
    void limitedDataUseSpellingsAreReadAndAnythingElseRejects() throws Exception {
        String[][] ok = {{"true", "true"}, {"\"1\"", "true"}, {"\" TRUE \"", "true"}, {"\"yes\"", "true"}, {"1", "true"},
                {"false", "false"}, {"\"0\"", "false"}, {"\"no\"", "false"}, {"0", "false"}};
        for (int i = 0; i < ok.length; i++) {
            String id = "ldu-ok-" + i;
            Response r = post("/events", plain(id, ",\"limited_data_use\":" + ok[i][0]));
            assertEquals(202, r.statusCode(), r.asString());
            assertEquals("{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"event_id\":\"" + id + "\",\"limited_data_use\":"
                    + ok[i][1] + ",\"user\":{\"user_agent\":\"InputContract/1.0\"}}", sent(id));
        }
        String[] bad = {"\"maybe\"", "2", "\"\"", "{}", "[true]", "0.5"};
        for (int i = 0; i < bad.length; i++) {
            String id = "ldu-bad-" + i;
            Response r = post("/events", plain(id, ",\"limited_data_use\":" + bad[i]));
            assertEquals(400, r.statusCode(), bad[i] + ": " + r.asString());
            JsonNode rej = json(r).path("events").get(0).path("rejections").get(0);
            assertEquals("limited_data_use", rej.path("field").asText());
            assertTrue(rej.path("reason").asText().startsWith("must be true or false (a boolean, \"true\"/\"false\", \"1\"/\"0\", "
                    + "\"yes\"/\"no\" or 1/0), not this JSON "), rej.toString());
            nothingSent(id);
        }
        // XDM: data.tiktok.limitedDataUse
        Response r = post("/ee/v2/collect", "{\"events\":[{\"xdm\":{\"eventType\":\"commerce.purchases\",\"_id\":\"ldu-xdm\","
                + "\"timestamp\":" + NOW + "},\"data\":{\"tiktok\":{\"limitedDataUse\":\"on\"}}}]}");
        assertEquals(400, r.statusCode());
        assertEquals("data.tiktok.limitedDataUse", json(r).path("events").get(0).path("rejections").get(0).path("field").asText());
        nothingSent("ldu-xdm");
    }

    @Test
    void wrongTypedTestEventCodeOrPixelRejectsTheEvent() throws Exception {
        String[][] cases = {{"\"test_event_code\":12345", "test_event_code", "must be a string, not a JSON number; the event is not sent rather than sent to the wrong place"},
                {"\"test_event_code\":{\"code\":\"T1\"}", "test_event_code", "must be a string, not a JSON object; the event is not sent rather than sent to the wrong place"},
                {"\"test_event_code\":\"T\\u0000\"", "test_event_code", "contains control or bidirectional-formatting characters"},
                {"\"pixel\":2", "pixel", "must be a string, not a JSON number; the event is not sent rather than sent to the wrong place"},
                {"\"pixel\":[\"brand2\"]", "pixel", "must be a string, not a JSON array; the event is not sent rather than sent to the wrong place"},
                {"\"pixel\":\" \"", "pixel", "empty; name a configured pixel or leave the field out"}};
        for (int i = 0; i < cases.length; i++) {
            String id = "sel-" + i;
            Response r = post("/events", plain(id, "," + cases[i][0]));
            assertEquals(400, r.statusCode(), r.asString());
            assertEquals("{\"index\":0,\"rejections\":[{\"rule\":\"rule-plain-event\","
                    + "\"field\":\"" + cases[i][1] + "\",\"reason\":\"" + cases[i][2] + "\"}],\"status\":\"rejected\",\"event_type\":\"Purchase\"}", outcome(r));
            nothingSent(id);
        }
        // an empty test_event_code means "none"
        post("/events", plain("sel-empty-tec", ",\"test_event_code\":\"\"")).then().statusCode(202);
        assertEquals(null, TikTokFake.byEventId("sel-empty-tec").envelope().get("test_event_code"));
    }

    // --- nothing vanishes silently ----------------------------------------------------------------------------

    @Test
    void wrongTypedGroupsAndFieldsAreWarningsNamingThem() throws Exception {
        Response r = post("/events", "{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"event_id\":\"groups-1\","
                + "\"user\":\"jane@example.com\",\"page\":[\"https://x.example\"],\"properties\":{\"contents\":{\"content_id\":\"a\"},"
                + "\"currency\":978,\"value\":\"(null)\",\"query\":false,\"order_id\":1.5}}");
        assertEquals(202, r.statusCode(), r.asString());
        assertEquals("{\"index\":0,\"sent\":[{\"rule\":\"rule-plain-event\","
                + "\"event\":\"Purchase\",\"event_id\":\"groups-1\",\"pixel\":\"default\"}],\"warnings\":["
                + "\"user: must be a JSON object, not a JSON string, left out\","
                + "\"page: must be a JSON object, not a JSON array, left out\","
                + "\"properties.contents: must be an array of objects, not a JSON object, left out\","
                + "\"properties.currency: must be a string, not a JSON number, left out\","
                + "\"properties.value: not a number, left out\","
                + "\"properties.order_id: must be a string (or a whole number), not a JSON number with a fraction or exponent, left out\","
                + "\"properties.query: must be a string, not a JSON boolean, left out\"],"
                + "\"status\":\"forwarded\",\"event_type\":\"Purchase\"}", outcome(r));
        assertEquals("{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"event_id\":\"groups-1\","
                + "\"user\":{\"user_agent\":\"InputContract/1.0\"}}", sent("groups-1"));

        r = post("/events", "{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"event_id\":{\"id\":1},"
                + "\"user\":{\"email\":12345,\"phone\":14155550123,\"external_id\":[\"u-1\",true],\"zip_code\":94107,\"ip\":{}},"
                + "\"properties\":{\"contents\":[\"sku-1\",{\"content_id\":9077218,\"content_name\":7,\"price\":1e400,\"quantity\":1e400}]}}");
        assertEquals(202, r.statusCode(), r.asString());
        JsonNode o = json(r).path("events").get(0);
        assertEquals("[\"event_id: must be a string (or a whole number), not a JSON object, left out\","
                + "\"user.email: must be a string, not a JSON number, left out\","
                + "\"user.external_id: must be a string or an array of strings, not a JSON boolean, left out\","
                + "\"user.zip_code: must be a string, not a JSON number, left out\","
                + "\"user.ip: must be a string, not a JSON object, left out\","
                + "\"properties.contents.0: must be an object, not a JSON string, left out\","
                + "\"properties.contents.1.content_name: must be a string, not a JSON number, left out\","
                + "\"properties.contents.1.quantity: must be a whole number from 1 to 1000000000, left out\","
                + "\"properties.contents.1.price: must be a number from 0 to 1000000000000, left out\"]", o.path("warnings").toString());
        assertEquals("forwarded", o.path("status").asText());
        List<TikTokFake.Received> got = TikTokFake.await(
                x -> x.event().path("properties").path("contents").path(0).path("content_id").asText().equals("9077218"), 1,
                Duration.ofSeconds(5));
        assertEquals(1, got.size());
        // phone as a whole number: its digits (lossless); external_id: the string element only
        assertEquals("{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"user\":{"
                + "\"phone\":\"36a2cef4ff9bf7a1abd2a93359136b870393be4106e6c5d19b72ff564f9deca4\","
                + "\"external_id\":\"" + sha256("u-1") + "\",\"user_agent\":\"InputContract/1.0\"},"
                + "\"properties\":{\"contents\":[{\"content_id\":\"9077218\"}],\"content_type\":\"product\"}}", got.get(0).event().toString());
    }

    @Test
    void eventNameMustBeAString() throws Exception {
        Response r = post("/events", "{\"event\":42,\"event_time\":" + NOW + ",\"event_id\":\"name-num\"}");
        assertEquals(400, r.statusCode());
        assertEquals("{\"index\":0,\"rejections\":[{\"rule\":\"rule-plain-event\","
                + "\"field\":\"event\",\"reason\":\"must be a string, not a JSON number\"}],\"status\":\"rejected\",\"event_type\":\"42\"}", outcome(r));
        r = post("/events", "{\"event\":\"Purchase\\u202e\",\"event_time\":" + NOW + ",\"event_id\":\"name-bidi\"}");
        assertEquals(400, r.statusCode());
        assertEquals("contains control or bidirectional-formatting characters",
                json(r).path("events").get(0).path("rejections").get(0).path("reason").asText());
        nothingSent("name-num");
        nothingSent("name-bidi");
    }

    @Test
    void futureTimesAreRejectedBeforeATikTokCall() throws Exception {
        for (String t : List.of(String.valueOf(NOW + 3600), "1e20", "\"2999-01-01T00:00:00Z\"")) {
            Response r = post("/events", "{\"event\":\"Purchase\",\"event_time\":" + t + ",\"event_id\":\"future\"}");
            assertEquals(400, r.statusCode(), t + ": " + r.asString());
            JsonNode rej = json(r).path("events").get(0).path("rejections").get(0);
            assertEquals("event_time", rej.path("field").asText());
            assertEquals("more than 5m after the time received (forwarder.event-time.max-future-skew): a clock or unit mistake",
                    rej.path("reason").asText());
        }
        nothingSent("future");
        post("/events", plain("future-skew-ok", "").replace(String.valueOf(NOW), String.valueOf(NOW + 120))).then().statusCode(202);
        TikTokFake.byEventId("future-skew-ok");
    }

    // --- e-mail and hashed fields -------------------------------------------------------------------------------

    @Test
    void emailIsNfcNormalisedAndValidated() throws Exception {
        String nfc = sha256("zo\u00eb@example.com");
        post("/events", plain("mail-nfd", ",\"user\":{\"email\":\" ZOE\\u0308@Example.com \"}")).then().statusCode(202);
        post("/events", plain("mail-nfc", ",\"user\":{\"email\":\"zo\\u00eb@example.com\"}")).then().statusCode(202);
        assertEquals(nfc, TikTokFake.byEventId("mail-nfd").event().path("user").path("email").asText());
        assertEquals(nfc, TikTokFake.byEventId("mail-nfc").event().path("user").path("email").asText());

        String[][] bad = {{"not-an-email", "not a valid e-mail address"}, {"@example.com", "not a valid e-mail address"},
                {"jane@localhost", "not a valid e-mail address"}, {"jane@@example.com", "not a valid e-mail address"},
                {"jane doe@example.com", "not a valid e-mail address"},
                {"jane\\u0000@example.com", "contains control or bidirectional-formatting characters"},
                {"jane\\u202e@example.com", "contains control or bidirectional-formatting characters"},
                {"   ", "empty"}};
        for (int i = 0; i < bad.length; i++) {
            String id = "mail-bad-" + i;
            Response r = post("/events", plain(id, ",\"user\":{\"email\":\"" + bad[i][0] + "\"}"));
            assertEquals(202, r.statusCode());
            assertEquals("[\"user.email: " + bad[i][1] + ", left out\"]", json(r).path("events").get(0).path("warnings").toString(), bad[i][0]);
            assertEquals("{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"event_id\":\"" + id
                    + "\",\"user\":{\"user_agent\":\"InputContract/1.0\"}}", sent(id));
        }
    }

    @Test
    void everyHashedFieldRefusesControlCharactersAndEmptyResults() throws Exception {
        Response r = post("/events", plain("hash-care", ",\"user\":{\"first_name\":\"Ja\\u0000ne\",\"last_name\":\"\\u2066Doe\","
                + "\"zip_code\":\" \\u00a0 \",\"external_id\":\"id\\u0007\",\"phone\":\"+1 415 555 0123\\u200f\"}"));
        assertEquals(202, r.statusCode());
        assertEquals("[\"user.phone: contains control or bidirectional-formatting characters, left out\","
                + "\"user.external_id: contains control or bidirectional-formatting characters, left out\","
                + "\"user.first_name: contains control or bidirectional-formatting characters, left out\","
                + "\"user.last_name: contains control or bidirectional-formatting characters, left out\","
                + "\"user.zip_code: empty, left out\"]", json(r).path("events").get(0).path("warnings").toString());
        assertEquals("{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"event_id\":\"hash-care\","
                + "\"user\":{\"user_agent\":\"InputContract/1.0\"}}", sent("hash-care"));
    }

    // --- redaction ------------------------------------------------------------------------------------------------

    @Test
    void emailsAndPhonesInFreeTextAreRedactedWithAWarning() throws Exception {
        Response r = post("/events", plain("redact-1", ",\"page\":{\"url\":\"https://shop.example/p/Jane.Doe@example.com?email=jane%40example.com"
                + "&tel=%2B1%20415%20555%200123&ttclid=E.C.P.abc&sku=SKU-1\",\"referrer\":\"https://mail.example/?to=jane%2540example.com\"},"
                + "\"properties\":{\"description\":\"Call me on (415) 555-0123 or +44 20 7946 0958, mail j.d+x@example.co.uk.\\nThanks\"}"));
        assertEquals(202, r.statusCode(), r.asString());
        assertEquals("[\"page.url: e-mail address or phone number removed (forwarder.redaction.enabled)\","
                + "\"page.referrer: e-mail address or phone number removed (forwarder.redaction.enabled)\","
                + "\"properties.description: e-mail address or phone number removed (forwarder.redaction.enabled)\"]",
                json(r).path("events").get(0).path("warnings").toString());
        assertEquals("{\"event\":\"Purchase\",\"event_time\":" + NOW + ",\"event_id\":\"redact-1\","
                + "\"user\":{\"user_agent\":\"InputContract/1.0\",\"ttclid\":\"E.C.P.abc\"},"
                + "\"page\":{\"url\":\"https://shop.example/p/REDACTED?email=REDACTED&tel=REDACTED&ttclid=E.C.P.abc&sku=SKU-1\","
                + "\"referrer\":\"https://mail.example/?to=REDACTED\"},"
                + "\"properties\":{\"description\":\"Call me on REDACTED or REDACTED, mail REDACTED.\\nThanks\"}}", sent("redact-1"));
        // nothing to remove: no warning, the text unchanged
        r = post("/events", plain("redact-none", ",\"page\":{\"url\":\"https://shop.example/p/12345?order=2025-03-14\"}"));
        assertEquals("https://shop.example/p/12345?order=2025-03-14", TikTokFake.byEventId("redact-none").event().path("page").path("url").asText());
        assertTrue(json(r).path("events").get(0).path("warnings").isMissingNode());
    }

    static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
