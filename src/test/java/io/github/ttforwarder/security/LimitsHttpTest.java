package io.github.ttforwarder.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** Rate limits (429 + Retry-After, per IP and per key) and the read deadline that cuts slow clients. */
@QuarkusTest
@TestProfile(LimitsHttpTest.Profile.class)
class LimitsHttpTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String data = "target/test-data/limits-" + System.nanoTime();
            return Map.of("forwarder.ingest.rate-limit.browser.per-second", "1",
                    "forwarder.ingest.rate-limit.browser.burst", "3",
                    "forwarder.ingest.rate-limit.server.per-second", "1",
                    "forwarder.ingest.rate-limit.server.burst", "2",
                    "forwarder.ingest.keys.limited", "lim-key-1",
                    "forwarder.ingest.keys.other", "lim-key-2",
                    "forwarder.http.trusted-proxies", "10.255.255.1",
                    "forwarder.ingest.read-timeout", "1s",
                    "forwarder.dry-run.file", data + "/dry-run.jsonl",
                    "forwarder.dead-letter.dir", data + "/dead-letters");
        }
    }

    @TestHTTPResource("/")
    URL main;

    private static final String WEB_SDK = "{\"events\":[{\"xdm\":{\"eventType\":\"web.webpagedetails.pageViews\"}}]}";

    /** Sends n requests as fast as possible; @return how many were let through, and checks every 429. */
    private static int burst(int n, java.util.function.IntFunction<Response> send) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            Response r = send.apply(i);
            if (r.statusCode() == 429) {
                assertEquals("application/problem+json", r.contentType());
                long retry = Long.parseLong(r.header("Retry-After"));
                assertTrue(retry >= 1 && retry <= 2, "Retry-After " + retry);
                assertEquals(429, r.jsonPath().getInt("status"));
            } else {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void browserClientsAreLimitedPerIpWhateverTheirForwardedForSays() {
        long start = System.nanoTime();
        // every request claims another client, but the peer (127.0.0.1) is no trusted proxy: one bucket
        int ok = burst(12, i -> given().contentType("text/plain").header("X-Forwarded-For", "198.51.100." + i)
                .header("Forwarded", "for=198.51.100." + i).body(WEB_SDK).when().post("/ee/v1/interact"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(ok >= 3 && ok <= 3 + (long) Math.ceil(seconds), ok + " let through in " + seconds + " s");
        given().contentType("text/plain").body(WEB_SDK).when().post("/ee/or2/v1/collect").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void serverSourcesAreLimitedPerKey() {
        long start = System.nanoTime();
        int ok = burst(8, i -> given().contentType("application/json").header("X-Api-Key", "lim-key-1")
                .body("{\"event\":\"Pageview\",\"event_time\":1741945460}").when().post("/events"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(ok >= 2 && ok <= 2 + (long) Math.ceil(seconds), ok + " let through in " + seconds + " s");
        // another source has its own bucket
        given().contentType("application/json").header("Authorization", "Bearer lim-key-2")
                .body("{\"event\":\"Pageview\",\"event_time\":1741945460}").when().post("/events").then().statusCode(202)
                .body("received", equalTo(1));
    }

    /** @return milliseconds until the server closed the connection, while the client sends one byte every 100 ms */
    private long dripUntilClosed(String head, String drip) throws Exception {
        try (Socket s = new Socket("127.0.0.1", main.getPort())) {
            s.setSoTimeout(100);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            long start = System.nanoTime();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            for (int i = 0; i < 100; i++) {                  // at most ~10 s of dripping
                try {
                    out.write(drip.charAt(i % drip.length()));
                    out.flush();
                } catch (java.io.IOException closed) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
                try {
                    if (in.read() < 0) {
                        return (System.nanoTime() - start) / 1_000_000;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // keep dripping
                } catch (java.io.IOException reset) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            }
            return Long.MAX_VALUE;
        }
    }

    @Test
    void aClientSendingItsHeadersOrBodyTooSlowlyIsDisconnected() throws Exception {
        // one ordinary request first (the header deadline hooks into the server on the first request)
        given().contentType("text/plain").header("Origin", "https://any.example").body("{}").when().post("/ee/v1/identity/acquire");
        long headers = dripUntilClosed("POST /events HTTP/1.1\r\nHost: localhost\r\n", "X-Slow: aaaaaaaaaaaaaaaaaaaaaaa\r\n");
        assertTrue(headers >= 900 && headers < 2_500, "slow headers cut after " + headers + " ms (read timeout 1 s)");
        long body = dripUntilClosed("POST /events HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: lim-key-2\r\n"
                + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n", "{\"event\":\"x\"}   ");
        assertTrue(body >= 900 && body < 2_500, "slow body cut after " + body + " ms (read timeout 1 s)");
        System.out.printf("read deadline 1 s: slow headers cut after %d ms, slow body after %d ms%n", headers, body);
    }
}
