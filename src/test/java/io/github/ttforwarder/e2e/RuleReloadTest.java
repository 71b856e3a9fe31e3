package io.github.ttforwarder.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Editing a rule file changes what is forwarded while the forwarder runs, without a rebuild: the README's
 * example rule is dropped into a watched rules folder, then edited.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
@TestProfile(RuleReloadTest.WatchedRulesFolder.class)
class RuleReloadTest {

    static final Path DIR = Path.of("target", "reload-routes").toAbsolutePath();

    /** Rules from target/reload-routes (a copy of the shipped plain-event rule to start with), watched. */
    public static class WatchedRulesFolder implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.createDirectories(DIR);
                try (var files = Files.list(DIR)) {
                    for (Path p : files.toList()) {
                        Files.delete(p);
                    }
                }
                Files.copy(Path.of("routes", "plain-event-rules.xml"), DIR.resolve("plain-event-rules.xml"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("forwarder.rules.directory", DIR.toString());
        }
    }

    private static final String RULE = """
            - route:
                id: rule-site-search
                group: tiktok-rules
                from:
                  uri: direct:rule-site-search
                  steps:
                    - filter:
                        simple: "${header.ForwarderEventType} == 'siteSearch'"
                        steps:
                          - setHeader:
                              name: tiktok.event
                              constant: %s
                          - setHeader:
                              name: tiktok.properties.query
                              simple: "${body[xdm][siteSearch][query]}"
                          - to: direct:tiktok-event
            """;

    private static String search(String id) {
        return "{\"xdm\":{\"eventType\":\"siteSearch\",\"_id\":\"" + id + "\",\"timestamp\":\"2025-03-14T09:44:20Z\","
                + "\"siteSearch\":{\"query\":\"red socks\"}}}";
    }

    private static String statusOf(String id) {
        return given().contentType("application/json").body(search(id)).when().post("/events")
                .then().statusCode(202).extract().path("events[0].status");
    }

    @Test
    void addingAndEditingARuleFileTakesEffectWithoutRestart() throws Exception {
        assertEquals("unmatched", statusOf("search-0"));

        Files.writeString(DIR.resolve("search-rules.yaml"), RULE.formatted("Search"));
        String id = awaitForwarded("search-1");
        TikTokFake.Received r = TikTokFake.byEventId(id);
        assertEquals("Search", r.event().path("event").asText());
        assertEquals("red socks", r.event().path("properties").path("query").asText());

        Files.writeString(DIR.resolve("search-rules.yaml"), RULE.formatted("SiteSearch"));
        long end = System.currentTimeMillis() + 20_000;
        int n = 0;
        String event;
        do {
            Thread.sleep(300);
            String next = "search-edit-" + n++;
            given().contentType("application/json").body(search(next)).when().post("/events").then().statusCode(202);
            event = TikTokFake.byEventId(next).event().path("event").asText();
        } while (!event.equals("SiteSearch") && System.currentTimeMillis() < end);
        assertEquals("SiteSearch", event);
    }

    private static String awaitForwarded(String prefix) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        int n = 0;
        while (System.currentTimeMillis() < end) {
            String id = prefix + "-" + n++;
            if ("forwarded".equals(statusOf(id))) {
                return id;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the new rule file was not loaded within 20 s");
    }
}
