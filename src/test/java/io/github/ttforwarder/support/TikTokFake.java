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
 *
 * <p>By default it answers at once and politely ({@link #stubOk()}). {@link #behave(Habits)} gives it the real
 * API's habits instead, per request: a latency range, {@code 429} with {@code Retry-After} (for all tokens or
 * some), HTML {@code 5xx} pages, timeouts (answers later than any read timeout) and partial {@code 40002}
 * naming one {@code Batch.N}. {@link #peakInFlight()} tells how many requests were open at once.
 */
public class TikTokFake implements QuarkusTestResourceLifecycleManager {

    public static final String PIXEL = "E2EPIXEL";
    public static final String TOKEN = "e2e-token";
    public static final String BRAND2_PIXEL = "BRAND2PIXEL";
    public static final String PATH = "/open_api/v1.3/event/track/";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile WireMockServer server;
    private static volatile Habits habits = new Habits();
    private static final java.util.concurrent.atomic.AtomicInteger IN_FLIGHT = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger PEAK = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * How the fake behaves under {@link #behave(Habits)}; every probability is per request, 0..1; fluent setters.
     * Defaults: no latency, always {@code code 0}.
     */
    public static final class Habits {
        int minLatencyMs;
        int maxLatencyMs;
        double rate429;
        String retryAfter = "1";
        java.util.Set<String> tokens429;
        double rateHtml5xx;
        double rateTimeout;
        int timeoutMs = 35_000;
        double rate40002;

        /** Latency of every answer, uniformly random in [min, max] ms. */
        public Habits latency(int minMs, int maxMs) {
            this.minLatencyMs = minMs;
            this.maxLatencyMs = maxMs;
            return this;
        }

        /** HTTP 429 with this {@code Retry-After} (seconds or HTTP date) for the given share of requests. */
        public Habits tooManyRequests(double rate, String retryAfter) {
            this.rate429 = rate;
            this.retryAfter = retryAfter;
            return this;
        }

        /** Limits the 429s to requests carrying one of these {@code Access-Token}s. */
        public Habits only429For(String... tokens) {
            this.tokens429 = java.util.Set.of(tokens);
            return this;
        }

        /** HTML 502/503 pages (no TikTok JSON) for the given share. */
        public Habits html5xx(double rate) {
            this.rateHtml5xx = rate;
            return this;
        }

        /** Answers after {@code delayMs} (longer than the forwarder's read timeout) for the given share. */
        public Habits timeouts(double rate, int delayMs) {
            this.rateTimeout = rate;
            this.timeoutMs = delayMs;
            return this;
        }

        /** {@code 40002} naming one random {@code Batch.N} of the request for the given share. */
        public Habits partial40002(double rate) {
            this.rate40002 = rate;
            return this;
        }
    }

    /** Answers with these habits from now on (requests received so far are kept). */
    public static void behave(Habits h) {
        habits = h;
        server.resetMappings();
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withTransformers(HabitsTransformer.NAME)));
    }

    /** @return most requests that were open at once since the last {@link #resetPeak()} (habits mode only). */
    public static int peakInFlight() {
        return PEAK.get();
    }

    /** Forgets the peak of {@link #peakInFlight()}. */
    public static void resetPeak() {
        PEAK.set(IN_FLIGHT.get());
    }

    /** Applies {@link Habits}: the latency is spent in the request thread, so open requests can be counted. */
    public static final class HabitsTransformer implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        static final String NAME = "tiktok-habits";
        private interface RDB {
            static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder responseDefinition() {
                return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition();
            }
        }

        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent serveEvent) {
            Habits h = habits;
            java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
            int open = IN_FLIGHT.incrementAndGet();
            PEAK.accumulateAndGet(open, Math::max);
            try {
                int latency = h.maxLatencyMs <= 0 ? 0 : rnd.nextInt(h.minLatencyMs, h.maxLatencyMs + 1);
                sleep(latency);
                String token = serveEvent.getRequest().getHeader("Access-Token");
                if (h.rate429 > 0 && (h.tokens429 == null || h.tokens429.contains(token)) && rnd.nextDouble() < h.rate429) {
                    return RDB.responseDefinition().withStatus(429).withHeader("Retry-After", h.retryAfter)
                            .withHeader("Content-Type", "application/json").withBody("{\"code\":40100,\"message\":\"Too many requests\",\"request_id\":\"fake-429\"}").build();
                }
                if (rnd.nextDouble() < h.rateHtml5xx) {
                    return RDB.responseDefinition().withStatus(rnd.nextBoolean() ? 502 : 503)
                            .withHeader("Content-Type", "text/html").withBody("<html><body><h1>502 Bad Gateway</h1></body></html>").build();
                }
                if (rnd.nextDouble() < h.rateTimeout) {
                    sleep(h.timeoutMs);
                }
                if (rnd.nextDouble() < h.rate40002) {
                    int n = 0;
                    try {
                        n = JSON.readTree(serveEvent.getRequest().getBodyAsString()).path("data").size();
                    } catch (java.io.IOException e) {
                        // fall through with index 0
                    }
                    int bad = n <= 0 ? 0 : rnd.nextInt(n);
                    return json("{\"code\":40002,\"message\":\"Batch." + bad
                            + ".properties.contents.0.content_id: Not a valid string\",\"request_id\":\"fake-40002\",\"data\":{}}");
                }
                return json("{\"code\":0,\"message\":\"OK\",\"request_id\":\"fake-1\",\"data\":{}}");
            } finally {
                IN_FLIGHT.decrementAndGet();
            }
        }

        private static com.github.tomakehurst.wiremock.http.ResponseDefinition json(String body) {
            return RDB.responseDefinition().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(body).build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().containerThreads(64).extensions(new HabitsTransformer()));
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
        return cfg;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Answers every track call with TikTok's OK body, at once (the default habits). */
    public static void stubOk() {
        habits = new Habits();
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
