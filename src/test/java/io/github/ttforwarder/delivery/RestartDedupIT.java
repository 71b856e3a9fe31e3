package io.github.ttforwarder.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.delivery.dedup.DeliveredKeyJournal;
import io.github.ttforwarder.support.FlakyTikTok;
import io.github.ttforwarder.support.ForwarderProcess;
import io.github.ttforwarder.support.KafkaBrokerProcess;

/**
 * Local dedup survives {@code kill -9}: the PACKAGED forwarder (default {@code forwarder.dedup.journal}) forwards three
 * events, is killed with SIGKILL once TikTok accepted them, and started again in the same folder. The same three
 * events posted again (a client retrying after the outage, a redelivered bus message) are answered
 * {@code deduplicated} with their event_ids and never reach TikTok a second time; a new event in the same request is
 * forwarded.
 */
class RestartDedupIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void eventsTikTokAcceptedBeforeAKillNineAreDeduplicatedAfterTheRestart() throws Exception {
        Path root = Path.of("target", "restart-dedup-" + java.util.UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        try (FlakyTikTok tiktok = new FlakyTikTok(0)) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("TIKTOK_API_BASE_URL", tiktok.baseUrl());
            env.put("TIKTOK_PIXEL_CODE", "ITPIXEL");
            env.put("TIKTOK_ACCESS_TOKEN", "it-token");
            env.put("FORWARDER_BATCH_MAX_WAIT", "50ms");
            try (ForwarderProcess fwd = new ForwarderProcess(root, KafkaBrokerProcess.freePort(), env).start()) {
                JsonNode first = post(fwd, events("r-1", "r-2", "r-3"));
                assertEquals(3, first.path("forwarded").asInt(), first.toString());
                awaitAccepted(tiktok, List.of("r-1", "r-2", "r-3"));
                Thread.sleep(300); // the answer read and the keys journalled (they are written before the event is done)
                fwd.kill();
                assertEquals(3 * DeliveredKeyJournal.RECORD, Files.size(root.resolve("data/delivered-keys.bin")),
                        "one 24-byte record per accepted event");

                fwd.start();
                JsonNode again = post(fwd, events("r-1", "r-2", "r-3", "r-4"));
                List<String> statuses = new ArrayList<>();
                again.path("events").forEach(e -> statuses.add(e.path("status").asText() + " "
                        + e.path("deduplicated").path(0).path("event_id").asText(e.path("sent").path(0).path("event_id").asText())));
                assertEquals(List.of("deduplicated r-1", "deduplicated r-2", "deduplicated r-3", "forwarded r-4"), statuses,
                        again.toString());
                assertEquals(1, again.path("forwarded").asInt(), "deduplicated events are not counted as forwarded");
                awaitAccepted(tiktok, List.of("r-4"));
                Thread.sleep(500);
                for (String id : List.of("r-1", "r-2", "r-3", "r-4")) {
                    assertEquals(1, tiktok.accepted().get(id).get(), id + " reached TikTok once");
                }
            }
        }
    }

    private static String events(String... ids) {
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            out.add("{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"" + id + "\","
                    + "\"user\":{\"email\":\"restart@example.com\"},\"properties\":{\"currency\":\"EUR\",\"value\":5}}");
        }
        return "[" + String.join(",", out) + "]";
    }

    private static JsonNode post(ForwarderProcess fwd, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(fwd.baseUrl() + "/events"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static void awaitAccepted(FlakyTikTok tiktok, List<String> ids) throws InterruptedException {
        long end = System.currentTimeMillis() + 30_000;
        while (!tiktok.accepted().keySet().containsAll(ids)) {
            assertTrue(System.currentTimeMillis() < end, "TikTok accepted " + ids + " within 30 s");
            Thread.sleep(50);
        }
    }
}
