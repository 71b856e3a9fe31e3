package io.github.ttforwarder.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ttforwarder.security.IngestKeys.Verdict;

/** Pure parts of the security module: origins, keys and signatures, path canonicalisation, masking, secret files. */
class SecurityUnitTest {

    @Test
    void allowedOriginsMatchFullOriginsOnly() {
        AllowedOrigins o = AllowedOrigins.parse("https://shop.example.com, https://*.brand.example:8443 ,http://localhost:3000/");
        assertTrue(o.allows("https://shop.example.com"));
        assertTrue(o.allows("HTTPS://SHOP.EXAMPLE.COM:443"));
        assertTrue(o.allows("https://de.brand.example:8443"));
        assertTrue(o.allows("http://localhost:3000"));
        for (String bad : List.of("null", "", "http://shop.example.com", "https://shop.example.com:8443",
                "https://shop.example.com.evil.test", "https://evilshop.example.com", "https://shop.example.com.",
                "https://brand.example:8443", "https://de.brand.example", "https://xbrand.example:8443",
                "https://user@shop.example.com", "https://shop.example.com/path", "file://shop.example.com",
                "https://shop.example.com@evil.test", "https://shop%2eexample.com", "https://xn--shp-qla.example.com",
                "https://shöp.example.com", "http://localhost:3001", "https://localhost:3000")) {
            assertFalse(o.allows(bad), bad);
        }
        assertFalse(o.allows(null));
        // Referer only counts without Origin; none of both is a non-browser client
        assertTrue(o.allowsRequest(null, "https://shop.example.com/checkout?x=1"));
        assertFalse(o.allowsRequest(null, "https://evil.test/https://shop.example.com/"));
        assertFalse(o.allowsRequest(null, "not a url"));
        assertTrue(o.allowsRequest(null, null));
        assertFalse(o.allowsRequest("https://evil.test", "https://shop.example.com/"));
        assertTrue(AllowedOrigins.parse("").allowsRequest("null", null));
        assertFalse(AllowedOrigins.parse("").allows("https://shop.example.com"), "an empty list names no origin for CORS");
        assertThrows(IllegalArgumentException.class, () -> AllowedOrigins.parse("shop.example.com"));
        assertThrows(IllegalArgumentException.class, () -> AllowedOrigins.parse("https://shop.example.com/app"));
    }

    @Test
    void ingestKeysAcceptEveryConfiguredKeyAndValidSignaturesOnly() {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("partner", "key-one");
        cfg.put("Partner-Next", "key-two, key-three");
        IngestKeys keys = new IngestKeys(cfg);
        long now = 1_800_000_000L;
        assertEquals(new IngestKeys.Result(Verdict.OK, "partner"), keys.check("Bearer key-one", null, null, null, now, 300));
        assertEquals(new IngestKeys.Result(Verdict.OK, "partner-next"), keys.check("bearer  key-two ", null, null, null, now, 300));
        assertEquals(new IngestKeys.Result(Verdict.OK, "partner-next"), keys.check(null, "key-three", null, null, now, 300));
        assertEquals(Verdict.MISSING_KEY, keys.check(null, null, null, null, now, 300).verdict());
        assertEquals(Verdict.MISSING_KEY, keys.check("Basic a2V5LW9uZQ==", null, null, null, now, 300).verdict());
        assertEquals(Verdict.INVALID_KEY, keys.check("Bearer key-on", null, null, null, now, 300).verdict());
        assertEquals(Verdict.INVALID_KEY, keys.check(null, "key-one ,key-two", null, null, now, 300).verdict());
        assertEquals(List.of("partner", "partner-next"), keys.sources());

        byte[] body = "{\"event\":\"Purchase\"}".getBytes(StandardCharsets.UTF_8);
        String good = "t=" + now + ",v1=" + HexFormat.of().formatHex(IngestKeys.hmac("key-two".getBytes(), now, body));
        assertEquals(new IngestKeys.Result(Verdict.OK, "partner-next"), keys.check(null, null, good, body, now + 299, 300));
        assertEquals(Verdict.STALE_SIGNATURE, keys.check(null, null, good, body, now + 301, 300).verdict());
        assertEquals(Verdict.STALE_SIGNATURE, keys.check(null, null, good, body, now - 301, 300).verdict());
        byte[] tampered = "{\"event\":\"Purchase \"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Verdict.INVALID_SIGNATURE, keys.check(null, null, good, tampered, now, 300).verdict());
        // a signature decides, even next to a valid key
        assertEquals(Verdict.INVALID_SIGNATURE, keys.check("Bearer key-one", null, "t=" + now + ",v1=00", body, now, 300).verdict());
        for (String bad : List.of("v1=abc", "t=abc,v1=" + "0".repeat(64), "t=" + now, "garbage", "t=" + now + ",v1=" + "z".repeat(64))) {
            assertEquals(Verdict.INVALID_SIGNATURE, keys.check(null, null, bad, body, now, 300).verdict(), bad);
        }
        String otherSecret = "t=" + now + ",v1=" + HexFormat.of().formatHex(IngestKeys.hmac("nope".getBytes(), now, body));
        assertEquals(Verdict.INVALID_SIGNATURE, keys.check(null, null, otherSecret, body, now, 300).verdict());
        assertTrue(new IngestKeys(Map.of("blank", " ")).isEmpty());
    }

    @Test
    void everySpellingOfAdminIsRecognised() {
        for (String p : List.of("/admin/dead-letters", "/ADMIN/dead-letters", "/Admin", "//admin//dead-letters",
                "/ee/../admin/dead-letters", "/ee/%2e%2e/admin/dead-letters", "/ee/%2E%2E/admin", "/%61dmin/dead-letters",
                "/admin;jsessionid=1/dead-letters", "/admin%2Fdead-letters", "/ee%2F..%2Fadmin", "/ee/%252e%252e/admin",
                "/ee\\..\\admin", "/./admin", "/admin/", "/admin.json", "/events/../q/health", "/q/metrics", "/Q/health",
                "/ee/v1/../../admin", "/ee/ADMIN%2fdead-letters", "/%zz")) {
            assertTrue(MainPortGuard.isAdminOrManagementPath(p), p);
        }
        for (String p : List.of("/events", "/ee/v2/collect", "/ee/or2/v1/interact", "/ee/v1/privacy/set-consent", "/quick")) {
            assertFalse(MainPortGuard.isAdminOrManagementPath(p), p);
        }
    }

    @Test
    void personalDataIsMaskedWhereverItIs() {
        assertEquals("pixel <e-mail> unknown", PersonalData.mask("pixel Jane.Doe+shop@Example.co.uk unknown"));
        assertEquals("https://s.example/p?m=<e-mail>&x=1", PersonalData.mask("https://s.example/p?m=jane%40example.com&x=1"));
        for (String phone : List.of("+1 415 555 0123", "+14155550123", "(415) 555-0123", "415-555-0123", "+44 (0)20 7946 0958",
                "415.555.0123", "+49-30-1234567")) {
            assertEquals("call <phone> now", PersonalData.mask("call " + phone + " now"), phone);
        }
        for (String keep : List.of("event_time 1741945460", "203.0.113.7", "2001:db8::1", "2026-11-29T23:49:33.041Z",
                "6f1c2a7e-2b1f-4c36-9a53-0d6f5e0c1b1e", "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b",
                "value 1234.56 USD", "dead-letters-2026-11-29.jsonl", "port 8080, 1000 events")) {
            assertEquals(keep, PersonalData.mask(keep), keep);
        }
        assertEquals("a phone number", PersonalData.kind("+1 (415) 555-0123"));
        // inside a whole answer among ids and counts (the pre-check looks for a phone-shaped run, not any 6 digits)
        String answer = "{\"forwarded\":2,\"events\":[{\"event_id\":\"6f1c2a7e-2b1f-4c36-9a53-0d6f5e0c1b1e\",\"status\":"
                + "\"rejected\",\"reason\":\"user.phone '(415) 555-0123' is not valid\"},{\"event_id\":\"a1b2c3\",\"n\":12345}]}";
        assertEquals("a phone number", PersonalData.kind(answer));
        assertEquals("a phone number", PersonalData.kind("call (12) 34-56 now"), "the shortest form: 6 digits");
        assertNull(PersonalData.kind(answer.replace("(415) 555-0123", "bad")), "UUIDs, short numbers: nothing to mask");
        assertEquals("an e-mail address", PersonalData.kind("a@b.io"));
        assertNull(PersonalData.kind("Purchase"));
        // hostile input stays linear: a 64 KB run before an '@' without a domain
        String hostile = "a".repeat(65_536) + "@" + "b".repeat(65_536);
        assertEquals(hostile, PersonalData.mask(hostile));
    }

    @Test
    void secretsAreReadFromFilesWithoutTheTrailingNewline(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "tok-123\n");
        Path key = Files.writeString(dir.resolve("key"), "key-abc\r\n");
        Path admin = Files.writeString(dir.resolve("admin"), "adm in ");
        Map<String, String> env = Map.of("TIKTOK_ACCESS_TOKEN_FILE", token.toString(),
                "TIKTOK_PIXEL_BRAND2_ACCESS_TOKEN_FILE", token.toString(),
                "FORWARDER_INGEST_KEYS_PARTNER_FILE", key.toString(), "FORWARDER_ADMIN_TOKEN_FILE", admin.toString(),
                "FORWARDER_DRY_RUN_FILE", token.toString(), "HOME_FILE", token.toString());
        FileSecretsConfigSource s = new FileSecretsConfigSource(env);
        assertEquals("tok-123", s.getValue("TIKTOK_ACCESS_TOKEN"));
        assertEquals("tok-123", s.getValue("TIKTOK_PIXEL_BRAND2_ACCESS_TOKEN"));
        assertEquals("key-abc", s.getValue("FORWARDER_INGEST_KEYS_PARTNER"));
        assertEquals("adm in ", s.getValue("FORWARDER_ADMIN_TOKEN"));
        assertNull(s.getValue("FORWARDER_DRY_RUN"), "a path setting is not a secret file");
        assertNull(s.getValue("HOME"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new FileSecretsConfigSource(Map.of("FORWARDER_ADMIN_TOKEN_FILE", dir.resolve("missing").toString())));
        assertTrue(e.getMessage().contains("FORWARDER_ADMIN_TOKEN_FILE"));
    }

    @Test
    void managementHostLoopbackCheck() {
        for (String h : List.of("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST")) {
            assertTrue(ManagementSecurity.isLoopback(h), h);
        }
        for (String h : List.of("0.0.0.0", "::", "10.0.0.5", "example.com", "", "127.0.0.1.nip.io")) {
            assertFalse(ManagementSecurity.isLoopback(h), h);
        }
    }

    @Test
    void ipv6ClientsShareTheirSlash64Bucket() {
        assertEquals(IngestGuard.bucketKey("2001:db8:1:2:aaaa::1"), IngestGuard.bucketKey("2001:db8:1:2:ffff:1:2:3"));
        assertFalse(IngestGuard.bucketKey("2001:db8:1:2::1").equals(IngestGuard.bucketKey("2001:db8:1:3::1")));
        assertEquals("203.0.113.7", IngestGuard.bucketKey("203.0.113.7"));
    }
}
