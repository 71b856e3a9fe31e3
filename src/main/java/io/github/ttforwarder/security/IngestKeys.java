package io.github.ttforwarder.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ingest keys of the server-to-server endpoints, by source name: {@code forwarder.ingest.keys.<name>=<secret>}
 * (env {@code FORWARDER_INGEST_KEYS_<NAME>}, or {@code FORWARDER_INGEST_KEYS_<NAME>_FILE} holding a file path). A value
 * may list several secrets separated by commas, and several names may be active at once: both allow rotation.
 *
 * <p>A client proves a key by sending it ({@code Authorization: Bearer <secret>} or {@code X-Api-Key: <secret>}) or by
 * signing the body: {@code X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>}.
 * Every comparison is constant-time and runs over all configured secrets. Pure and thread-safe.
 */
public final class IngestKeys {

    /** What became of a request's credentials. */
    public enum Verdict {
        /** a configured key or a valid signature */
        OK,
        /** no key and no signature */
        MISSING_KEY,
        /** a key that is not configured */
        INVALID_KEY,
        /** a signature header that is malformed or matches no secret */
        INVALID_SIGNATURE,
        /** a signature whose timestamp is outside the replay window */
        STALE_SIGNATURE
    }

    /**
     * @param verdict the outcome
     * @param source  the source name of the matching key (OK only), else null
     */
    public record Result(Verdict verdict, String source) {
    }

    private record Secret(String source, byte[] digest, byte[] raw) {
    }

    private final List<Secret> secrets;

    /**
     * @param keys secrets by source name (a value may hold several comma-separated secrets; blank ones are ignored)
     */
    public IngestKeys(Map<String, String> keys) {
        List<Secret> list = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(keys).entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            for (String s : e.getValue().split(",")) {
                String secret = s.strip();
                if (!secret.isEmpty()) {
                    list.add(new Secret(e.getKey().toLowerCase(Locale.ROOT), SecretCompare.digest(secret),
                            secret.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        this.secrets = List.copyOf(list);
    }

    /** @return true when no key is configured (the server endpoints are open) */
    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    /** @return the configured source names, sorted, without duplicates (never the secrets) */
    public List<String> sources() {
        return secrets.stream().map(Secret::source).distinct().sorted().toList();
    }

    /**
     * Checks a request.
     *
     * @param authorization  the {@code Authorization} header, may be null
     * @param apiKey         the {@code X-Api-Key} header, may be null
     * @param signature      the {@code X-Signature} header, may be null; when present it must be valid
     * @param body           the raw request body (signature only), may be null
     * @param nowSeconds     the current Unix time in seconds
     * @param windowSeconds  the replay window: {@code |now - t|} must not exceed it
     * @return the verdict and the source
     */
    public Result check(String authorization, String apiKey, String signature, byte[] body, long nowSeconds,
            long windowSeconds) {
        if (signature != null && !signature.isBlank()) {
            return checkSignature(signature, body, nowSeconds, windowSeconds);
        }
        String presented = SecretCompare.bearer(authorization);
        if (presented == null && apiKey != null && !apiKey.isBlank()) {
            presented = apiKey.strip();
        }
        if (presented == null) {
            return new Result(Verdict.MISSING_KEY, null);
        }
        byte[] digest = SecretCompare.digest(presented);
        String source = null;
        for (Secret s : secrets) {                         // no early exit: timing does not tell which key
            if (MessageDigest.isEqual(digest, s.digest) && source == null) {
                source = s.source;
            }
        }
        return source == null ? new Result(Verdict.INVALID_KEY, null) : new Result(Verdict.OK, source);
    }

    private Result checkSignature(String header, byte[] body, long now, long window) {
        Long t = null;
        List<byte[]> v1 = new ArrayList<>();
        for (String part : header.split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                return new Result(Verdict.INVALID_SIGNATURE, null);
            }
            String name = p.substring(0, eq).strip();
            String value = p.substring(eq + 1).strip();
            try {
                if (name.equals("t")) {
                    if (value.isEmpty() || value.length() > 12 || !value.chars().allMatch(Character::isDigit)) {
                        return new Result(Verdict.INVALID_SIGNATURE, null);
                    }
                    t = Long.parseLong(value);
                } else if (name.equals("v1")) {
                    if (value.length() != 64) {
                        return new Result(Verdict.INVALID_SIGNATURE, null);
                    }
                    v1.add(HexFormat.of().parseHex(value));
                }
            } catch (IllegalArgumentException e) {
                return new Result(Verdict.INVALID_SIGNATURE, null);
            }
        }
        if (t == null || v1.isEmpty()) {
            return new Result(Verdict.INVALID_SIGNATURE, null);
        }
        String source = null;
        for (Secret s : secrets) {
            byte[] expected = hmac(s.raw, t, body);
            for (byte[] candidate : v1) {
                if (MessageDigest.isEqual(expected, candidate) && source == null) {
                    source = s.source;
                }
            }
        }
        if (source == null) {
            return new Result(Verdict.INVALID_SIGNATURE, null);
        }
        if (Math.abs(now - t) > window) {
            return new Result(Verdict.STALE_SIGNATURE, null);
        }
        return new Result(Verdict.OK, source);
    }

    /**
     * @return HMAC-SHA256 of {@code "<t>.<body>"} with {@code secret}
     */
    public static byte[] hmac(byte[] secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                mac.update(body);
            }
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
