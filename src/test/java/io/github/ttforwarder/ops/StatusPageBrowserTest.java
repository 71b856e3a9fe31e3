package io.github.ttforwarder.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The status page in a real headless Chromium ({@code src/test/browser/status-page.mjs}, playwright-core with Debian's
 * {@code /usr/bin/chromium}; both installed by {@code .ci/run}): after the shipped samples and a few live events are
 * posted, the page shows non-zero counters, the match-quality table, TikTok's failure and the dead-letter links, and
 * refreshes itself; the screenshot is saved to {@code target/status-page.png}. Without Chromium or the npm folder the
 * test is skipped, except under CI ({@code CI} set), where it fails.
 */
@QuarkusTest
@WithTestResource(OpsTikTokFake.class)
class StatusPageBrowserTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void theStatusPageShowsLiveCountersInChromium() throws Exception {
        Path browserDir = Path.of("src/test/browser");
        boolean ready = Files.isExecutable(Path.of("/usr/bin/chromium"))
                && Files.isDirectory(browserDir.resolve("node_modules/playwright-core"));
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(ready, "needs /usr/bin/chromium and npm install in src/test/browser (.ci/run does both)");
        }
        post("/events", Files.readString(Path.of("samples/plain-events.json")));
        post("/ee/v2/collect", Files.readString(Path.of("samples/edge-collect-checkout.json")));
        post("/ee/v2/interact", Files.readString(Path.of("samples/edge-interact-pageview.json")));
        given().contentType("text/plain").body(Files.readString(Path.of("samples/websdk-purchase-interact.json")))
                .when().post("/ee/v1/interact?configId=demo").then().statusCode(200);
        for (String id : new String[] {"page-1", "page-2", "reject-1"}) {
            post("/events", "{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"" + id + "\",\"pixel\":\"brand2\","
                    + "\"user\":{\"email\":\"jane@example.com\",\"ip\":\"203.0.113.7\",\"user_agent\":\"Mozilla/5.0\"}}");
        }
        Path shot = Path.of("target", "status-page.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        String url = management.toURI().resolve("/").toString();
        Process node = new ProcessBuilder("node", "status-page.mjs", url, shot.toString()).directory(browserDir.toFile())
                .redirectErrorStream(true).start();
        boolean ended = node.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            node.destroyForcibly();
        }
        String out = new String(node.getInputStream().readAllBytes());
        assertTrue(ended, "the browser test ended: " + out);
        assertEquals(0, node.exitValue(), out);
        JsonNode page = new ObjectMapper().readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        assertTrue(page.path("inbound").get(0).asLong() >= 8, "received: " + page);
        assertTrue(page.path("inbound").get(3).asLong() >= 8, "forwarded: " + page);
        JsonNode defaultPixel = page.path("pixels").get(0);
        assertEquals("default", defaultPixel.get(0).asText());
        assertEquals("dry run", defaultPixel.get(2).asText());
        assertTrue(defaultPixel.get(6).asLong() > 0, "dry-run count: " + page);
        JsonNode brand2 = page.path("pixels").get(1);
        assertEquals("live", brand2.get(2).asText());
        assertTrue(brand2.get(5).asLong() >= 2, "delivered: " + page);
        assertTrue(page.path("matchQualityRows").asInt() >= 3, page.toString());
        assertTrue(page.path("matchQualityTop").asText().startsWith("Most useful improvement - "), page.toString());
        assertTrue(page.path("failures").toString().contains("40001"), page.toString());
        assertTrue(page.path("deadLetterLinks").toString().contains("/admin/dead-letters?reason=40001&pixel=brand2"), page.toString());
        assertEquals(0, page.path("errors").size(), page.toString());
        assertTrue(Files.size(shot) > 10_000, "screenshot saved: " + shot);
    }

    private static void post(String path, String body) {
        int status = given().contentType("application/json").body(body).when().post(path).then().extract().statusCode();
        assertTrue(status == 200 || status == 202, path + " answered " + status);
    }
}
