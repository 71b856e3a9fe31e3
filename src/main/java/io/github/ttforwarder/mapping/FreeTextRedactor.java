package io.github.ttforwarder.mapping;

import java.util.Iterator;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency;

import io.github.ttforwarder.hashing.HashingBean;

/**
 * Removes personal data from the free-text fields TikTok receives in plain text — {@code page.url},
 * {@code page.referrer}, {@code properties.description} — before the event is sent or dead-lettered
 * ({@code forwarder.redaction.enabled}, default true). Each finding is replaced by {@value #TOKEN} and the event's
 * answer warns ({@code page.url: e-mail address or phone number removed}); the value itself is never reported.
 *
 * <ul>
 * <li>E-mail addresses: a local part, {@code @} (or percent-encoded {@code %40}, {@code %2540}) and a domain with a
 *     dot, anywhere in the text (found around each {@code @}: linear time, local part up to 64 characters).</li>
 * <li>Phone numbers: what libphonenumber's matcher ({@link PhoneNumberUtil#findNumbers}, leniency VALID) finds —
 *     international numbers with {@code +}, and national numbers of {@code forwarder.phone.default-region}.
 *     In URLs each path segment, query and fragment value is percent-decoded and checked on its own; a value
 *     that holds a number is replaced as a whole.</li>
 * </ul>
 */
@ApplicationScoped
@Named("freeTextRedactor")
public class FreeTextRedactor {

    /** What a removed e-mail address or phone number is replaced with. */
    public static final String TOKEN = "REDACTED";

    private static final PhoneNumberUtil PHONE = PhoneNumberUtil.getInstance();
    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 255;
    /** Longest URL part checked for a phone number (a number has at most 15 digits plus punctuation). */
    private static final int MAX_PHONE_TOKEN = 64;

    private final boolean enabled;
    private final String region;

    /**
     * @param enabled {@code forwarder.redaction.enabled}
     * @param hashing for {@code forwarder.phone.default-region} (national numbers); without it only {@code +} numbers
     */
    @Inject
    public FreeTextRedactor(@ConfigProperty(name = "forwarder.redaction.enabled", defaultValue = "true") boolean enabled,
            HashingBean hashing) {
        this(enabled, hashing.defaultRegion());
    }

    /**
     * @param enabled whether to redact at all
     * @param region  ISO 3166-1 alpha-2 region for national phone numbers, or null (only {@code +} numbers)
     */
    public FreeTextRedactor(boolean enabled, String region) {
        this.enabled = enabled;
        this.region = region == null ? "ZZ" : region;
    }

    /** @return whether redaction is on. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * @param d     the draft, for the warning
     * @param field the TikTok field, e.g. {@code page.url}
     * @param text  the value, may be null
     * @param url   whether the value is a URL (checked part by part) or free text
     * @return the value with personal data replaced by {@value #TOKEN} (the same string when none was found)
     */
    public String redact(TikTokEventDraft d, String field, String text, boolean url) {
        if (!enabled || text == null) {
            return text;
        }
        String out = url ? phonesInUrl(emails(text)) : phonesInText(emails(text));
        if (!out.equals(text)) {
            d.warn(field, "e-mail address or phone number removed (forwarder.redaction.enabled)");
        }
        return out;
    }

    /** Replaces every e-mail address (also with a percent-encoded {@code @}). */
    static String emails(String s) {
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            int sep = separatorLength(s, i);
            if (sep == 0) {
                i++;
                continue;
            }
            int start = i;
            while (start > copied && i - start < MAX_LOCAL && isLocalChar(s.charAt(start - 1))) {
                start--;
            }
            int end = i + sep;
            int lastDot = -1;
            while (end < n && end - i - sep < MAX_DOMAIN && isDomainChar(s.charAt(end))) {
                if (s.charAt(end) == '.') {
                    lastDot = end;
                }
                end++;
            }
            while (end > i + sep && s.charAt(end - 1) == '.') {
                end--;
            }
            lastDot = s.lastIndexOf('.', end - 1);
            if (start < i && lastDot > i + sep && lastDot < end - 2 && tldLetters(s, lastDot + 1, end)) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(s, copied, start).append(TOKEN);
                copied = end;
                i = end;
            } else {
                i += sep;
            }
        }
        if (out == null) {
            return s;
        }
        return out.append(s, copied, n).toString();
    }

    /** @return the length of an {@code @}, {@code %40} or {@code %2540} at {@code i}, else 0. */
    private static int separatorLength(String s, int i) {
        char c = s.charAt(i);
        if (c == '@') {
            return 1;
        }
        if (c == '%') {
            if (s.regionMatches(true, i, "%40", 0, 3)) {
                return 3;
            }
            if (s.regionMatches(true, i, "%2540", 0, 5)) {
                return 5;
            }
        }
        return 0;
    }

    private static boolean isLocalChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '+' || c == '-' || c == '%';
    }

    private static boolean isDomainChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '.';
    }

    private static boolean tldLetters(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!Character.isLetter(s.charAt(k))) {
                return false;
            }
        }
        return to - from >= 2;
    }

    /** Replaces each phone number libphonenumber finds in free text. */
    private String phonesInText(String s) {
        if (!hasDigitRun(s)) {
            return s;
        }
        StringBuilder out = null;
        int copied = 0;
        Iterator<PhoneNumberMatch> it = PHONE.findNumbers(s, region, Leniency.VALID, 100).iterator();
        while (it.hasNext()) {
            PhoneNumberMatch m = it.next();
            if (out == null) {
                out = new StringBuilder(s.length());
            }
            out.append(s, copied, m.start()).append(TOKEN);
            copied = m.end();
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /** Replaces each URL part (between {@code / ? & = # ;}) whose percent-decoded text holds a phone number. */
    private String phonesInUrl(String s) {
        if (!hasDigitRun(s)) {
            return s;
        }
        int scheme = s.indexOf("://");
        int from = scheme < 0 ? 0 : scheme + 3;
        StringBuilder out = new StringBuilder(s.length());
        out.append(s, 0, from);
        boolean changed = false;
        int start = from;
        for (int i = from; i <= s.length(); i++) {
            if (i == s.length() || "/?&=#;".indexOf(s.charAt(i)) >= 0) {
                String part = s.substring(start, i);
                if (part.length() <= MAX_PHONE_TOKEN && hasDigitRun(part)
                        && PHONE.findNumbers(percentDecode(part), region, Leniency.VALID, 10).iterator().hasNext()) {
                    out.append(TOKEN);
                    changed = true;
                } else {
                    out.append(part);
                }
                if (i < s.length()) {
                    out.append(s.charAt(i));
                }
                start = i + 1;
            }
        }
        return changed ? out.toString() : s;
    }

    /** At least 7 digits in the text: nothing shorter can be a phone number. */
    private static boolean hasDigitRun(String s) {
        int digits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= '0' && s.charAt(i) <= '9' && ++digits >= 7) {
                return true;
            }
        }
        return false;
    }

    /** {@code %XX} decoded as UTF-8 bytes (invalid escapes kept as they are); {@code +} stays {@code +}. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
}
