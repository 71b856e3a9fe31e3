package io.github.ttforwarder.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.github.ttforwarder.support.TikTokFake;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The forwarder as it faces the internet: admin only on the management port and only with the admin token, ingest
 * keys and signatures on the server endpoints, allowed origins on the browser endpoints, and no personal data or token
 * in any answer, log line or dead letter.
 */
@QuarkusTest
@TestProfile(SecurityHttpTest.Profile.class)
@WithTestResource(TikTokFake.class)
class SecurityHttpTest {

    static final String ADMIN = "admin-secret-1";
    static final String KEY_ONE = "key-one-0123456789";
    static final String KEY_TWO = "key-two-9876543210";
    static final Path LOG = Path.of("target", "security-http-test.log").toAbsolutePath();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.deleteIfExists(LOG);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("forwarder.admin.token", ADMIN,
                    "forwarder.ingest.keys.partner", KEY_ONE,
                    "forwarder.ingest.keys.partner-next", KEY_TWO,
                    "forwarder.websdk.allowed-origins", "https://shop.example.com",
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.level", "ALL",
                    "quarkus.log.category.\"io.github.ttforwarder\".level", "DEBUG");
        }
    }

    @TestHTTPResource("/")
    URL main;

    @TestHTTPResource(value = "/", management = true)
    URL managementResource;

    /** http://localhost:<management port>/ (the resource URL carries the management root path /q). */
    String management;

    @org.junit.jupiter.api.BeforeEach
    void managementBase() {
        management = "http://localhost:" + managementResource.getPort() + "/";
    }

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "forwarder.dead-letter.dir")
    String deadLetterDir;

    private static String plain(String id) {
        return "{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"" + id + "\"}";
    }

    private double rejected(String reason) {
        return meters.find("forwarder.ingest.rejected").tag("reason", reason).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void adminIsNotFoundOnTheMainPortHoweverSpelled() throws Exception {
        int port = main.getPort();
        List<String> spellings = List.of("/admin/dead-letters", "/admin/dead-letters?limit=0", "/ADMIN/dead-letters",
                "/Admin/Dead-Letters", "//admin/dead-letters", "/admin//dead-letters", "/ee/../admin/dead-letters",
                "/ee/%2e%2e/admin/dead-letters", "/ee/%2E%2E/admin/dead-letters", "/ee/.%2e/admin/dead-letters",
                "/%2e%2e/admin/dead-letters", "/ee/%252e%252e/admin/dead-letters", "/admin;x=1/dead-letters",
                "/admin/dead-letters;jsessionid=1", "/admin%2Fdead-letters", "/ee%2F..%2Fadmin%2Fdead-letters",
                "/%61dmin/dead-letters", "/./admin/dead-letters", "/ee/v1/../../admin/dead-letters", "/admin/",
                "/admin", "/ee\\..\\admin\\dead-letters", "/q/health", "/q/health/ready", "/q/metrics", "/Q/HEALTH",
                "/events/../q/health/live", "/admin/rules", "/admin/preview", "/admin/status");
        for (String p : spellings) {
            int status = RawHttp.get(port, p);
            // backslashes are refused by the HTTP parser itself (400): also never the admin API
            assertEquals(p.contains("\\") ? 400 : 404, status, "GET " + p);
        }
        String post = RawHttp.send(port, "POST /ee/../admin/dead-letters/replay HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n");
        assertEquals(404, RawHttp.status(post));
        assertTrue(post.contains("application/problem+json"), post);
    }

    @Test
    void managementPortNeedsTheAdminTokenButHealthDoesNot() {
        String list = management + "admin/dead-letters";
        given().when().get(list).then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer")).body("status", equalTo(401));
        given().header("Authorization", "Bearer wrong").when().get(list).then().statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer " + ADMIN + "x").when().get(list).then().statusCode(401);
        given().header("Authorization", "Basic " + ADMIN).when().get(list).then().statusCode(401);
        given().header("X-Api-Key", ADMIN).when().get(list).then().statusCode(401);
        given().header("Authorization", "Bearer " + ADMIN).when().get(list).then().statusCode(200)
                .body("count", org.hamcrest.Matchers.notNullValue());
        given().header("Authorization", "bearer " + ADMIN).when().get(list).then().statusCode(200);
        // replay is covered too, and any admin path added later (not registered: 401 before 404)
        given().when().post(management + "admin/dead-letters/replay?dry=true").then().statusCode(401);
        given().when().get(management + "admin/anything-added-later").then().statusCode(401);
        given().header("Authorization", "Bearer " + ADMIN).when().post(management + "admin/dead-letters/replay?dry=true")
                .then().statusCode(200);
        // probes stay open; metrics need the token (forwarder.admin.metrics-auth=true by default)
        given().when().get(management + "q/health/live").then().statusCode(200);
        given().when().get(management + "q/health/ready").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(503)));
        given().when().get(management + "q/health").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(503)));
        given().when().get(management + "q/metrics").then().statusCode(401);
        given().when().get(management + "q/health/../../admin/dead-letters").then().statusCode(401);
    }

    @Test
    void managementPathTricksDoNotSkipTheToken() throws Exception {
        int port = managementResource.getPort();
        for (String p : List.of("/q/health/../../admin/dead-letters", "/q/health/%2e%2e/%2e%2e/admin/dead-letters",
                "/q/health;x/../../admin/dead-letters", "//admin/dead-letters", "/admin/./dead-letters",
                "/q/health/live/../../../admin/dead-letters", "/q/metrics/../../admin/dead-letters")) {
            int status = RawHttp.get(port, p);
            assertTrue(status == 401 || status == 404 || status == 400, p + " -> " + status);
        }
    }

    @Test
    void serverEndpointsNeedAKeyAndEachActiveKeyWorks() {
        double missing = rejected("missing_key");
        double invalid = rejected("invalid_key");
        for (String path : List.of("/events", "/ee/v2/collect", "/ee/v2/interact")) {
            given().contentType("application/json").body(plain("nokey-1")).when().post(path).then().statusCode(401)
                    .contentType("application/problem+json").body("status", equalTo(401))
                    .body(org.hamcrest.Matchers.not(containsString("nokey-1")));
        }
        given().contentType("application/json").header("Authorization", "Bearer " + KEY_ONE + "0").body(plain("badkey-1"))
                .when().post("/events").then().statusCode(401).contentType("application/problem+json");
        given().contentType("application/json").header("X-Api-Key", "nope").body(plain("badkey-2"))
                .when().post("/events").then().statusCode(401);
        given().contentType("application/json").header("Authorization", "Bearer " + KEY_ONE).body(plain("key-one-1"))
                .when().post("/events").then().statusCode(202).body("forwarded", equalTo(1));
        given().contentType("application/json").header("X-Api-Key", KEY_TWO).body(plain("key-two-1"))
                .when().post("/events").then().statusCode(202).body("forwarded", equalTo(1));
        given().contentType("application/json").header("Authorization", "Bearer " + KEY_TWO)
                .body("{\"events\":[{\"xdm\":{\"eventType\":\"commerce.purchases\",\"_id\":\"key-two-2\",\"timestamp\":\"2025-03-14T09:44:20Z\"}}]}")
                .when().post("/ee/v2/collect").then().statusCode(202);
        TikTokFake.byEventId("key-one-1");
        TikTokFake.byEventId("key-two-1");
        TikTokFake.byEventId("key-two-2");
        assertTrue(TikTokFake.await(r -> r.event().path("event_id").asText().matches("nokey-1|badkey-.*"), 0,
                Duration.ofMillis(300)).isEmpty(), "nothing of a rejected request reaches TikTok");
        assertEquals(missing + 3, rejected("missing_key"));
        assertEquals(invalid + 2, rejected("invalid_key"));
    }

    @Test
    void signedRequestsAreAcceptedWithinTheReplayWindowOnly() {
        long now = System.currentTimeMillis() / 1000;
        String body = plain("signed-1");
        given().contentType("application/json").header("X-Signature", sign(KEY_TWO, now, body)).body(body)
                .when().post("/events").then().statusCode(202).body("forwarded", equalTo(1));
        TikTokFake.byEventId("signed-1");
        String other = plain("signed-bad");
        given().contentType("application/json").header("X-Signature", sign(KEY_TWO, now, body)).body(other)
                .when().post("/events").then().statusCode(401).body("detail", containsString("X-Signature"));
        given().contentType("application/json").header("X-Signature", sign("not-a-key", now, other)).body(other)
                .when().post("/events").then().statusCode(401);
        given().contentType("application/json").header("X-Signature", "t=" + now + ",v1=xyz").body(other)
                .when().post("/events").then().statusCode(401);
        String stale = plain("signed-stale");
        given().contentType("application/json").header("X-Signature", sign(KEY_ONE, now - 400, stale)).body(stale)
                .when().post("/events").then().statusCode(401).body("detail", containsString("replay window"));
        given().contentType("application/json").header("X-Signature", sign(KEY_ONE, now + 400, stale)).body(stale)
                .when().post("/events").then().statusCode(401);
        assertTrue(TikTokFake.await(r -> r.event().path("event_id").asText().matches("signed-(bad|stale)"), 0,
                Duration.ofMillis(300)).isEmpty());
    }

    static String sign(String secret, long t, String body) {
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(IngestKeys.hmac(secret.getBytes(StandardCharsets.UTF_8), t,
                body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String webSdk(String id) {
        return "{\"events\":[{\"xdm\":{\"eventType\":\"commerce.purchases\",\"_id\":\"" + id
                + "\",\"timestamp\":\"2025-03-14T09:44:20Z\",\"commerce\":{\"purchases\":{\"value\":1}}}}]}";
    }

    @Test
    void browserEndpointsNeedNoKeyButAnAllowedOrigin() {
        double origin = rejected("origin");
        given().contentType("text/plain").header("Origin", "https://shop.example.com").body(webSdk("origin-ok-1"))
                .when().post("/ee/v1/interact?configId=x").then().statusCode(200);
        given().contentType("text/plain").header("Referer", "https://shop.example.com/checkout").body(webSdk("origin-ok-2"))
                .when().post("/ee/or2/v1/interact").then().statusCode(200);
        TikTokFake.byEventId("origin-ok-1");
        TikTokFake.byEventId("origin-ok-2");
        List<String[]> foreign = List.of(new String[] {"Origin", "https://evil.example"},
                new String[] {"Origin", "null"}, new String[] {"Origin", "http://shop.example.com"},
                new String[] {"Origin", "https://shop.example.com.evil.example"},
                new String[] {"Origin", "https://shop.example.com:8443"},
                new String[] {"Referer", "https://evil.example/https://shop.example.com/"});
        int i = 0;
        for (String[] h : foreign) {
            String id = "origin-bad-" + i++;
            for (String path : List.of("/ee/v1/interact", "/ee/or2/v1/collect", "/ee/v1/identity/acquire")) {
                given().contentType("text/plain").header(h[0], h[1]).body(webSdk(id)).when().post(path).then()
                        .statusCode(403).contentType("application/problem+json");
            }
        }
        assertEquals(origin + 18, rejected("origin"));
        assertTrue(TikTokFake.await(r -> r.event().path("event_id").asText().startsWith("origin-bad-"), 0,
                Duration.ofMillis(300)).isEmpty());
    }

    /** Personal data in every field, valid and invalid positions: none of it in answers, logs or dead letters. */
    @Test
    void noPersonalDataOrTokenInAnswersLogsOrDeadLetters() throws Exception {
        String email = "Jane.Doe@Example.com";
        String phone = "+1 415 555 0123";
        String[] fields = {"event", "pixel", "test_event_code", "event_time", "limited_data_use"};
        List<String> events = new ArrayList<>();
        int n = 0;
        for (String f : fields) {
            for (String v : List.of(email, phone)) {
                events.add("{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"pii-" + n++ + "\",\"" + f + "\":\""
                        + v + "\"}");
            }
        }
        for (String f : List.of("ip", "user_agent", "ttp", "ttclid", "locale", "zip_code", "first_name", "email", "phone",
                "external_id")) {
            for (String v : List.of(email, phone)) {
                events.add("{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"pii-" + n++
                        + "\",\"user\":{\"" + f + "\":\"" + v + "\"}}");
            }
        }
        for (String f : List.of("currency", "value", "content_type", "description", "query", "order_id", "content_id",
                "content_name", "status")) {
            for (String v : List.of(email, phone)) {
                events.add("{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"pii-" + n++
                        + "\",\"properties\":{\"" + f + "\":\"" + v + "\",\"contents\":[{\"content_id\":\"" + v
                        + "\",\"price\":\"" + v + "\",\"quantity\":\"" + v + "\"}]}}");
            }
        }
        events.add("{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"pii-url\",\"page\":{\"url\":"
                + "\"https://shop.example.com/p?email=jane.doe%40example.com&tel=" + phone + "\",\"referrer\":\"mailto:" + email + "\"}}");
        String batch = "[" + String.join(",", events) + "]";
        List<String> answers = new ArrayList<>();
        answers.add(post("/events", batch, "application/json", true).asString());
        answers.add(post("/events", events.get(0), "application/json", true).asString());
        answers.add(post("/events", events.get(2), "application/json", true).asString());
        answers.add(post("/events", "{\"event\":\"" + email + "\", \"user\":{\"phone\":\"" + phone, "application/json", true).asString());
        String xdm = "{\"xdm\":{\"eventType\":\"" + email + "\",\"_id\":\"pii-xdm\",\"timestamp\":\"" + phone + "\","
                + "\"identityMap\":{\"Email\":[{\"id\":\"" + email + "\"}],\"Phone\":[{\"id\":\"" + phone + "\"}]},"
                + "\"web\":{\"webPageDetails\":{\"URL\":\"https://shop.example.com/?m=" + email + "\"}}},"
                + "\"data\":{\"tiktok\":{\"pixel\":\"" + email + "\",\"eventId\":\"pii-xdm-2\"}}}";
        answers.add(post("/ee/v2/interact", xdm, "application/json", true).asString());
        answers.add(post("/ee/v2/collect", "{\"events\":[" + xdm + "]}", "application/json", true).asString());
        answers.add(given().contentType("text/plain").header("Origin", "https://shop.example.com").body("{\"events\":[" + xdm + "]}")
                .when().post("/ee/v1/interact").asString());
        answers.add(given().header("Authorization", "Bearer " + ADMIN).queryParam("limit", 0)
                .when().get(management + "admin/dead-letters").asString());
        TikTokFake.byEventId("pii-url");
        Thread.sleep(300);                                 // let the asynchronous log lines and dead letters land

        List<String> outputs = new ArrayList<>(answers);
        assertTrue(Files.exists(LOG), "the test's log file");
        outputs.add(Files.readString(LOG));
        try (Stream<Path> files = Files.list(Path.of(deadLetterDir))) {
            for (Path f : files.toList()) {
                outputs.add(Files.readString(f));
            }
        }
        assertTrue(answers.get(answers.size() - 1).contains("pii-"), "the admin listing holds the rejected events");
        assertTrue(outputs.get(answers.size()).contains(PersonalData.EMAIL_MASK), "the log shows the masked values");
        for (String out : outputs) {
            String lower = out.toLowerCase(Locale.ROOT);
            for (String plain : List.of("jane.doe@example.com", "jane.doe%40example.com", "415 555 0123", "4155550123",
                    "(415)", TikTokFake.TOKEN, "brand2-token", KEY_ONE, KEY_TWO, ADMIN)) {
                assertFalse(lower.contains(plain.toLowerCase(Locale.ROOT)), "'" + plain + "' found in: "
                        + excerpt(out, plain));
            }
        }
    }

    private static String excerpt(String out, String plain) {
        int i = out.toLowerCase(Locale.ROOT).indexOf(plain.toLowerCase(Locale.ROOT));
        return out.substring(Math.max(0, i - 300), Math.min(out.length(), i + 200));
    }

    private static Response post(String path, String body, String type, boolean key) {
        var spec = given().contentType(type).body(body);
        if (key) {
            spec = spec.header("Authorization", "Bearer " + KEY_ONE);
        }
        return spec.when().post(path);
    }
}
