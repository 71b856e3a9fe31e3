package io.github.ttforwarder.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.ttforwarder.support.ForwarderProcess;

/**
 * Process-level (the packaged jar, {@link ForwarderProcess}): the start log says per pixel whether it is live or in
 * dry run and why, a misspelled token variable is named, and {@code forwarder.require-live=true} refuses to start
 * (non-zero exit) while a pixel would run dry.
 */
class RequireLiveIT {

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void requireLiveRefusesToStartWhileAPixelWouldRunDry() throws Exception {
        Path dir = Path.of("target", "it", "require-live-" + System.nanoTime());
        ForwarderProcess p = new ForwarderProcess(dir, freePort(), Map.of("FORWARDER_REQUIRE_LIVE", "true",
                "TIKTOK_PIXEL_CODE", "C4REQUIRE", "TIKTOK_ACESS_TOKEN", "misspelled"));
        IllegalStateException e = assertThrows(IllegalStateException.class, p::start);
        p.close();
        assertTrue(e.getMessage().contains("exited with 1"), e.getMessage());
        String log = Files.readString(dir.resolve("forwarder-1.log"));
        assertTrue(log.contains("Pixel default (C4REQUIRE): DRY RUN - no access token"), log);
        assertTrue(log.contains("Environment variable TIKTOK_ACESS_TOKEN is set but not read by the forwarder; did you mean "
                + "TIKTOK_ACCESS_TOKEN?"), log);
        assertTrue(log.contains("forwarder.require-live=true but pixel(s) default would run in dry run"), log);
        assertTrue(!log.contains("misspelled"), "the token value is never logged");
    }

    @Test
    void aDryRunStartSaysSoAndTheAnswerSaysDryRun() throws Exception {
        Path dir = Path.of("target", "it", "dry-run-" + System.nanoTime());
        try (ForwarderProcess p = new ForwarderProcess(dir, freePort(), Map.of("TIKTOK_PIXEL_CODE", "C4DRY",
                "FORWARDER_REQUIRE_LIVE", "false")).start()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(p.baseUrl() + "/events"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"dry-it-1\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode());
            assertTrue(r.body().contains("\"status\":\"dry_run\""), r.body());
            assertTrue(r.body().contains("\"forwarded\":0,\"dry_run\":1"), r.body());
            String log = Files.readString(dir.resolve("forwarder-1.log"));
            assertTrue(log.contains("Pixel default (C4DRY): DRY RUN - no access token"), log);
            assertTrue(log.contains("TikTok Event Forwarder "), log);
            // the trimmed start log: no framework INFO lines
            assertTrue(!log.contains("INFO  [io.quarkus"), log);
            assertTrue(!log.contains("INFO  [org.apache.camel"), log);
        }
    }
}
