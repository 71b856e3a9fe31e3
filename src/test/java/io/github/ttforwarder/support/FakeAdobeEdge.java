package io.github.ttforwarder.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fake Adobe Edge for the Web SDK relay (WireMock on a dynamic port, plain HTTP). Every request is answered like
 * the Edge: 200 with handles of its own — an {@code identity:result} with {@link #ECID}, a {@code state:store} for the
 * identity cookie ({@link #IDENTITY_COOKIE}), a {@code locationHint:result} and a {@code personalization:decisions} handle —
 * and an Adobe {@code Set-Cookie} on Adobe's own domain; {@link #failNext} makes it answer 503 first.
 *
 * <p>Configures the forwarder: org {@value #ORG} for datastream {@value #DATASTREAM} (others find it in the cookie
 * names), datastream {@value #RELAY_DATASTREAM} relayed to this fake (other
 * datastreams are answered by the forwarder itself), allowed origin {@value #ORIGIN}.
 */
public class FakeAdobeEdge implements QuarkusTestResourceLifecycleManager {

    public static final String ORG = "ABCDEF0123456789ABCDEF01@AdobeOrg";
    public static final String COOKIE_ORG = "ABCDEF0123456789ABCDEF01_AdobeOrg";
    public static final String DATASTREAM = "11111111-2222-3333-4444-555555555555";
    public static final String RELAY_DATASTREAM = "99999999-8888-7777-6666-555555555555";
    public static final String ORIGIN = "https://shop.example.com";
    /** The ECID the fake Adobe Edge hands out. */
    public static final String ECID = "12345678901234567890123456789012345678";
    /** Its identity cookie value (base64url protobuf {1: ECID, 2: 1700000000}). */
    public static final String IDENTITY_COOKIE = io.github.ttforwarder.websdk.AdobeIdentity.encodeCookie(ECID, 1_700_000_000L);

    /** The id of the personalization proposition the fake hands out (the page sees it in sendEvent's result). */
    public static final String PROPOSITION = "fake-adobe-proposition";

    private static volatile WireMockServer server;

    /** Extra configuration a subclass may add (e.g. the browser test's origin and TLS). */
    protected Map<String, String> more() {
        return Map.of();
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        stubOk();
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("forwarder.websdk.allowed-origins", ORIGIN);
        cfg.put("forwarder.websdk.datastreams." + DATASTREAM + ".org-id", ORG);
        cfg.put("forwarder.websdk.datastreams." + RELAY_DATASTREAM + ".upstream", server.baseUrl());
        cfg.put("forwarder.websdk.upstream-timeout", "3s");
        cfg.putAll(more());
        return cfg;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** The body the fake answers every request with. */
    public static String answer() {
        return "{\"requestId\":\"from-adobe\",\"handle\":["
                + "{\"type\":\"identity:result\",\"payload\":[{\"id\":\"" + ECID + "\",\"namespace\":{\"code\":\"ECID\"}}]},"
                + "{\"type\":\"locationHint:result\",\"payload\":[{\"scope\":\"EdgeNetwork\",\"hint\":\"or2\",\"ttlSeconds\":1800}]},"
                + "{\"type\":\"personalization:decisions\",\"payload\":[{\"id\":\"" + PROPOSITION + "\",\"scope\":\"__view__\","
                + "\"scopeDetails\":{},\"items\":[{\"id\":\"item-1\",\"schema\":\"https://ns.adobe.com/personalization/json-content-item\","
                + "\"data\":{\"id\":\"item-1\",\"format\":\"application/json\",\"content\":{\"from\":\"fake-adobe\"}}}]}]},"
                + "{\"type\":\"state:store\",\"payload\":[{\"key\":\"kndctr_" + COOKIE_ORG + "_identity\",\"value\":\""
                + IDENTITY_COOKIE + "\",\"maxAge\":34128000,\"attrs\":{\"SameSite\":\"None\"}},"
                + "{\"key\":\"kndctr_" + COOKIE_ORG + "_cluster\",\"value\":\"or2\",\"maxAge\":1800,\"attrs\":{\"SameSite\":\"None\"}}]}"
                + "]}";
    }

    /** Answers every request as the Edge does. */
    public static void stubOk() {
        server.resetAll();
        server.stubFor(any(anyUrl()).atPriority(5).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json;charset=utf-8")
                .withHeader("x-adobe-edge", "OR2;9")
                .withHeader("Access-Control-Allow-Origin", "*")
                .withHeader("Set-Cookie", "demdex_like=abc; Domain=adobedc.net; Path=/; Max-Age=600; Secure; SameSite=None")
                .withBody(answer())));
    }

    /** The next request is answered {@code status} with {@code Retry-After: 1}, the following ones OK again. */
    public static void failNext(int status) {
        server.resetScenarios();
        server.stubFor(any(anyUrl()).atPriority(1).inScenario("fail").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("ok")
                .willReturn(aResponse().withStatus(status).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"type\":\"https://ns.adobe.com/aep/errors/EXEG-0504-" + status + "\",\"status\":" + status + "}")));
    }

    public static void reset() {
        stubOk();
    }

    /** @return every request the fake received, in arrival order. */
    public static List<LoggedRequest> requests() {
        return server.findAll(anyRequestedFor(anyUrl()));
    }
}
