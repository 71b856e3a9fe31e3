package io.github.ttforwarder.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The fake TikTok for end-to-end tests: WireMock on a dynamic port answering {@code {"code":0}} on
 * {@code /open_api/v1.3/event/track/}, and the forwarder configured live against it (default pixel
 * {@value #PIXEL} with token {@value #TOKEN}, named pixel {@code brand2}, phone region US, short batch wait,
 * loopback as trusted proxy). Static accessors read what TikTok received; every request is checked by
 * {@link StrictEventsApiValidator} (a strict fake: an invalid request fails the test that reads it).
 */
public class TikTokFake implements QuarkusTestResourceLifecycleManager {

    public static final String PIXEL = "E2EPIXEL";
    public static final String TOKEN = "e2e-token";
    public static final String BRAND2_PIXEL = "BRAND2PIXEL";
    public static final String PATH = "/open_api/v1.3/event/track/";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        stubOk();
        Path data = Path.of("target", "test-data", "e2e-" + UUID.randomUUID()).toAbsolutePath();
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tiktok.api.base-url", server.baseUrl());
        cfg.put("tiktok.pixel-code", PIXEL);
        cfg.put("tiktok.access-token", TOKEN);
        cfg.put("tiktok.pixels.brand2.code", BRAND2_PIXEL);
        cfg.put("tiktok.pixels.brand2.access-token", "brand2-token");
        cfg.put("forwarder.phone.default-region", "US");
        cfg.put("forwarder.http.trusted-proxies", "127.0.0.1,::1");
        cfg.put("forwarder.batch.max-wait", "20ms");
        cfg.put("forwarder.retry.initial-delay", "20ms");
        cfg.put("forwarder.retry.max-delay", "100ms");
        cfg.put("forwarder.dry-run.file", data.resolve("dry-run.jsonl").toString());
        cfg.put("forwarder.dead-letter.dir", data.resolve("dead-letters").toString());
        // The shared fixtures and cases carry event times from 2019 on: replaying them needs a wider window.
        cfg.put("forwarder.event-time.max-age", "36500d");
        return cfg;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Answers every track call with TikTok's OK body. */
    public static void stubOk() {
        server.resetAll();
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":0,\"message\":\"OK\",\"request_id\":\"fake-1\",\"data\":{}}")));
    }

    /** Forgets the requests received so far. */
    public static void reset() {
        server.resetRequests();
    }

    /** @return every track request received so far. */
    public static List<LoggedRequest> requests() {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo(PATH)));
    }

    /** One TikTok event as received, with the envelope and headers of its request. */
    public record Received(ObjectNode envelope, ObjectNode event, String accessToken, String contentType) {
    }

    /** @return every event received so far, in arrival order. */
    public static List<Received> events() {
        List<Received> out = new ArrayList<>();
        for (LoggedRequest r : requests()) {
            try {
                ObjectNode envelope = (ObjectNode) JSON.readTree(r.getBodyAsString());
                List<String> violations = StrictEventsApiValidator.violations(envelope);
                if (!violations.isEmpty()) {
                    throw new AssertionError("TikTok received an invalid Events API 2.0 request: " + violations);
                }
                for (JsonNode e : envelope.path("data")) {
                    out.add(new Received(envelope, (ObjectNode) e, r.getHeader("Access-Token"), r.getHeader("Content-Type")));
                }
            } catch (java.io.IOException e) {
                throw new AssertionError("TikTok received a body that is not JSON", e);
            }
        }
        return out;
    }

    /**
     * Waits until at least {@code count} received events pass the test, then a little longer to catch extras.
     *
     * @return the matching events
     */
    public static List<Received> await(Predicate<Received> test, int count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        List<Received> found;
        do {
            found = events().stream().filter(test).toList();
            if (found.size() >= count) {
                break;
            }
            sleep(10);
        } while (System.nanoTime() < end);
        sleep(count == 0 ? 250 : 60);
        return events().stream().filter(test).toList();
    }

    /** @return the event with this event_id, waiting up to 5 s; fails when there is none. */
    public static Received byEventId(String eventId) {
        List<Received> found = await(r -> eventId.equals(r.event().path("event_id").asText(null)), 1, Duration.ofSeconds(5));
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one TikTok event with event_id " + eventId + ", got " + found.size());
        }
        return found.get(0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
