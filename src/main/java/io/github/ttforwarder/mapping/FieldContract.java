package io.github.ttforwarder.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.ttforwarder.hashing.TextChecks;
import io.github.ttforwarder.model.EventRejectedException;
import io.github.ttforwarder.model.Values;

/**
 * TikTok Events API 2.0's field contract (types, allowed values, sane ranges), checked once while an event is
 * mapped. Required fields that are unusable reject the event ({@link EventRejectedException}: field and reason);
 * optional ones are left out with a warning naming the field ({@link TikTokEventDraft#warn}). Reasons never quote
 * the value.
 *
 * <p>Conversions (documented, lossless): an id field ({@code event_id}, {@code content_id}, {@code content_ids[]},
 * {@code order_id}, {@code shop_id}, {@code phone}, {@code external_id}) given as an integral JSON number becomes
 * its digits; a price, value, quantity or num_items given as a string of plain decimal digits ({@code "19.99"})
 * becomes that number. Nothing else is converted: a number where a name or e-mail is expected, a boolean, an
 * object or an array where a scalar is expected is a warning (or a rejection for a required field). JSON
 * {@code null} is the same as an absent field.
 */
public final class FieldContract {

    /** Largest price, value or amount accepted (10^12): anything above is a unit or parsing mistake. */
    public static final BigDecimal MAX_AMOUNT = BigDecimal.TEN.pow(12);
    /** Largest quantity or num_items accepted (10^9). */
    public static final BigDecimal MAX_COUNT = BigDecimal.TEN.pow(9);

    private FieldContract() {
    }

    /** The JSON type of a parsed value, for reasons: {@code string}, {@code number}, {@code boolean}, {@code array}, {@code object}. */
    public static String kind(Object o) {
        return Values.jsonKind(o);
    }

    /**
     * A required string (e.g. {@code event}).
     *
     * @return the trimmed string, or null when absent or blank (the caller rejects it as missing)
     * @throws EventRejectedException when it is not a string or holds control characters
     */
    public static String requiredText(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new EventRejectedException(field, "must be a string, not a JSON " + kind(value));
        }
        String t = s.strip();
        if (!TextChecks.clean(t)) {
            throw new EventRejectedException(field, TextChecks.CONTROL_REASON);
        }
        return t.isEmpty() ? null : t;
    }

    /**
     * An optional string field.
     *
     * @param freeText whether tab and line breaks are allowed (descriptions, search queries)
     * @return the trimmed string, or null (absent, blank, or wrong: then with a warning)
     */
    public static String text(TikTokEventDraft d, String field, Object value, boolean freeText) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            d.warn(field, "must be a string, not a JSON " + kind(value) + ", left out");
            return null;
        }
        String t = s.strip();
        if (!TextChecks.clean(t, freeText)) {
            d.warn(field, TextChecks.CONTROL_REASON + ", left out");
            return null;
        }
        return t.isEmpty() ? null : t;
    }

    /** An optional single-line string field; see {@link #text(TikTokEventDraft, String, Object, boolean)}. */
    public static String text(TikTokEventDraft d, String field, Object value) {
        return text(d, field, value, false);
    }

    /**
     * An optional id: a string (kept byte for byte unless blank) or an integral JSON number (its digits).
     *
     * @return the id, or null (absent, blank, or wrong: then with a warning)
     */
    public static String id(TikTokEventDraft d, String field, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            if (s.isBlank()) {
                return null;
            }
            if (!TextChecks.clean(s.strip())) {
                d.warn(field, TextChecks.CONTROL_REASON + ", left out");
                return null;
            }
            return s;
        }
        String digits = integerDigits(value);
        if (digits == null) {
            d.warn(field, "must be a string (or a whole number), not a JSON " + kind(value)
                    + (value instanceof Number ? " with a fraction or exponent" : "") + ", left out");
        }
        return digits;
    }

    /** @return the digits of an integral JSON number ({@code 273196}, {@code -5}), or null for anything else. */
    static String integerDigits(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal bd && bd.scale() <= 0 && bd.precision() - bd.scale() <= 30) {
            return bd.toPlainString();
        }
        return null;
    }

    /**
     * An optional string or array of strings (e.g. {@code user.email}); elements of another type are warned about
     * and left out, integral numbers are taken as their digits only when {@code integers} is set.
     *
     * @return the strings (untrimmed), possibly empty
     */
    public static List<String> texts(TikTokEventDraft d, String field, Object value, boolean integers) {
        if (value == null) {
            return List.of();
        }
        List<?> items = value instanceof List<?> l ? l : List.of(value);
        List<String> out = new ArrayList<>(items.size());
        int wrong = 0;
        String wrongKind = null;
        for (Object o : items) {
            if (o instanceof String s) {
                out.add(s);
            } else if (o != null) {
                String digits = integers ? integerDigits(o) : null;
                if (digits != null) {
                    out.add(digits);
                } else {
                    wrong++;
                    wrongKind = kind(o);
                }
            }
        }
        if (wrong > 0) {
            d.warn(field, "must be a string" + (value instanceof List ? " or an array of strings" : "") + ", not a JSON "
                    + wrongKind + ", left out" + (wrong > 1 ? " (" + wrong + " values)" : ""));
        }
        return out;
    }

    /**
     * An optional group ({@code user}, {@code page}, {@code properties}).
     *
     * @return the object, or null (absent, or wrong: then with a warning)
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> group(TikTokEventDraft d, String field, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        d.warn(field, "must be a JSON object, not a JSON " + kind(value) + ", left out");
        return null;
    }

    /**
     * A non-negative amount (price, value): a JSON number or a plain decimal string, at most {@link #MAX_AMOUNT}.
     *
     * @return the amount, or null (absent, or wrong: then with a warning)
     */
    public static BigDecimal amount(TikTokEventDraft d, String field, Object value) {
        return number(d, field, value, MAX_AMOUNT, false);
    }

    /**
     * A count (num_items): a whole number from 0 to {@link #MAX_COUNT}.
     *
     * @return the count, or null (absent, or wrong: then with a warning)
     */
    public static BigDecimal count(TikTokEventDraft d, String field, Object value) {
        return number(d, field, value, MAX_COUNT, true);
    }

    private static BigDecimal number(TikTokEventDraft d, String field, Object value, BigDecimal max, boolean whole) {
        if (value == null) {
            return null;
        }
        BigDecimal n = value instanceof Boolean ? null : Values.number(value);
        if (n == null) {
            d.warn(field, value instanceof String ? "not a number, left out" : "must be a number, not a JSON " + kind(value) + ", left out");
            return null;
        }
        if (n.signum() < 0 || n.compareTo(max) > 0 || (whole && n.stripTrailingZeros().scale() > 0)) {
            d.warn(field, "must be " + (whole ? "a whole number" : "a number") + " from 0 to " + max.toPlainString() + ", left out");
            return null;
        }
        return n;
    }

    /**
     * A flag that must fail closed ({@code limited_data_use}): JSON {@code true}/{@code false}; the strings
     * {@code "true"}, {@code "false"}, {@code "1"}, {@code "0"}, {@code "yes"}, {@code "no"} (any case, trimmed);
     * the numbers {@code 1} and {@code 0}.
     *
     * @return the flag, or null when absent
     * @throws EventRejectedException for any other value: the event is not sent rather than sent without it
     */
    public static Boolean flag(String field, Object value) {
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        if (value instanceof String s) {
            switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> {
                    return Boolean.TRUE;
                }
                case "false", "0", "no" -> {
                    return Boolean.FALSE;
                }
                default -> {
                }
            }
        } else if (value instanceof Number) {
            BigDecimal n = Values.number(value);
            if (n != null && n.compareTo(BigDecimal.ONE) == 0) {
                return Boolean.TRUE;
            }
            if (n != null && n.signum() == 0) {
                return Boolean.FALSE;
            }
        }
        throw new EventRejectedException(field, "must be true or false (a boolean, \"true\"/\"false\", \"1\"/\"0\", "
                + "\"yes\"/\"no\" or 1/0), not this JSON " + kind(value) + "; the event is not sent without its restriction");
    }

    /**
     * A setting that routes the event ({@code pixel}, {@code test_event_code}): a string or absent. A value of
     * another type rejects the event: it must never go to production or to the default pixel by mistake.
     *
     * @param blankIsAbsent whether an empty string means "not set" (else it is rejected too)
     * @return the trimmed string, or null when absent
     * @throws EventRejectedException when it is not a string, holds control characters, or is blank and blanks are refused
     */
    public static String selector(String field, Object value, boolean blankIsAbsent) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new EventRejectedException(field, "must be a string, not a JSON " + kind(value)
                    + "; the event is not sent rather than sent to the wrong place");
        }
        String t = s.strip();
        if (!TextChecks.clean(t)) {
            throw new EventRejectedException(field, TextChecks.CONTROL_REASON);
        }
        if (t.isEmpty()) {
            if (blankIsAbsent) {
                return null;
            }
            throw new EventRejectedException(field, "empty; name a configured pixel or leave the field out");
        }
        return t;
    }
}
