package io.github.ttforwarder.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fake TikTok for the operations tests, with 100–300 ms latency: the default pixel has NO access token (dry run),
 * the named pixel {@code brand2} is live. A request holding event_id {@code retry-1} is answered once with
 * {@code 50000} (retried), then OK; one holding {@code reject-1} always with {@code 40001} (dead-lettered);
 * anything else with {@code code 0}.
 */
public class OpsTikTokFake implements QuarkusTestResourceLifecycleManager {

    static final String PATH = "/open_api/v1.3/event/track/";
    private static volatile WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        server.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(ok("{\"code\":0,\"message\":\"OK\",\"request_id\":\"ok-1\",\"data\":{}}")));
        server.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing("\"retry-1\""))
                .inScenario("retry").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered")
                .willReturn(ok("{\"code\":50000,\"message\":\"System error\",\"request_id\":\"retry-req-1\",\"data\":{}}")));
        server.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing("\"reject-1\""))
                .willReturn(ok("{\"code\":40001,\"message\":\"Parameter error: no permission for this pixel\","
                        + "\"request_id\":\"reject-req-1\",\"data\":{}}")));
        Path data = Path.of("target", "test-data", "ops-" + UUID.randomUUID()).toAbsolutePath();
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tiktok.api.base-url", server.baseUrl());
        cfg.put("tiktok.pixel-code", "OPSDEFAULT");
        cfg.put("tiktok.access-token", "");
        cfg.put("tiktok.pixels.brand2.code", "BRAND2PIXEL");
        cfg.put("tiktok.pixels.brand2.access-token", "brand2-token");
        cfg.put("forwarder.event-time.max-age", "36500d"); // some posts carry fixed 2025 times
        cfg.put("forwarder.batch.max-wait", "20ms");
        cfg.put("forwarder.retry.initial-delay", "50ms");
        cfg.put("forwarder.retry.max-delay", "100ms");
        cfg.put("forwarder.match-quality.window", "4");
        cfg.put("forwarder.dry-run.file", data.resolve("dry-run.jsonl").toString());
        cfg.put("forwarder.dead-letter.dir", data.resolve("dead-letters").toString());
        return cfg;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)
                .withUniformRandomDelay(100, 300);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
