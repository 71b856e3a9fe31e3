package io.github.ttforwarder.websdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Plain unit tests of the Web SDK edge's pure parts: origins, the identity cookie, consent, _ttp, cookies. */
class WebSdkPureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void originsMatchExactlyWithDefaultPortsAndSubdomainWildcards() {
        AllowedOrigins o = new AllowedOrigins(" https://www.example.com , http://localhost:3000/, https://*.shop.example ");
        assertTrue(o.allows("https://www.example.com"));
        assertTrue(o.allows("https://WWW.Example.com:443"));
        assertTrue(o.allows("http://localhost:3000"));
        assertTrue(o.allows("https://eu.shop.example"));
        assertTrue(o.allows("https://a.b.shop.example"));
        assertFalse(o.allows("https://shop.example"));
        assertFalse(o.allows("http://www.example.com"));
        assertFalse(o.allows("https://www.example.com:8443"));
        assertFalse(o.allows("https://www.example.com.evil.example"));
        assertFalse(o.allows("https://evilshop.example"));
        assertFalse(o.allows("http://localhost:3001"));
        assertFalse(o.allows("null"));
        assertFalse(o.allows(null));
        assertFalse(o.allows("https://www.example.com/path"));
        assertTrue(new AllowedOrigins("").isEmpty());
        assertFalse(new AllowedOrigins(null).allows("https://www.example.com"));
        for (String bad : List.of("*", "www.example.com", "ftp://x.example", "https://x.example/path", "https://")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AllowedOrigins(bad));
            assertTrue(e.getMessage().contains("forwarder.websdk.allowed-origins"), e.getMessage());
        }
    }

    @Test
    void identityCookieIsTheSdksProtobuf() {
        // captured from the real Adobe Edge (fixtures/websdk/main-1-pageview-interact.json)
        String captured = "CiYwOTAwMTk5NjcxNDg4MDA2Mjc5ODkzOTA1ODE3NjQzNzExMjQ4NRD1zbLYBg";
        assertEquals("09001996714880062798939058176437112485", AdobeIdentity.decodeCookie(captured));
        // written byte for byte as the Edge writes it (field 2 = the write time, 1795991285 in the capture)
        assertEquals(captured, AdobeIdentity.encodeCookie("09001996714880062798939058176437112485", 1_795_991_285L));
        for (String bad : new String[] {null, "", "not base64!", "AAAA", "CiY", "Cg==", "EgNhYmM"}) {
            assertNull(AdobeIdentity.decodeCookie(bad), bad);
        }
        String a = AdobeIdentity.mintEcid();
        assertTrue(AdobeIdentity.isEcid(a), a);
        assertNotEquals(a, AdobeIdentity.mintEcid());
        assertEquals("ABC_AdobeOrg", AdobeIdentity.cookieOrg("ABC@AdobeOrg"));
        assertEquals("kndctr_ABC_AdobeOrg_identity", AdobeIdentity.cookieName("ABC_AdobeOrg", "identity"));
    }

    @Test
    void consentFromCookiesRequestsAndXdm() throws Exception {
        assertEquals(Consent.OUT, Consent.ofCookie("general=out"));
        assertEquals(Consent.IN, Consent.ofCookie("foo=bar;general=in"));
        assertEquals(Consent.PENDING, Consent.ofCookie("general=pending"));
        assertNull(Consent.ofCookie("nothing=here"));
        assertEquals(Consent.OUT, Consent.ofRequest(JSON.readTree(
                "[{\"standard\":\"Adobe\",\"version\":\"1.0\",\"value\":{\"general\":\"in\"}},"
                        + "{\"standard\":\"Adobe\",\"version\":\"1.0\",\"value\":{\"general\":\"out\"}}]")));
        assertEquals(Consent.IN, Consent.ofRequest(JSON.readTree(
                "[{\"standard\":\"Adobe\",\"version\":\"2.0\",\"value\":{\"collect\":{\"val\":\"y\"}}}]")));
        assertNull(Consent.ofRequest(JSON.readTree("[{\"standard\":\"IAB TCF\",\"version\":\"2.0\",\"value\":\"CO...\"}]")));
        assertEquals(Consent.OUT, Consent.ofRequest(JSON.readTree("{\"general\":\"out\"}")));
        var xdm = JSON.readTree("{\"collect\":{\"val\":\"y\"},\"share\":{\"val\":\"n\"},\"personalize\":{\"content\":{\"val\":\"n\"}}}");
        assertEquals(Consent.OUT, Consent.ofXdm(xdm, List.of("collect", "share")));
        assertEquals(Consent.IN, Consent.ofXdm(xdm, List.of("collect")));
        assertEquals(Consent.PENDING, Consent.ofXdm(JSON.readTree("{\"collect\":{\"val\":\"p\"}}"), List.of("collect", "share")));
        assertEquals(Consent.IN, Consent.ofXdm(JSON.readTree("{\"collect\":{\"val\":\"dy\"}}"), List.of("collect")));
        assertEquals(Consent.OUT, Consent.ofXdm(JSON.readTree("{\"collect\":{\"val\":\"dn\"}}"), List.of("collect")));
        assertNull(Consent.ofXdm(JSON.readTree("{\"collect\":{\"val\":\"LI\"}}"), List.of("collect")));
    }

    @Test
    void mintedTtpLooksLikeThePixels() {
        String a = WebSdkEdge.mintTtp();
        assertTrue(a.matches("[0-9A-Za-z]{27}"), a);
        assertNotEquals(a, WebSdkEdge.mintTtp());
        assertTrue(WebSdkEdge.validCookieValue(a));
        assertFalse(WebSdkEdge.validCookieValue("a b"));
        assertFalse(WebSdkEdge.validCookieValue("a;b"));
        assertEquals("E.C.P.x+1", WebSdkEdge.queryParameter("https://s.example/?a=1&ttclid=E.C.P.x%2B1#top", "ttclid"));
        assertNull(WebSdkEdge.queryParameter("https://s.example/?xttclid=1", "ttclid"));
    }

    @Test
    void relayKeepsAdobesCookiesOnOurDomain() {
        assertEquals("kndctr_X_identity=abc; Path=/; Secure",
                AdobeRelay.rewriteDomain("kndctr_X_identity=abc; Domain=.adobedc.net; Path=/; Secure", ""));
        assertEquals("a=b; Path=/; Domain=example.com", AdobeRelay.rewriteDomain("a=b; domain=adobedc.net; Path=/", "example.com"));
        assertEquals("kndctr_X_identity=abc; AMCV_1=2", AdobeRelay.withoutOwnCookies("_ttp=x; kndctr_X_identity=abc; ttclid=y; AMCV_1=2"));
        assertNull(AdobeRelay.withoutOwnCookies("_ttp=x"));
    }
}
