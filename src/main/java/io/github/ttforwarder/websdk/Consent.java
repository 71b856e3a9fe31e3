package io.github.ttforwarder.websdk;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A visitor's or an event's consent, as the Web SDK and XDM express it.
 *
 * <ul>
 * <li>Adobe standard 1.0 ({@code setConsent}, the {@code kndctr_<org>_consent} cookie {@code general=in|out|pending}):
 *     {@code general}.</li>
 * <li>Adobe standard 2.0 and the XDM Consents field group ({@code consents.<field>.val}): {@code y}, {@code dy}
 *     → {@link #IN}; {@code n}, {@code dn} → {@link #OUT}; {@code p} (pending), {@code u} (unknown) →
 *     {@link #PENDING}; other values (e.g. {@code LI}, {@code VI}) decide nothing.</li>
 * <li>IAB TCF 2.0 strings are not decoded: they decide nothing (the configured default applies).</li>
 * </ul>
 */
public enum Consent {
    IN("in"), OUT("out"), PENDING("pending");

    private final String general;

    Consent(String general) {
        this.general = general;
    }

    /** @return the value of {@code general} in the consent cookie ({@code in}, {@code out}, {@code pending}). */
    public String general() {
        return general;
    }

    /** @return the consent a value stands for ({@code in}/{@code y}/{@code dy}, ...), or null when it decides nothing. */
    public static Consent of(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "in", "y", "dy" -> IN;
            case "out", "n", "dn" -> OUT;
            case "pending", "p", "u" -> PENDING;
            default -> null;
        };
    }

    /** @return {@code general} of a consent cookie value ({@code general=in;other=x}), or null. */
    public static Consent ofCookie(String cookieValue) {
        if (cookieValue == null) {
            return null;
        }
        for (String pair : cookieValue.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals("general")) {
                return of(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /**
     * The general consent of a {@code setConsent} {@code consent} array or a request's {@code meta.consent}
     * (that array, or an object such as {@code {"general": "out"}}); the last deciding entry wins.
     *
     * @return the consent, or null when nothing in it decides (absent, IAB TCF only, unknown values)
     */
    public static Consent ofRequest(JsonNode consent) {
        if (consent == null || consent.isMissingNode() || consent.isNull()) {
            return null;
        }
        if (consent.isObject() && !consent.has("standard")) {
            return consent.has("general") ? of(consent.path("general").asText(null)) : ofXdm(consent, List.of("collect"));
        }
        Consent result = null;
        for (JsonNode entry : consent.isArray() ? consent : List.of(consent)) {
            if (!"Adobe".equalsIgnoreCase(entry.path("standard").asText(""))) {
                continue;
            }
            JsonNode value = entry.path("value");
            Consent c = value.has("general") ? of(value.path("general").asText(null)) : ofXdm(value, List.of("collect"));
            if (c != null) {
                result = c;
            }
        }
        return result;
    }

    /**
     * @param consents an XDM Consents object ({@code {"collect": {"val": "y"}, "share": {"val": "n"}}})
     * @param fields   the fields that decide (e.g. {@code collect}, {@code share})
     * @return {@link #OUT} when any field says no, else {@link #PENDING} when any is pending or unknown, else
     *         {@link #IN} when any says yes, else null
     */
    public static Consent ofXdm(JsonNode consents, List<String> fields) {
        if (consents == null || !consents.isObject()) {
            return null;
        }
        Consent result = null;
        for (String field : fields) {
            Consent c = of(consents.path(field).path("val").asText(null));
            if (c == OUT) {
                return OUT;
            }
            if (c == PENDING || (c == IN && result == null)) {
                result = c;
            }
        }
        return result;
    }
}
