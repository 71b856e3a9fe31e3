package io.github.ttforwarder.hashing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Startup;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Normalises and hashes the {@code user} match keys of a TikTok event.
 *
 * <p>Rules (TikTok Events API 2.0, {@code user} object): each hashed field is the SHA-256 of the
 * UTF-8 bytes of the normalised value, written as 64 lower-case hex characters. A value that already
 * is exactly 64 hex characters (after trimming, any case) is taken as an existing hash and passed
 * through lower-cased, never hashed again; a string that merely contains 64 hex characters is not a
 * hash. A value that is null, empty after normalisation or fails normalisation yields {@code null}
 * (the caller leaves the field out) — never the hash of an empty string or of {@code "+"} (a
 * normalised value of exactly {@code "+"} is refused by every method).
 *
 * <p>Configuration: {@code forwarder.phone.default-region} (ISO 3166-1 alpha-2, e.g. {@code US};
 * may be empty) is the region for phone numbers written without {@code +country code}. An unknown
 * region code fails start-up with an {@link IllegalArgumentException} (the bean is {@link Startup}).
 *
 * <p>Thread-safe: one {@link MessageDigest} per thread; one shared {@link PhoneNumberUtil}.
 */
@ApplicationScoped
@Startup
@Named("hashing")
public class HashingBean {

    private static final HexFormat HEX = HexFormat.of();

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    });

    private static final PhoneNumberUtil PHONE = PhoneNumberUtil.getInstance();

    /** Upper-case ISO region or null when none is configured. */
    private final String defaultRegion;

    /**
     * CDI constructor.
     *
     * @param defaultRegion {@code forwarder.phone.default-region}: ISO 3166-1 alpha-2 region for
     *                      national phone numbers; empty when not configured
     * @throws IllegalArgumentException when the region is set but unknown to libphonenumber
     */
    @Inject
    public HashingBean(@ConfigProperty(name = "forwarder.phone.default-region") Optional<String> defaultRegion) {
        this(defaultRegion.orElse(null));
    }

    /**
     * For tests and tools.
     *
     * @param defaultRegion ISO 3166-1 alpha-2 region for national phone numbers (any case), or
     *                      null / blank for none
     * @throws IllegalArgumentException when the region is set but unknown to libphonenumber
     */
    public HashingBean(String defaultRegion) {
        if (defaultRegion == null || defaultRegion.isBlank()) {
            this.defaultRegion = null;
        } else {
            String region = defaultRegion.trim().toUpperCase(Locale.ROOT);
            if (!PHONE.getSupportedRegions().contains(region)) {
                throw new IllegalArgumentException("forwarder.phone.default-region: '" + defaultRegion.trim()
                        + "' is not a supported ISO 3166-1 alpha-2 region code (e.g. US, GB, DE)");
            }
            this.defaultRegion = region;
        }
    }

    /** @return the configured default phone region (upper-case ISO 3166-1 alpha-2), or null. */
    public String defaultRegion() {
        return defaultRegion;
    }

    /**
     * Whether a string is an existing SHA-256 hash: exactly 64 characters {@code [0-9a-fA-F]}, no
     * surrounding text (the caller trims first). Checked with a character loop, no regex.
     *
     * @param s any string, may be null
     * @return true only for exactly 64 hex characters
     */
    public static boolean isSha256Hex(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * SHA-256 of the UTF-8 bytes of an already normalised value, as 64 lower-case hex characters.
     * A value that (trimmed) already is 64 hex characters is returned trimmed and lower-cased.
     *
     * @param normalised the normalised value; it is hashed exactly as given (no trimming)
     * @return the hash, or null when the value is null, empty or {@code "+"}
     */
    public String sha256Hex(String normalised) {
        if (normalised == null) {
            return null;
        }
        String passThrough = existingHash(normalised.trim());
        if (passThrough != null) {
            return passThrough;
        }
        return hashNonEmpty(normalised);
    }

    /**
     * E-mail (TikTok {@code user.email}): {@link #normaliseEmail}, then SHA-256.
     *
     * @param raw the e-mail address as received, may be null
     * @return 64 lower-case hex characters, or null when null, blank or not a valid address
     */
    public String hashEmail(String raw) {
        if (raw == null) {
            return null;
        }
        String passThrough = existingHash(trim(raw));
        if (passThrough != null) {
            return passThrough;
        }
        String email = normaliseEmail(raw);
        return email == null ? null : digest(email);
    }

    /**
     * The normalised form of an e-mail address, as TikTok's pixel hashes it: Unicode NFC (so {@code zoë} typed as
     * {@code o} + combining diaeresis equals the precomposed {@code ë}), trimmed of Unicode white space, lower-cased
     * with Unicode rules independent of the JVM's default locale ({@link Locale#ROOT}: a Turkish-locale JVM keeps
     * {@code I} → {@code i}), NFC again; then validated: exactly one {@code @}, a non-empty local part, a domain with
     * a dot and no empty label, no white space, no control or bidirectional-formatting characters
     * ({@link TextChecks}), at most 254 characters.
     *
     * @param raw the address as received, may be null
     * @return the normalised address, or null when it is not a valid address
     */
    public static String normaliseEmail(String raw) {
        if (raw == null) {
            return null;
        }
        String s = nfc(trim(nfc(raw)).toLowerCase(Locale.ROOT));
        if (s.isEmpty() || s.length() > 254 || !TextChecks.clean(s)) {
            return null;
        }
        int at = s.indexOf('@');
        if (at <= 0 || at != s.lastIndexOf('@')) {
            return null;
        }
        String domain = s.substring(at + 1);
        if (domain.indexOf('.') < 0 || domain.startsWith(".") || domain.endsWith(".") || domain.contains("..")) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i)) || Character.isSpaceChar(s.charAt(i))) {
                return null;
            }
        }
        return s;
    }

    /**
     * Trims Unicode white space and space separators (including no-break spaces U+00A0, U+202F, which
     * {@link String#strip()} keeps) from both ends.
     */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** Unicode NFC, without copying a string that already is NFC (the usual case). */
    static String nfc(String s) {
        return Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
    }

    /**
     * Phone (TikTok {@code user.phone}): E.164 ({@code +}, country code, subscriber number, digits
     * only) via libphonenumber, then SHA-256. See {@link #toE164(String, String)} for the region rules.
     *
     * @param raw         the phone number as received, may be null
     * @param eventRegion the event's country (ISO 3166-1 alpha-2, e.g. XDM
     *                    {@code placeContext.geo.countryCode}), used only when no default region is
     *                    configured; may be null
     * @return 64 lower-case hex characters, or null when null, blank, unparsable or not a valid number
     */
    public String hashPhone(String raw, String eventRegion) {
        if (raw == null) {
            return null;
        }
        String passThrough = existingHash(trim(raw));
        if (passThrough != null) {
            return passThrough;
        }
        if (!TextChecks.clean(trim(raw))) {
            return null;
        }
        String e164 = toE164(raw, eventRegion);
        return e164 == null ? null : digest(e164);
    }

    /**
     * A phone number in E.164 form, e.g. {@code "+1 (415) 555-0123"} → {@code "+14155550123"}.
     *
     * <p>Numbers with a leading {@code +} are parsed as international. Other numbers use the
     * configured default region if set, else {@code eventRegion}; without either, only a leading
     * {@code 00} international prefix is understood (as {@code +}). The number must be valid
     * ({@link PhoneNumberUtil#isValidNumber}), e.g. {@code +1 (555) 123-4567} is not.
     *
     * @param raw         the phone number as received, may be null
     * @param eventRegion the event's ISO 3166-1 alpha-2 country, may be null or unknown (then ignored)
     * @return the E.164 string, or null when the value is no valid phone number (or is a hash)
     */
    public String toE164(String raw, String eventRegion) {
        if (raw == null) {
            return null;
        }
        String s = raw.trim();
        if (s.isEmpty() || isSha256Hex(s)) {
            return null;
        }
        String region = defaultRegion != null ? defaultRegion : supportedRegion(eventRegion);
        if (region == null && s.startsWith("00")) {
            s = "+" + s.substring(2);
        }
        try {
            PhoneNumber number = PHONE.parse(s, region);
            if (!PHONE.isValidNumber(number)) {
                return null;
            }
            return PHONE.format(number, PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return null;
        }
    }

    /**
     * External id (TikTok {@code user.external_id}): trim (Unicode white space) only, case and form kept, SHA-256.
     *
     * @param raw the identifier as received, may be null
     * @return 64 lower-case hex characters, or null when null / blank / holding control characters
     */
    public String hashExternalId(String raw) {
        if (raw == null) {
            return null;
        }
        String trimmed = trim(raw);
        if (!TextChecks.clean(trimmed)) {
            return null;
        }
        String passThrough = existingHash(trimmed);
        if (passThrough != null) {
            return passThrough;
        }
        return hashNonEmpty(trimmed);
    }

    /**
     * First or last name (TikTok {@code user.first_name} / {@code last_name}): Unicode NFC, trim,
     * lower-case ({@link Locale#ROOT}), SHA-256.
     *
     * @param raw the name as received, may be null
     * @return 64 lower-case hex characters, or null when null / blank / holding control characters
     */
    public String hashName(String raw) {
        if (raw == null) {
            return null;
        }
        String trimmed = trim(nfc(raw));
        String passThrough = existingHash(trimmed);
        if (passThrough != null) {
            return passThrough;
        }
        if (!TextChecks.clean(trimmed)) {
            return null;
        }
        return hashNonEmpty(nfc(trimmed.toLowerCase(Locale.ROOT)));
    }

    /**
     * Zip / postal code (TikTok {@code user.zip_code}): NFC, all whitespace removed (including no-break
     * spaces), lower-case ({@link Locale#ROOT}), SHA-256.
     *
     * @param raw the postal code as received, may be null
     * @return 64 lower-case hex characters, or null when null / blank
     */
    public String hashZip(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                sb.append(c);
            }
        }
        String compact = nfc(sb.toString());
        String passThrough = existingHash(compact);
        if (passThrough != null) {
            return passThrough;
        }
        if (!TextChecks.clean(compact)) {
            return null;
        }
        return hashNonEmpty(compact.toLowerCase(Locale.ROOT));
    }

    /**
     * Hashes several identifiers of one kind (TikTok allows an array for {@code email},
     * {@code phone}, {@code external_id}), e.g. {@code hashAll(emails, hashing::hashEmail)} or
     * {@code hashAll(phones, p -> hashing.hashPhone(p, region))}.
     *
     * @param raws   the raw values, may be null or contain nulls
     * @param hasher one of this bean's hash methods (never called with null)
     * @return the distinct non-null hashes in input order (unmodifiable, possibly empty)
     */
    public List<String> hashAll(Collection<String> raws, Function<String, String> hasher) {
        if (raws == null || raws.isEmpty()) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String raw : raws) {
            if (raw != null) {
                String h = hasher.apply(raw);
                if (h != null) {
                    out.add(h);
                }
            }
        }
        return List.copyOf(out);
    }

    private static String existingHash(String trimmed) {
        return isSha256Hex(trimmed) ? trimmed.toLowerCase(Locale.ROOT) : null;
    }

    /** Null for the values TikTok must never receive a hash of: empty and {@code "+"}. */
    private static String hashNonEmpty(String normalised) {
        return normalised.isEmpty() || "+".equals(normalised) ? null : digest(normalised);
    }

    private static String digest(String normalised) {
        MessageDigest md = SHA256.get();
        return HEX.formatHex(md.digest(normalised.getBytes(StandardCharsets.UTF_8)));
    }

    private static String supportedRegion(String region) {
        if (region == null || region.isBlank()) {
            return null;
        }
        String r = region.trim().toUpperCase(Locale.ROOT);
        return PHONE.getSupportedRegions().contains(r) ? r : null;
    }
}
