package io.github.ttforwarder.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;

import org.junit.jupiter.api.Test;

/** Expected hashes computed independently with {@code printf '%s' value | sha256sum}. */
class HashingBeanTest {

    static final String JANE = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"; // jane.doe@example.com
    static final String JD = "c21d24389b2161e730380797f5f94c0396e27de1db7faedca34efac331b10358";   // j.d@example.org
    static final String PHONE_US = "36a2cef4ff9bf7a1abd2a93359136b870393be4106e6c5d19b72ff564f9deca4"; // +14155550123
    static final String PHONE_GB = "f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d"; // +442079460958
    static final String PHONE_DE = "74bd805bcc47f8603082430ca056311389e38b74fcdfbc32bcb5c6a9269ff3bf"; // +49301234567
    static final String USER_42 = "fafe5e551759817bdc65038b8cb1a8263b1a8b3b60c269d67ff0f8c57ae0f733"; // User-42
    static final String ZOE = "2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450";     // zoë (NFC)
    static final String MUELLER = "2dbd218072117713f2d5996a726a9b216ed791ffd0783b6ba4ab6d61b8333192"; // müller
    static final String ZIP = "830e1d4b9838bab1f5c2acdb23e0b502ff13a9832c4632e8d67a1d43d3b7f614";     // sw1a1aa
    static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final String PLUS = "a318c24216defe206feeb73ef5be00033fa9c4a74d0b967f6532a26ca5906d3b";

    final HashingBean us = new HashingBean("US");
    final HashingBean none = new HashingBean((String) null);

    @Test
    void isSha256HexIsAnchored() {
        assertTrue(HashingBean.isSha256Hex(JANE));
        assertTrue(HashingBean.isSha256Hex(JANE.toUpperCase()));
        assertFalse(HashingBean.isSha256Hex(null));
        assertFalse(HashingBean.isSha256Hex(""));
        assertFalse(HashingBean.isSha256Hex(JANE.substring(1)));
        assertFalse(HashingBean.isSha256Hex(JANE + "0"));
        assertFalse(HashingBean.isSha256Hex("x" + JANE));
        assertFalse(HashingBean.isSha256Hex(JANE.substring(0, 63) + "g"));
        assertFalse(HashingBean.isSha256Hex(" " + JANE));
    }

    @Test
    void sha256Hex() {
        assertEquals(JD, us.sha256Hex("j.d@example.org"));
        assertNull(us.sha256Hex(null));
        assertNull(us.sha256Hex(""));
        assertNull(us.sha256Hex("+"));
        assertEquals(JANE, us.sha256Hex(JANE.toUpperCase()));
    }

    @Test
    void email() {
        assertEquals(JANE, us.hashEmail("  Jane.Doe@Example.COM "));
        assertEquals(JANE, us.hashEmail(" Jane.Doe@Example.com "));
        assertEquals(JD, us.hashEmail("j.d@example.org"));
        assertEquals(JANE, us.hashEmail("86E0B9E56C17CC4D12387E1949B85053FBE73BC3CE5A1188713A9D300CC6133D"));
        assertEquals(JANE, us.hashEmail("  " + JANE + "\t"));
        assertNull(us.hashEmail(null));
        assertNull(us.hashEmail(""));
        assertNull(us.hashEmail("   "));
    }

    @Test
    void stringContainingAHashIsHashed() {
        String value = "x" + JANE;
        assertNull(us.hashEmail(value)); // and it is no e-mail address either
        String h = us.hashExternalId(value);
        assertEquals(64, h.length());
        assertFalse(h.equals(JANE));
        assertFalse(h.equals(value.substring(1)));
    }

    @Test
    void phone() {
        assertEquals(PHONE_US, us.hashPhone("+1 (415) 555-0123", null));
        assertEquals(PHONE_US, us.hashPhone("(415) 555-0123", null));
        assertEquals(PHONE_US, none.hashPhone("(415) 555-0123", "US"));
        assertEquals(PHONE_US, none.hashPhone("(415) 555-0123", "us"));
        assertEquals(PHONE_US, none.hashPhone("+1 (415) 555-0123", null));
        assertEquals(PHONE_GB, none.hashPhone("+44 (0)20 7946 0958", null));
        assertEquals(PHONE_DE, us.hashPhone("+49 (0)30 1234567", "FR"));
        assertEquals(PHONE_GB, none.hashPhone("0044 20 7946 0958", null));
        assertEquals(PHONE_GB, none.hashPhone("020 7946 0958", "GB"));
        assertEquals(PHONE_US, us.hashPhone(PHONE_US.toUpperCase(), null));
        assertNull(us.hashPhone("not a phone", null));
        assertNull(us.hashPhone("+1 (555) 123-4567", null));
        assertNull(none.hashPhone("(415) 555-0123", null));
        assertNull(none.hashPhone("(415) 555-0123", "XX"));
        assertNull(us.hashPhone("+", null));
        assertNull(us.hashPhone("", null));
        assertNull(us.hashPhone(null, null));
    }

    @Test
    void defaultRegionWinsOverEventRegion() {
        // 020 7946 0958 is a London number only when read as GB; with default US it is no valid number.
        assertNull(us.hashPhone("020 7946 0958", "GB"));
        assertEquals(PHONE_US, us.hashPhone("(415) 555-0123", "GB"));
    }

    @Test
    void toE164() {
        assertEquals("+14155550123", us.toE164("+1 (415) 555-0123", null));
        assertEquals("+14155550123", us.toE164("(415) 555-0123", null));
        assertEquals("+442079460958", none.toE164("+44 (0)20 7946 0958", null));
        assertEquals("+49301234567", none.toE164("+49 (0)30 1234567", null));
        assertNull(us.toE164("+1 (555) 123-4567", null));
        assertNull(us.toE164("not a phone", null));
        assertNull(us.toE164(PHONE_US, null));
    }

    @Test
    void unknownDefaultRegionFailsStartUp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HashingBean("USA"));
        assertTrue(e.getMessage().contains("forwarder.phone.default-region"));
        assertEquals("US", new HashingBean(" us ").defaultRegion());
        assertNull(new HashingBean(Optional.empty()).defaultRegion());
        assertNull(new HashingBean("  ").defaultRegion());
    }

    @Test
    void externalIdKeepsCase() {
        assertEquals(USER_42, us.hashExternalId(" User-42 "));
        assertFalse(USER_42.equals(us.hashExternalId("user-42")));
        assertEquals(USER_42, us.hashExternalId(USER_42.toUpperCase()));
        assertNull(us.hashExternalId(" "));
        assertNull(us.hashExternalId(null));
    }

    @Test
    void name() {
        assertEquals(ZOE, us.hashName(" Zoe\u0308 "));    // decomposed -> NFC
        assertEquals(ZOE, us.hashName("ZO\u00cb"));
        assertEquals(MUELLER, us.hashName("Müller"));
        assertNull(us.hashName("  "));
        assertNull(us.hashName(null));
    }

    @Test
    void zip() {
        assertEquals(ZIP, us.hashZip(" SW1A 1AA "));
        assertEquals(ZIP, us.hashZip("sw1a\u00a01aa"));
        assertEquals(ZIP, us.hashZip("SW1A\t1AA\n"));
        assertNull(us.hashZip(" \t "));
        assertNull(us.hashZip(null));
    }

    @Test
    void neverHashOfEmptyOrPlus() {
        for (String v : new String[] {"", " ", "+", " + "}) {
            for (String h : new String[] {us.hashEmail(v), us.hashPhone(v, "US"), us.hashExternalId(v),
                    us.hashName(v), us.hashZip(v)}) {
                assertFalse(EMPTY.equals(h));
                assertFalse(PLUS.equals(h));
            }
        }
    }

    @Test
    void hashAllDropsNullsAndDuplicatesKeepsOrder() {
        List<String> out = us.hashAll(Arrays.asList(" Jane.Doe@Example.com ", null, "j.d@example.org", "",
                "jane.doe@example.com", JANE.toUpperCase()), us::hashEmail);
        assertEquals(List.of(JANE, JD), out);
        assertEquals(List.of(), us.hashAll(null, us::hashEmail));
        assertEquals(List.of(PHONE_US), us.hashAll(List.of("not a phone", "+1 (415) 555-0123", "(415) 555-0123"),
                p -> us.hashPhone(p, null)));
    }

    @Test
    void threadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        if (!JANE.equals(us.hashEmail("Jane.Doe@Example.com")) || !JD.equals(us.hashEmail("j.d@example.org"))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdown();
        }
    }
}
