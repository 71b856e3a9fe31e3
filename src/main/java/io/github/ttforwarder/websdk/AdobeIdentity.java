package io.github.ttforwarder.websdk;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The Adobe Experience Cloud ID (ECID) and the Web SDK's identity cookie.
 *
 * <ul>
 * <li>An ECID is 38 decimal digits (two unsigned 64-bit numbers, each written as 19 zero-padded digits, as the
 *     Adobe Edge mints them).</li>
 * <li>The cookie {@code kndctr_<orgId with the first @ replaced by _>_identity} holds base64url (no padding) of a
 *     protobuf message whose field 1 (string) is the ECID and field 2 (varint) the time it was written, Unix
 *     seconds.</li>
 * </ul>
 */
public final class AdobeIdentity {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AdobeIdentity() {
    }

    /** @return a new random ECID, 38 digits. */
    public static String mintEcid() {
        return String.format("%019d%019d", RANDOM.nextLong() & Long.MAX_VALUE, RANDOM.nextLong() & Long.MAX_VALUE);
    }

    /** @return true for exactly 38 ASCII digits. */
    public static boolean isEcid(String s) {
        if (s == null || s.length() != 38) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** @return the org id as it appears in cookie names: the first {@code @} replaced by {@code _} (as the SDK does). */
    public static String cookieOrg(String orgId) {
        return orgId.replaceFirst("@", "_");
    }

    /** @return {@code kndctr_<cookieOrg>_<key>}, e.g. key {@code identity} or {@code consent}. */
    public static String cookieName(String cookieOrg, String key) {
        return "kndctr_" + cookieOrg + "_" + key;
    }

    /**
     * @param ecid        the ECID
     * @param unixSeconds the write time
     * @return the identity cookie value: base64url without padding of {@code {1: ecid, 2: unixSeconds}}
     */
    public static String encodeCookie(String ecid, long unixSeconds) {
        byte[] id = ecid.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(id.length + 12);
        out.write(0x0A);
        varint(out, id.length);
        out.write(id, 0, id.length);
        out.write(0x10);
        varint(out, unixSeconds);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    /**
     * @param value an identity cookie value (base64url or base64, padding optional)
     * @return the ECID of field 1, or null when the value is not such a protobuf message or field 1 is no ECID
     */
    public static String decodeCookie(String value) {
        if (value == null || value.isEmpty() || value.length() > 512) {
            return null;
        }
        byte[] b;
        try {
            String v = value.trim().replace('+', '-').replace('/', '_');
            while (v.endsWith("=")) {
                v = v.substring(0, v.length() - 1);
            }
            b = Base64.getUrlDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int[] pos = {0};
        String ecid = null;
        while (pos[0] < b.length) {
            long tag = readVarint(b, pos);
            if (tag < 0) {
                return null;
            }
            int field = (int) (tag >>> 3);
            int type = (int) (tag & 7);
            switch (type) {
                case 0 -> {
                    if (readVarint(b, pos) < 0) {
                        return null;
                    }
                }
                case 1 -> pos[0] += 8;
                case 5 -> pos[0] += 4;
                case 2 -> {
                    long len = readVarint(b, pos);
                    if (len < 0 || len > b.length - pos[0]) {
                        return null;
                    }
                    if (field == 1 && ecid == null) {
                        ecid = new String(b, pos[0], (int) len, StandardCharsets.US_ASCII);
                    }
                    pos[0] += (int) len;
                }
                default -> {
                    return null;
                }
            }
            if (pos[0] > b.length) {
                return null;
            }
        }
        return isEcid(ecid) ? ecid : null;
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** @return the varint at pos (pos advanced), or -1 when truncated or longer than 10 bytes. */
    private static long readVarint(byte[] b, int[] pos) {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos[0] >= b.length) {
                return -1;
            }
            int x = b[pos[0]++] & 0xFF;
            result |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return result;
            }
        }
        return -1;
    }
}
