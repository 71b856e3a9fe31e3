package io.github.ttforwarder.delivery;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The fake TikTok: a WireMock server on a dynamic port, plus the test configuration (one pixel per test so
 * tests never see each other's requests; small batch wait, retry delays and read timeout).
 */
public class TikTokFakeResource implements QuarkusTestResourceLifecycleManager {

    /** Pixels used by the tests: name → code; token is "token-" + name. */
    public static final List<String> PIXELS = List.of("basic", "ratelimit", "s5xx", "timeout", "batch", "revoked",
            "dedup", "replay", "split");

    /** Read timeout configured for the tests, ms (8 s: a shared, loaded machine must not turn slow fake answers into retries). */
    public static final int READ_TIMEOUT_MS = 8000;

    private WireMockServer server;

    /** @return the pixel code of a test pixel. */
    public static String code(String pixel) {
        return "PX_" + pixel.toUpperCase();
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().extensions(new BadContentIdTransformer()));
        server.start();
        Path data = Path.of("target", "test-data", UUID.randomUUID().toString()).toAbsolutePath();
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tiktok.api.base-url", server.baseUrl());
        cfg.put("tiktok.pixel-code", "PX_DRYRUN");
        cfg.put("tiktok.access-token", "");
        for (String p : PIXELS) {
            cfg.put("tiktok.pixels." + p + ".code", code(p));
            cfg.put("tiktok.pixels." + p + ".access-token", "token-" + p);
        }
        cfg.put("forwarder.batch.max-wait", "200ms");
        cfg.put("forwarder.http.read-timeout", READ_TIMEOUT_MS + "ms");
        // these tests are about answers, not throughput: the 4 senders they were written with (FieldDeliveryTest
        // covers concurrency), so a loaded machine does not turn their 2 s read timeout into retries
        cfg.put("forwarder.http.concurrency", "4");
        cfg.put("forwarder.http.connect-timeout", "1s");
        cfg.put("forwarder.retry.initial-delay", "20ms");
        cfg.put("forwarder.retry.max-delay", "200ms");
        cfg.put("forwarder.retry.max-attempts", "5");
        cfg.put("forwarder.retry.max-elapsed", "30s");
        cfg.put("forwarder.dry-run.file", data.resolve("dry-run/tiktok-requests.jsonl").toString());
        cfg.put("forwarder.dead-letter.dir", data.resolve("dead-letters").toString());
        cfg.put("forwarder.dedup.journal", data.resolve("delivered-keys.bin").toString());
        return cfg;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectWireMock.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /**
     * Answers like TikTok for a body with a non-string {@code properties.contents[0].content_id}:
     * {@code 40002} with {@code Batch.<index>.properties.contents.0.content_id: Not a valid string}, where index is
     * the bad event's position in this request's {@code data[]}; else {@code 0}.
     */
    public static class BadContentIdTransformer implements ResponseDefinitionTransformerV2 {

        /** Name to use in {@code withTransformers(...)}. */
        public static final String NAME = "bad-content-id";
        private static final ObjectMapper MAPPER = new ObjectMapper();

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            try {
                JsonNode body = MAPPER.readTree(serveEvent.getRequest().getBodyAsString());
                JsonNode data = body.path("data");
                for (int i = 0; i < data.size(); i++) {
                    JsonNode id = data.get(i).path("properties").path("contents").path(0).path("content_id");
                    if (!id.isMissingNode() && !id.isTextual()) {
                        return json("{\"code\":40002,\"message\":\"Batch." + i
                                + ".properties.contents.0.content_id: Not a valid string\",\"request_id\":\"req-bad-"
                                + i + "\",\"data\":{}}");
                    }
                }
                return json("{\"code\":0,\"message\":\"OK\",\"request_id\":\"req-ok\",\"data\":{}}");
            } catch (Exception e) {
                return ResponseDefinitionBuilder.responseDefinition().withStatus(400).withBody("bad json").build();
            }
        }

        private static ResponseDefinition json(String body) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody(body).build();
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
}
