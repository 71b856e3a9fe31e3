package io.github.ttforwarder.websdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.github.ttforwarder.support.FakeAdobeEdge;
import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The real Adobe Web SDK ({@code @adobe/alloy} from npm) in headless Debian Chromium ({@code playwright-core}), with
 * the forwarder as its edge on {@code https://localhost} (port 443, a self-signed certificate made by openssl at
 * test time): the node script {@code src/test/browser/websdk-e2e.mjs} drives the pages, this test checks what the
 * pages saw and what the fake TikTok and the fake Adobe Edge received.
 *
 * <p>Needs {@code /usr/bin/chromium} and {@code node}/{@code npm} (installed by {@code .ci/run}); under {@code CI=true}
 * their absence fails the test, elsewhere it is skipped with a message. Binds port 443 (root, or
 * {@code net.ipv4.ip_unprivileged_port_start}).
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
@WithTestResource(WebSdkBrowserTest.BrowserEdge.class)
class WebSdkBrowserTest {

    /** A free port for the test shop's page server (run by the node script). */
    static final int PAGE_PORT = freePort();
    static final String SITE = "https://localhost:" + PAGE_PORT;
    static final Path TLS = Path.of("target", "test-tls").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BROWSER = Path.of("src", "test", "browser");

    /** The fake Adobe Edge plus HTTPS on 443 from PEM files and the test site's origin. */
    public static class BrowserEdge extends FakeAdobeEdge {
        @Override
        protected Map<String, String> more() {
            Path tls = TLS;
            try {
                Files.createDirectories(tls);
                Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", tls.resolve("key.pem").toString(), "-out", tls.resolve("cert.pem").toString())
                        .redirectErrorStream(true).redirectOutput(tls.resolve("openssl.log").toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("openssl could not make the test certificate: " + tls.resolve("openssl.log"));
                }
            } catch (IOException e) {
                throw new IllegalStateException("openssl is needed for the browser test's certificate", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return Map.of(
                    "forwarder.websdk.allowed-origins", FakeAdobeEdge.ORIGIN + "," + SITE,
                    "quarkus.http.host", "127.0.0.1",
                    "quarkus.http.test-ssl-port", "443",
                    "quarkus.http.ssl.certificate.files", tls.resolve("cert.pem").toString(),
                    "quarkus.http.ssl.certificate.key-files", tls.resolve("key.pem").toString());
        }
    }

    @TestHTTPResource("/")
    URL http;

    @Test
    void theRealWebSdkInChromiumUsesTheForwarderAsItsEdge() throws Exception {
        require(Files.isExecutable(Path.of("/usr/bin/chromium")), "/usr/bin/chromium (apt-get install chromium)");
        require(onPath("node") && onPath("npm"), "node and npm on the PATH");
        if (!Files.isDirectory(BROWSER.resolve("node_modules").resolve("playwright-core"))) {
            exec(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), Duration.ofMinutes(8), "npm-ci.log");
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        String out = exec(List.of("node", "websdk-e2e.mjs"), Map.of(
                "CONFIG_ID", FakeAdobeEdge.DATASTREAM,
                "RELAY_CONFIG_ID", FakeAdobeEdge.RELAY_DATASTREAM,
                "ORG_ID", FakeAdobeEdge.ORG,
                "RUN", run,
                "FAULT_URL", http.toString() + "test-faults/interact-503",
                "PAGE_PORT", String.valueOf(PAGE_PORT),
                "TLS_CERT", TLS.resolve("cert.pem").toString(),
                "TLS_KEY", TLS.resolve("key.pem").toString()), Duration.ofMinutes(4), "websdk-e2e.log");
        String line = out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("the browser script printed no RESULT line:\n" + out));
        JsonNode result = JSON.readTree(line.substring("RESULT ".length()));
        assertEquals(0, nonConsole(result.path("errors")).size(), "browser script errors: " + result.path("errors"));

        // ---- the main visitor: every SDK promise resolved
        JsonNode main = result.path("main");
        for (JsonNode step : main.path("steps")) {
            assertTrue(step.path("resolved").asBoolean(), step.path("label").asText() + " resolved: " + step);
        }
        assertEquals(6, main.path("steps").size(), main.path("steps").toString());
        // the same ECID on every page load
        JsonNode ecids = main.path("ecids");
        assertEquals(3, ecids.size());
        String ecid = ecids.path(0).asText();
        assertTrue(ecid.matches("\\d{38}"), "ECID " + ecids);
        assertEquals(ecid, ecids.path(1).asText());
        assertEquals(ecid, ecids.path(2).asText());
        // first-party cookies in the browser: the SDK's identity cookie (from state:store), _ttp and ttclid (Set-Cookie)
        JsonNode cookies = main.path("cookies");
        assertEquals(ecid, AdobeIdentity.decodeCookie(cookies.path("kndctr_" + FakeAdobeEdge.COOKIE_ORG + "_identity").asText(null)));
        assertEquals("general=out", cookies.path("kndctr_" + FakeAdobeEdge.COOKIE_ORG + "_consent").asText());
        String ttp = cookies.path("_ttp").asText(null);
        assertNotNull(ttp, "_ttp cookie in the browser: " + cookies);
        String ttclid = "E.C.P.browser-" + run;
        assertEquals(ttclid, cookies.path("ttclid").asText());

        // ---- the 503: the SDK sent the purchase twice with the same requestId, the second answer was 200
        String purchaseRequestId = null;
        List<Integer> statuses = new ArrayList<>();
        for (JsonNode r : main.path("requests")) {
            if (r.has("response") && r.path("path").asText().endsWith("/v1/interact")) {
                statuses.add(r.path("response").asInt());
                if (r.path("response").asInt() == 503) {
                    purchaseRequestId = r.path("requestId").asText();
                }
            }
        }
        assertEquals(1, main.path("faultArmed").asInt() / 204, "fault armed");
        assertNotNull(purchaseRequestId, "a 503 answer was seen: " + statuses);
        String rid = purchaseRequestId;
        long sends = 0;
        for (JsonNode r : main.path("requests")) {
            if (!r.has("response") && rid.equals(r.path("requestId").asText())) {
                sends++;
            }
        }
        assertEquals(2, sends, "the SDK retried the 503 with the same requestId: " + main.path("requests"));

        // ---- TikTok received exactly the three events of the visit, mapped, with _ttp and the landing ttclid
        String pagePrefix = SITE + "/shop/" + run + "/";
        List<TikTokFake.Received> got = TikTokFake.await(r -> r.event().path("page").path("url").asText("").startsWith(pagePrefix),
                4, Duration.ofSeconds(5));
        List<String> names = got.stream().map(r -> r.event().path("event").asText()).sorted().toList();
        assertEquals(List.of("AddToCart", "Pageview", "Purchase"), names, "TikTok events of the visit: " + got);
        for (TikTokFake.Received r : got) {
            JsonNode e = r.event();
            assertEquals(ttp, e.path("user").path("ttp").asText(), "user.ttp of " + e);
            assertEquals(ttclid, e.path("user").path("ttclid").asText(), "user.ttclid of " + e);
            assertTrue(e.path("user").path("user_agent").asText().contains("Chrome"), e.toString());
            switch (e.path("event").asText()) {
                case "Pageview" -> assertEquals("br-pv-" + run, e.path("event_id").asText());
                case "AddToCart" -> {
                    assertEquals("br-atc-" + run, e.path("event_id").asText());
                    JsonNode p = e.path("properties");
                    assertEquals("SKU-BR-1", p.path("contents").path(0).path("content_id").asText());
                    assertEquals(2, p.path("contents").path(0).path("quantity").asInt());
                    assertEquals(0, p.path("contents").path(0).path("price").decimalValue().compareTo(new java.math.BigDecimal("19.99")));
                    assertEquals(0, p.path("value").decimalValue().compareTo(new java.math.BigDecimal("39.98")));
                    assertEquals("EUR", p.path("currency").asText());
                }
                case "Purchase" -> {
                    assertTrue(e.path("event_id").isMissingNode(), "the purchase has no event_id: " + e);
                    assertEquals(0, e.path("properties").path("value").decimalValue().compareTo(new java.math.BigDecimal("39.98")));
                    assertEquals("EUR", e.path("properties").path("currency").asText());
                }
                default -> fail("unexpected " + e);
            }
        }
        // after setConsent out: the events resolved (checked above) and nothing of them reached TikTok
        assertTrue(TikTokFake.await(r -> r.event().path("event_id").asText("").startsWith("br-after-out"), 0,
                Duration.ofMillis(500)).isEmpty());

        // ---- the relayed datastream: the fake Adobe Edge got every request, the page got Adobe's handles
        JsonNode relay = result.path("relay");
        for (JsonNode step : relay.path("steps")) {
            assertTrue(step.path("resolved").asBoolean(), step.path("label").asText() + " resolved: " + step);
        }
        assertEquals(FakeAdobeEdge.ECID, relay.path("ecid").asText(), "getIdentity returns Adobe's ECID");
        assertTrue(relay.path("propositions").toString().contains(FakeAdobeEdge.PROPOSITION), "propositions " + relay.path("propositions"));
        assertEquals(FakeAdobeEdge.IDENTITY_COOKIE, relay.path("cookies").path("kndctr_" + FakeAdobeEdge.COOKIE_ORG + "_identity").asText());
        Set<String> pageRequests = new HashSet<>();
        for (JsonNode r : relay.path("requests")) {
            if (!r.has("response") && r.has("requestId")) {
                pageRequests.add(r.path("path").asText() + "?" + r.path("requestId").asText());
            }
        }
        Set<String> adobeRequests = new HashSet<>();
        for (LoggedRequest r : FakeAdobeEdge.requests()) {
            String q = r.getUrl();
            adobeRequests.add(q.substring(0, q.indexOf('?')) + "?" + q.replaceAll(".*requestId=([^&]+).*", "$1"));
        }
        assertTrue(pageRequests.size() >= 2, "relay requests " + pageRequests);
        assertEquals(pageRequests, adobeRequests, "every Web SDK request reached the fake Adobe Edge");
        assertTrue(adobeRequests.stream().anyMatch(p -> p.startsWith("/ee/or2/")),
                "the SDK followed Adobe's location hint: " + adobeRequests);
        List<TikTokFake.Received> relayed = TikTokFake.await(r -> r.event().path("event_id").asText("").startsWith("br-relay-"), 2,
                Duration.ofSeconds(5));
        assertEquals(2, relayed.size(), "relayed visitor's events at TikTok: " + relayed);
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> nonConsole(JsonNode errors) {
        List<String> out = new ArrayList<>();
        errors.forEach(e -> {
            if (!e.asText().startsWith("console")) {
                out.add(e.asText());
            }
        });
        return out;
    }

    private static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("the browser test needs " + what + " (.ci/run installs it)");
        }
        Assumptions.abort("browser test skipped: " + what + " missing (under CI=true this fails)");
    }

    private static boolean onPath(String cmd) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, cmd))) {
                return true;
            }
        }
        return false;
    }

    private static String exec(List<String> cmd, Map<String, String> env, Duration timeout, String logName) throws Exception {
        Path log = Path.of("target", logName).toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(BROWSER.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                fail(String.join(" ", cmd) + " did not finish in " + timeout + "; log " + log);
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}
