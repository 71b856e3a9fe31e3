package io.github.ttforwarder.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A fake TikTok for process-level tests: WireMock on a free port; every track request waits a random
 * 10–60 ms and, with the given probability, answers {@code 40100} (TikTok's "too many requests", retried by the
 * forwarder), else {@code code 0}. Counts, per event_id, how often TikTok ACCEPTED it (code 0 only) and when the
 * first accepting answer went out (epoch ms, receipt + the drawn latency), and per Access-Token how many events it
 * accepted (tells instances apart).
 */
public final class FlakyTikTok implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private final Map<String, Long> firstAnsweredAt = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byToken = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();

    /** @param throttleProbability share of requests answered 40100 (0..1); latency 10–60 ms */
    public FlakyTikTok(double throttleProbability) {
        this(throttleProbability, 10, 60);
    }

    /**
     * @param throttleProbability share of requests answered 40100 (0..1)
     * @param minLatencyMs        least answer latency, ms
     * @param maxLatencyMs        most answer latency, ms (e.g. 100–600 like the real API)
     */
    public FlakyTikTok(double throttleProbability, int minLatencyMs, int maxLatencyMs) {
        server = new WireMockServer(options().dynamicPort().containerThreads(64).extensions(new ResponseDefinitionTransformerV2() {
            @Override
            public ResponseDefinition transform(ServeEvent serveEvent) {
                requests.incrementAndGet();
                int delay = ThreadLocalRandom.current().nextInt(minLatencyMs, Math.max(minLatencyMs + 1, maxLatencyMs));
                if (ThreadLocalRandom.current().nextDouble() < throttleProbability) {
                    throttled.incrementAndGet();
                    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(delay)
                            .withBody("{\"code\":40100,\"message\":\"Too many requests\",\"request_id\":\"fake-throttle\"}").build();
                }
                try {
                    JsonNode body = JSON.readTree(serveEvent.getRequest().getBodyAsString());
                    String token = serveEvent.getRequest().getHeader("Access-Token");
                    long answerAt = System.currentTimeMillis() + delay;
                    for (JsonNode e : body.path("data")) {
                        accepted.computeIfAbsent(e.path("event_id").asText(), k -> new AtomicInteger()).incrementAndGet();
                        firstAnsweredAt.putIfAbsent(e.path("event_id").asText(), answerAt);
                        byToken.computeIfAbsent(token, k -> new AtomicInteger()).incrementAndGet();
                    }
                } catch (Exception e) {
                    return aResponse().withStatus(400).withBody("{\"code\":40001,\"message\":\"not json\"}").build();
                }
                return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(delay)
                        .withBody("{\"code\":0,\"message\":\"OK\",\"request_id\":\"fake-ok\",\"data\":{}}").build();
            }

            @Override
            public String getName() {
                return "flaky-tiktok";
            }
        }));
        server.start();
        server.stubFor(post(urlEqualTo("/open_api/v1.3/event/track/")).willReturn(aResponse().withStatus(200)));
    }

    /** @return the base URL for {@code TIKTOK_API_BASE_URL} */
    public String baseUrl() {
        return server.baseUrl();
    }

    /** @return event_id → how often TikTok accepted it */
    public Map<String, AtomicInteger> accepted() {
        return accepted;
    }

    /** @return event_id → epoch ms when TikTok's first accepting answer for it was sent */
    public Map<String, Long> firstAnsweredAt() {
        return firstAnsweredAt;
    }

    /** @return Access-Token → events accepted with it */
    public Map<String, AtomicInteger> byToken() {
        return byToken;
    }

    /** @return track requests received */
    public int requests() {
        return requests.get();
    }

    /** @return requests answered 40100 */
    public int throttled() {
        return throttled.get();
    }

    @Override
    public void close() {
        server.stop();
    }
}
