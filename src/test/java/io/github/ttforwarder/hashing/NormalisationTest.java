package io.github.ttforwarder.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * The normalisers behind every hashed field (issue 9): Unicode NFC, locale-independent lower-casing, e-mail
 * validation, control and bidi characters, never a hash of an empty result. Expected hashes computed with
 * {@code printf '%s' value | sha256sum}.
 */
class NormalisationTest {

    static final String ZOE_MAIL = "5418899f7aabe5f45dd3350fe8edcf89e1763a9e64c85e529b1f68cbf5144767"; // zoë@example.com (NFC)
    static final String ISTANBUL = "6fd05fdd895cb8d1eaf071c3c6cd5c6f72cd16163353df22fbf80e4b81a868a2"; // istanbul@example.com

    final HashingBean hashing = new HashingBean("US");

    @Test
    void emailNfdAndNfcHashTheSame() {
        String nfc = "zo\u00eb@example.com";
        String nfd = "zoe\u0308@example.com";
        assertEquals(HashingBean.normaliseEmail(nfc), HashingBean.normaliseEmail(nfd));
        assertEquals(ZOE_MAIL, hashing.hashEmail(nfd));
        assertEquals(ZOE_MAIL, hashing.hashEmail(nfc));
        assertEquals(sha256(nfc), hashing.hashEmail(" ZO\u00cb@EXAMPLE.COM\u00a0"));
        assertEquals(sha256(nfc), hashing.hashEmail("ZOE\u0308@Example.Com"));
    }

    @Test
    void turkishLocaleJvmHashesTheSame() {
        Locale before = Locale.getDefault();
        String expected = hashing.hashEmail("ISTANBUL@EXAMPLE.COM");
        String expectedName = hashing.hashName("INGRID");
        String expectedZip = hashing.hashZip("SW1A 1AA");
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertEquals("ı", "I".toLowerCase(), "the JVM default locale is Turkish in this block");
            assertEquals(expected, hashing.hashEmail("ISTANBUL@EXAMPLE.COM"));
            assertEquals(ISTANBUL, hashing.hashEmail("ISTANBUL@EXAMPLE.COM"));
            assertEquals(expectedName, hashing.hashName("INGRID"));
            assertEquals(sha256("ingrid"), hashing.hashName("INGRID"));
            assertEquals(expectedZip, hashing.hashZip("SW1A 1AA"));
            // dotted capital I lower-cases the same everywhere (i + combining dot above, then NFC)
            assertEquals(hashing.hashName("\u0130zmir"), new HashingBean("US").hashName("i\u0307zmir"));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void emailValidation() {
        for (String bad : new String[] {"not-an-email", "12345", "@example.com", "jane@", "jane@example", "jane@.example.com",
                "jane@example.com.", "jane@exa..mple.com", "ja ne@example.com", "jane@@example.com", "a@b@example.com",
                "jane\u0000@example.com", "jane\u202e@example.com", "jane@exam\u200bple.com", "\u2066jane@example.com",
                "jane@example.com\u0007", "", "   ", "jane\ud800@example.com", "x".repeat(250) + "@example.com"}) {
            assertNull(HashingBean.normaliseEmail(bad), bad);
            assertNull(hashing.hashEmail(bad), bad);
        }
        assertEquals("j.d+tag@example.co.uk", HashingBean.normaliseEmail("\tJ.D+Tag@Example.CO.UK\n"));
        assertEquals("用户@例子.广告", HashingBean.normaliseEmail("用户@例子.广告"));
    }

    @Test
    void everyHashedFieldRefusesControlCharactersAndEmptyResults() {
        assertNull(hashing.hashName("Ja\u0000ne"));
        assertNull(hashing.hashName("\u202eenaJ"));
        assertNull(hashing.hashName(" \u00a0 "));
        assertNull(hashing.hashExternalId("id\u0007"));
        assertNull(hashing.hashExternalId("\u2003"));
        assertNull(hashing.hashZip("941\u200f07"));
        assertNull(hashing.hashZip(" \t "));
        assertNull(hashing.hashPhone("+1 415 555 0123\u200e", null));
        assertNull(hashing.hashPhone("+", null));
        assertNull(hashing.hashEmail("\u3000"));
        // the usual values still hash
        assertEquals(sha256("jane"), hashing.hashName(" Jane\u3000"));
        assertEquals(sha256("User-42"), hashing.hashExternalId("\u00a0User-42 "));
        assertEquals(sha256("m\u00fcller"), hashing.hashName("Mu\u0308ller"));
    }

    @Test
    void textChecks() {
        assertTrue(TextChecks.clean("Zoë 😀 ok"));
        assertTrue(TextChecks.clean("two\nlines\tand tab", true));
        assertFalse(TextChecks.clean("two\nlines", false));
        assertFalse(TextChecks.clean("x\u0085"));
        assertFalse(TextChecks.clean("x\u061c"));
        assertFalse(TextChecks.clean("x\ufeff"));
        assertFalse(TextChecks.clean("x\ufffd"));
        assertFalse(TextChecks.clean("x\udc00"));
        assertFalse(TextChecks.clean("x\ud83d"));
    }

    static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
