package io.github.ttforwarder.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Constant-time secret comparison: both sides are reduced to their SHA-256 digests (so neither the length nor a
 * common prefix of the configured secret shows in the timing) and compared with {@link MessageDigest#isEqual}.
 */
public final class SecretCompare {

    private SecretCompare() {
    }

    /** @return the SHA-256 digest of the UTF-8 bytes of {@code s} (empty array digest for null) */
    public static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((s == null ? "" : s).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }

    /**
     * @param presented a secret from a request (may be null)
     * @param expected  the digest of a configured secret ({@link #digest})
     * @return true when they are equal; time independent of where they differ
     */
    public static boolean matches(String presented, byte[] expected) {
        return presented != null && MessageDigest.isEqual(digest(presented), expected);
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive).
     *
     * @return the token, or null when the header is missing or another scheme
     */
    public static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = a.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }
}
