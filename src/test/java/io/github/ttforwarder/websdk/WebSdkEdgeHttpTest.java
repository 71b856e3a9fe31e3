package io.github.ttforwarder.websdk;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.github.ttforwarder.support.FakeAdobeEdge;
import io.github.ttforwarder.support.TikTokFake;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The Web SDK edge over real HTTP, mechanism by mechanism: CORS on every answer (errors and beacons included),
 * identity handles, consent, requestId dedup, first-party cookies (with X-Forwarded-Proto from a trusted proxy) and
 * the relay to a fake Adobe Edge. The browser-level proof is {@link WebSdkBrowserTest}.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
@WithTestResource(FakeAdobeEdge.class)
class WebSdkEdgeHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN = FakeAdobeEdge.ORIGIN;
    private static final String DS = FakeAdobeEdge.DATASTREAM;
    private static final String IDENTITY = "kndctr_" + FakeAdobeEdge.COOKIE_ORG + "_identity";
    private static final String CONSENT = "kndctr_" + FakeAdobeEdge.COOKIE_ORG + "_consent";

    @Inject
    MeterRegistry meters;

    @BeforeEach
    void reset() {
        FakeAdobeEdge.reset();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    /** One Web SDK event (pageview unless another type), with data.tiktok.eventId when eventId is not null. */
    private static String event(String type, String eventId, String url, String extraXdm) {
        return "{\"xdm\":{\"eventType\":\"" + type + "\",\"timestamp\":\"2026-11-29T22:28:05.293Z\","
                + "\"web\":{\"webPageDetails\":{\"URL\":\"" + url + "\"}}" + (extraXdm == null ? "" : "," + extraXdm) + "},"
                + "\"data\":" + (eventId == null ? "{}" : "{\"tiktok\":{\"eventId\":\"" + eventId + "\"}}") + "}";
    }

    private static String body(String meta, String... events) {
        return "{\"events\":[" + String.join(",", events) + "],\"query\":{\"identity\":{\"fetch\":[\"ECID\"]}},"
                + "\"meta\":" + (meta == null ? "{\"state\":{\"domain\":\"\",\"cookiesEnabled\":true}}" : meta) + "}";
    }

    private static RequestSpecification sdk() {
        return given().contentType("text/plain; charset=UTF-8").header("Origin", ORIGIN).header("User-Agent", "WebSdkTest/1.0");
    }

    private static Response interact(RequestSpecification spec, String configId, String requestId, String body) {
        return spec.queryParam("configId", configId).queryParam("requestId", requestId).body(body)
                .when().post("/ee/v1/interact").then().extract().response();
    }

    private static JsonNode fixture(String name) throws Exception {
        try (InputStream in = WebSdkEdgeHttpTest.class.getResourceAsStream("/fixtures/websdk/" + name)) {
            return JSON.readTree(in);
        }
    }

    private static JsonNode json(Response r) throws Exception {
        return JSON.readTree(r.asByteArray());
    }

    private static void assertCors(Response r) {
        assertEquals(ORIGIN, r.header("Access-Control-Allow-Origin"), "ACAO on " + r.statusCode());
        assertEquals("true", r.header("Access-Control-Allow-Credentials"));
        assertTrue(r.header("Vary").contains("Origin"));
        assertTrue(r.header("Access-Control-Expose-Headers").contains("Retry-After"));
        assertTrue(r.header("Access-Control-Expose-Headers").contains("x-adobe-edge"));
    }

    private static String setCookie(Response r, String name) {
        for (io.restassured.http.Header h : r.headers().getList("Set-Cookie")) {
            if (h.getValue().startsWith(name + "=")) {
                return h.getValue();
            }
        }
        return null;
    }

    private static String cookieValue(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    private static List<TikTokFake.Received> tiktok(String eventId, int count) {
        return TikTokFake.await(r -> eventId.equals(r.event().path("event_id").asText(null)), count,
                Duration.ofMillis(count == 0 ? 400 : 5000));
    }

    // ------------------------------------------------------------------ CORS

    @Test
    void everyAnswerCarriesCorsForAnAllowedOrigin() throws Exception {
        String ok = body(null, event("web.webpagedetails.pageViews", "cors-" + id(), "https://shop.example.com/", null));
        Response r = interact(sdk(), DS, id(), ok);
        assertEquals(200, r.statusCode());
        assertCors(r);

        // 400: not JSON
        r = interact(sdk(), DS, id(), "{not json");
        assertEquals(400, r.statusCode());
        assertCors(r);

        // 413: over the body limit
        r = interact(sdk(), DS, id(), "{\"events\":[],\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
        assertEquals(413, r.statusCode());
        assertCors(r);

        // beacon (sendBeacon to /collect): 204
        r = sdk().queryParam("configId", DS).queryParam("requestId", id()).body(ok).when().post("/ee/v1/collect")
                .then().extract().response();
        assertEquals(204, r.statusCode());
        assertCors(r);

        // 503 and 429 (here: from the relayed Adobe Edge), with Retry-After readable by the page
        for (int status : new int[] {503, 429}) {
            FakeAdobeEdge.failNext(status);
            r = interact(sdk(), FakeAdobeEdge.RELAY_DATASTREAM, id(), ok);
            assertEquals(status, r.statusCode());
            assertCors(r);
            assertEquals("1", r.header("Retry-After"));
        }

        // preflight
        r = given().header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").when().options("/ee/or2/v1/interact")
                .then().extract().response();
        assertEquals(204, r.statusCode());
        assertCors(r);
        assertTrue(r.header("Access-Control-Allow-Methods").contains("POST"));
        assertEquals("content-type", r.header("Access-Control-Allow-Headers"));
    }

    @Test
    void aForeignOriginGetsNoCorsHeaders() {
        String ok = body(null, event("web.webpagedetails.pageViews", "foreign-" + id(), "https://evil.example/", null));
        for (String origin : new String[] {"https://evil.example", "http://shop.example.com", "https://shop.example.com:8443",
                "https://shop.example.com.evil.example", "null"}) {
            Response r = interact(given().contentType("text/plain").header("Origin", origin), DS, id(), ok);
            assertNull(r.header("Access-Control-Allow-Origin"), origin);
            assertNull(r.header("Access-Control-Allow-Credentials"), origin);
            assertTrue(r.header("Vary").contains("Origin"), origin);
        }
    }

    // ------------------------------------------------------------------ identity

    @Test
    void identityIsMintedOnceThenReusedFromTheCookieOrTheStateEntries() throws Exception {
        JsonNode pageview = fixture("main-1-pageview-interact.json");
        Response r = interact(sdk(), DS, id(), pageview.path("body").toString());
        assertEquals(200, r.statusCode());
        JsonNode handles = json(r).path("handle");
        assertEquals("identity:result", handles.path(0).path("type").asText());
        String ecid = handles.path(0).path("payload").path(0).path("id").asText();
        assertTrue(ecid.matches("\\d{38}"), ecid);
        assertEquals("ECID", handles.path(0).path("payload").path(0).path("namespace").path("code").asText());
        JsonNode store = handles.path(1);
        assertEquals("state:store", store.path("type").asText());
        assertEquals(IDENTITY, store.path("payload").path(0).path("key").asText());
        String cookie = store.path("payload").path(0).path("value").asText();
        assertEquals(ecid, AdobeIdentity.decodeCookie(cookie));
        assertEquals(34128000, store.path("payload").path(0).path("maxAge").asInt());
        assertEquals("None", store.path("payload").path(0).path("attrs").path("SameSite").asText());

        // the visitor comes back with the cookie (header) on a location-hint path: same ECID, same cookie value
        JsonNode cluster = fixture("cluster-2-interact.json");
        r = sdk().header("Cookie", IDENTITY + "=" + cookie).queryParam("configId", DS).queryParam("requestId", id())
                .body(body(null, event("commerce.productListAdds", "id-" + id(), "https://shop.example.com/p", null)))
                .when().post("/ee/or2/v1/interact").then().extract().response();
        assertEquals(ecid, json(r).path("handle").path(0).path("payload").path(0).path("id").asText());
        assertEquals(cookie, json(r).path("handle").path(1).path("payload").path(0).path("value").asText());

        // getIdentity with the cookie only in meta.state.entries (the SDK's third-party transfer)
        r = sdk().queryParam("configId", DS).queryParam("requestId", id())
                .body(cluster.path("body").toString()).when().post("/ee/v1/identity/acquire").then().extract().response();
        assertEquals(200, r.statusCode());
        assertEquals("56439991465072276061044471527929131081", json(r).path("handle").path(0).path("payload").path(0).path("id").asText());

        // a new visitor gets a new ECID
        r = sdk().queryParam("configId", DS).queryParam("requestId", id())
                .body(fixture("getidentity-1-identity_acquire.json").path("body").toString())
                .when().post("/ee/v1/identity/acquire").then().extract().response();
        String other = json(r).path("handle").path(0).path("payload").path(0).path("id").asText();
        assertTrue(other.matches("\\d{38}"));
        assertNotEquals(ecid, other);
    }

    @Test
    void withoutConfiguredOrgTheCookieNamesTellIt() throws Exception {
        JsonNode cluster = fixture("cluster-2-interact.json");
        Response r = sdk().queryParam("configId", "unconfigured-datastream").queryParam("requestId", id())
                .body(cluster.path("body").toString()).when().post("/ee/v1/identity/acquire").then().extract().response();
        JsonNode handles = json(r).path("handle");
        assertEquals("56439991465072276061044471527929131081", handles.path(0).path("payload").path(0).path("id").asText());
        assertEquals(IDENTITY, handles.path(1).path("payload").path(0).path("key").asText());

        // nothing configured and no cookie: the ECID still comes back, but no cookie can be named
        r = sdk().queryParam("configId", "unconfigured-datastream").queryParam("requestId", id())
                .body(fixture("getidentity-1-identity_acquire.json").path("body").toString())
                .when().post("/ee/v1/identity/acquire").then().extract().response();
        handles = json(r).path("handle");
        assertEquals(1, handles.size());
        assertEquals("identity:result", handles.path(0).path("type").asText());
    }

    // ------------------------------------------------------------------ consent

    @Test
    void setConsentAnswersTheConsentCookie() throws Exception {
        String in = fixture("consent-1-privacy_set-consent.json").path("body").toString();
        for (String general : new String[] {"in", "out"}) {
            Response r = sdk().queryParam("configId", DS).queryParam("requestId", id())
                    .body(in.replace("\"general\":\"in\"", "\"general\":\"" + general + "\""))
                    .when().post("/ee/v1/privacy/set-consent").then().extract().response();
            assertEquals(200, r.statusCode());
            assertCors(r);
            JsonNode store = json(r).path("handle").path(1).path("payload");
            assertEquals(IDENTITY, store.path(0).path("key").asText());
            assertEquals(CONSENT, store.path(1).path("key").asText());
            assertEquals("general=" + general, store.path(1).path("value").asText());
            assertEquals(15552000, store.path(1).path("maxAge").asInt());
        }
        // Adobe standard 2.0
        Response r = sdk().queryParam("configId", DS).queryParam("requestId", id())
                .body("{\"consent\":[{\"standard\":\"Adobe\",\"version\":\"2.0\",\"value\":{\"collect\":{\"val\":\"n\"}}}]}")
                .when().post("/ee/v1/privacy/set-consent").then().extract().response();
        assertEquals("general=out", json(r).path("handle").path(1).path("payload").path(1).path("value").asText());
    }

    @Test
    void aVisitorWhoSaidOutGetsNoTikTokEventAndNoCookie() throws Exception {
        double before = withheld("consent-out");
        String eventId = "out-" + id();
        String meta = "{\"state\":{\"domain\":\"\",\"cookiesEnabled\":true,\"entries\":[{\"key\":\"" + CONSENT
                + "\",\"value\":\"general=out\"}]}}";
        Response r = interact(sdk(), DS, id(), body(meta, event("web.webpagedetails.pageViews", eventId,
                "https://shop.example.com/?ttclid=CLICK1", null)));
        assertEquals(200, r.statusCode());
        assertEquals("identity:result", json(r).path("handle").path(0).path("type").asText());
        assertNull(setCookie(r, "_ttp"));
        assertNull(setCookie(r, "ttclid"));

        // the same through the Cookie header, and through meta.consent
        String eventId2 = "out2-" + id();
        r = interact(sdk().header("Cookie", CONSENT + "=general=out"), DS, id(),
                body(null, event("web.webpagedetails.pageViews", eventId2, "https://shop.example.com/", null)));
        assertEquals(200, r.statusCode());
        String eventId3 = "out3-" + id();
        r = interact(sdk(), DS, id(), body("{\"consent\":[{\"standard\":\"Adobe\",\"version\":\"1.0\",\"value\":{\"general\":\"out\"}}]}",
                event("web.webpagedetails.pageViews", eventId3, "https://shop.example.com/", null)));
        assertEquals(200, r.statusCode());

        assertTrue(tiktok(eventId, 0).isEmpty());
        assertTrue(tiktok(eventId2, 0).isEmpty());
        assertTrue(tiktok(eventId3, 0).isEmpty());
        assertEquals(before + 3, withheld("consent-out"));

        // the visitor opts in again: forwarded
        String eventId4 = "in-" + id();
        interact(sdk().header("Cookie", CONSENT + "=general=in"), DS, id(),
                body(null, event("web.webpagedetails.pageViews", eventId4, "https://shop.example.com/", null)));
        assertEquals(1, tiktok(eventId4, 1).size());
    }

    @Test
    void xdmConsentsNoOrPendingWithholdOnlyThatEvent() throws Exception {
        String share = "share-" + id();
        String collect = "collect-" + id();
        String pending = "pending-" + id();
        String yes = "yes-" + id();
        double shareBefore = withheld("xdm-share");
        Response r = interact(sdk(), DS, id(), body(null,
                event("web.webpagedetails.pageViews", share, "https://shop.example.com/a", "\"consents\":{\"collect\":{\"val\":\"y\"},\"share\":{\"val\":\"n\"}}"),
                event("web.webpagedetails.pageViews", collect, "https://shop.example.com/b", "\"consents\":{\"collect\":{\"val\":\"n\"}}"),
                event("web.webpagedetails.pageViews", pending, "https://shop.example.com/c", "\"consents\":{\"collect\":{\"val\":\"p\"}}"),
                event("web.webpagedetails.pageViews", yes, "https://shop.example.com/d", "\"consents\":{\"collect\":{\"val\":\"y\"},\"share\":{\"val\":\"y\"}}")));
        assertEquals(200, r.statusCode());
        assertEquals(1, tiktok(yes, 1).size());
        assertTrue(tiktok(share, 0).isEmpty());
        assertTrue(tiktok(collect, 0).isEmpty());
        assertTrue(tiktok(pending, 0).isEmpty());
        assertEquals(shareBefore + 1, withheld("xdm-share"));

        // a visitor whose consent cookie says pending: nothing sent (default policy drop)
        String p2 = "pending2-" + id();
        interact(sdk().header("Cookie", CONSENT + "=general=pending"), DS, id(),
                body(null, event("web.webpagedetails.pageViews", p2, "https://shop.example.com/", null)));
        assertTrue(tiktok(p2, 0).isEmpty());
    }

    private double withheld(String reason) {
        var c = meters.find("forwarder.websdk.events.withheld").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    // ------------------------------------------------------------------ requestId dedup

    @Test
    void aRetriedRequestIdForwardsNothingTwiceAndGetsTheSameAnswer() throws Exception {
        // no event_id at all: only the requestId can tell the retry
        String url = "https://shop.example.com/retry/" + id();
        String b = body(null, event("web.webpagedetails.pageViews", null, url, null));
        String requestId = id();
        Response first = interact(sdk(), DS, requestId, b);
        Response second = interact(sdk(), DS, requestId, b);
        assertEquals(200, first.statusCode());
        assertEquals(200, second.statusCode());
        assertArrayEquals(first.asByteArray(), second.asByteArray());
        assertEquals(setCookie(first, "_ttp"), setCookie(second, "_ttp"));
        assertCors(second);
        List<TikTokFake.Received> got = TikTokFake.await(x -> url.equals(x.event().path("page").path("url").asText(null)), 2,
                Duration.ofSeconds(2));
        assertEquals(1, got.size(), "forwarded once: " + got);

        // a beacon retried the same
        String url2 = "https://shop.example.com/beacon/" + id();
        String b2 = body(null, event("web.webpagedetails.pageViews", null, url2, null));
        String rid = id();
        for (int i = 0; i < 3; i++) {
            assertEquals(204, sdk().queryParam("configId", DS).queryParam("requestId", rid).body(b2)
                    .when().post("/ee/v1/collect").then().extract().statusCode());
        }
        assertEquals(1, TikTokFake.await(x -> url2.equals(x.event().path("page").path("url").asText(null)), 2,
                Duration.ofSeconds(2)).size());

        // the same body under another requestId is a new request
        interact(sdk(), DS, id(), b);
        assertEquals(2, TikTokFake.await(x -> url.equals(x.event().path("page").path("url").asText(null)), 2,
                Duration.ofSeconds(5)).size());
    }

    // ------------------------------------------------------------------ first-party cookies

    @Test
    void ttpIsMintedAsAFirstPartyCookieAndSentAsUserTtp() throws Exception {
        String eventId = "ttp-" + id();
        Response r = interact(sdk(), DS, id(), body(null, event("web.webpagedetails.pageViews", eventId, "https://shop.example.com/", null)));
        String set = setCookie(r, "_ttp");
        assertNotNull(set, "Set-Cookie _ttp");
        String ttp = cookieValue(set);
        assertTrue(ttp.matches("[0-9A-Za-z]{27}"), ttp);
        assertTrue(set.contains("Path=/"), set);
        assertTrue(set.contains("Max-Age=34128000"), set);
        // plain HTTP from a client that is not behind a TLS proxy: a Secure cookie would be refused
        assertFalse(set.contains("Secure"), set);
        assertFalse(set.contains("Domain="), set);
        assertFalse(set.toLowerCase().contains("httponly"), set);
        assertEquals(ttp, tiktok(eventId, 1).get(0).event().path("user").path("ttp").asText());

        // behind a trusted TLS-terminating proxy (the test client's 127.0.0.1 is trusted): Secure; SameSite=None
        r = interact(sdk().header("X-Forwarded-Proto", "https"), DS, id(),
                body(null, event("web.webpagedetails.pageViews", "ttp2-" + id(), "https://shop.example.com/", null)));
        set = setCookie(r, "_ttp");
        assertTrue(set.contains("Secure"), set);
        assertTrue(set.contains("SameSite=None"), set);
        r = interact(sdk().header("Forwarded", "for=198.51.100.7;proto=https"), DS, id(),
                body(null, event("web.webpagedetails.pageViews", "ttp3-" + id(), "https://shop.example.com/", null)));
        assertTrue(setCookie(r, "_ttp").contains("Secure"));

        // the browser already has _ttp (e.g. from the TikTok pixel): kept, sent as is, no new cookie
        String own = "01HZZPIXELCOOKIEVALUE1234567";
        String eventId2 = "ttp4-" + id();
        r = interact(sdk().header("Cookie", "_ttp=" + own), DS, id(),
                body(null, event("web.webpagedetails.pageViews", eventId2, "https://shop.example.com/", null)));
        assertNull(setCookie(r, "_ttp"));
        assertEquals(own, tiktok(eventId2, 1).get(0).event().path("user").path("ttp").asText());
    }

    @Test
    void theLandingTtclidIsKeptForLaterEventsOfTheVisit() throws Exception {
        String landing = "landing-" + id();
        Response r = interact(sdk().header("X-Forwarded-Proto", "https"), DS, id(), body(null,
                event("web.webpagedetails.pageViews", landing, "https://shop.example.com/?utm=x&ttclid=E.C.P.abc%2B1", null)));
        String set = setCookie(r, "ttclid");
        assertNotNull(set);
        assertEquals("E.C.P.abc+1", cookieValue(set));
        assertTrue(set.contains("Max-Age=604800"), set);
        assertTrue(set.toLowerCase().contains("httponly") && set.contains("Secure") && set.contains("SameSite=None"), set);
        String ttp = cookieValue(setCookie(r, "_ttp"));
        assertEquals("E.C.P.abc+1", tiktok(landing, 1).get(0).event().path("user").path("ttclid").asText());

        // a later page of the visit: the URL has no ttclid any more, the cookie has
        String later = "later-" + id();
        r = interact(sdk().header("Cookie", "_ttp=" + ttp + "; ttclid=E.C.P.abc+1"), DS, id(),
                body(null, event("commerce.purchases", later, "https://shop.example.com/checkout", "\"commerce\":{\"purchases\":{\"value\":1},\"order\":{\"purchaseID\":\"o-1\",\"priceTotal\":10,\"currencyCode\":\"EUR\"}}")));
        assertNull(setCookie(r, "ttclid"));
        JsonNode user = tiktok(later, 1).get(0).event().path("user");
        assertEquals("E.C.P.abc+1", user.path("ttclid").asText());
        assertEquals(ttp, user.path("ttp").asText());

        // a new click replaces it
        r = interact(sdk().header("Cookie", "ttclid=E.C.P.abc+1"), DS, id(),
                body(null, event("web.webpagedetails.pageViews", "new-" + id(), "https://shop.example.com/?ttclid=NEWCLICK", null)));
        assertEquals("NEWCLICK", cookieValue(setCookie(r, "ttclid")));
    }

    // ------------------------------------------------------------------ relay

    @Test
    void theRelayReturnsAdobesAnswerAndTheEventsStillGoToTikTok() throws Exception {
        String eventId = "relay-" + id();
        String requestId = id();
        String b = body(null, event("web.webpagedetails.pageViews", eventId, "https://shop.example.com/", null));
        Response r = sdk().header("Cookie", IDENTITY + "=abc; _ttp=OWNTTPVALUE; AMCV_x=1").header("Referer", "https://shop.example.com/")
                .queryParam("configId", FakeAdobeEdge.RELAY_DATASTREAM).queryParam("requestId", requestId).body(b)
                .when().post("/ee/or2/v1/interact").then().extract().response();
        assertEquals(200, r.statusCode());
        assertEquals(JSON.readTree(FakeAdobeEdge.answer()), json(r));
        assertCors(r);
        assertEquals("OR2;9", r.header("x-adobe-edge"));
        String adobeCookie = setCookie(r, "demdex_like");
        assertNotNull(adobeCookie);
        assertFalse(adobeCookie.contains("adobedc.net"), adobeCookie);
        assertEquals(1, tiktok(eventId, 1).size());

        List<LoggedRequest> got = FakeAdobeEdge.requests();
        assertEquals(1, got.size());
        LoggedRequest a = got.get(0);
        assertEquals("/ee/or2/v1/interact?configId=" + FakeAdobeEdge.RELAY_DATASTREAM + "&requestId=" + requestId, a.getUrl());
        assertEquals(b, a.getBodyAsString());
        assertEquals(IDENTITY + "=abc; AMCV_x=1", a.getHeader("Cookie"));
        assertEquals(ORIGIN, a.getHeader("Origin"));
        assertEquals("WebSdkTest/1.0", a.getHeader("User-Agent"));
        assertEquals("https://shop.example.com/", a.getHeader("Referer"));
        assertTrue(a.getHeader("Content-Type").startsWith("text/plain"));
        assertEquals("127.0.0.1", a.getHeader("X-Forwarded-For"));
    }

    @Test
    void aRelayedRetryReachesAdobeAgainButTikTokOnce() throws Exception {
        String eventId = "relay-retry-" + id();
        String requestId = id();
        String b = body(null, event("web.webpagedetails.pageViews", eventId, "https://shop.example.com/", null));
        FakeAdobeEdge.failNext(503);
        Response first = interact(sdk(), FakeAdobeEdge.RELAY_DATASTREAM, requestId, b);
        assertEquals(503, first.statusCode());
        assertEquals("1", first.header("Retry-After"));
        Response second = interact(sdk(), FakeAdobeEdge.RELAY_DATASTREAM, requestId, b);
        assertEquals(200, second.statusCode());
        assertEquals(JSON.readTree(FakeAdobeEdge.answer()), json(second));
        assertEquals(2, FakeAdobeEdge.requests().size());
        assertEquals(1, tiktok(eventId, 2).size());
        // now final: a third attempt is answered from memory
        Response third = interact(sdk(), FakeAdobeEdge.RELAY_DATASTREAM, requestId, b);
        assertArrayEquals(second.asByteArray(), third.asByteArray());
        assertEquals(2, FakeAdobeEdge.requests().size());
    }
}
