package io.github.ttforwarder.mapping;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.ttforwarder.model.EventRejectedException;

/**
 * Reads an inbound event time and turns it into TikTok's {@code event_time}.
 *
 * <p>TikTok Events API 2.0: {@code data[].event_time} is Unix time in <b>seconds</b>, UTC, as a
 * JSON number. Accepted inbound forms:
 * <ul>
 * <li>ISO 8601 date-time with {@code Z} or an offset ({@code +02:00} or {@code +0200}), seconds
 * optional, any number (1-9) of fractional second digits: {@code 2020-09-17T19:49:27Z},
 * {@code 2020-09-17T21:49:27.123456+02:00};</li>
 * <li>Adobe's {@code yyyy-MM-dd'T'HH:mm:ss:SSSZ}: {@code 2020-09-17T21:49:27:000+0200};</li>
 * <li>ISO 8601 local date-time without offset, taken as UTC;</li>
 * <li>epoch seconds or epoch milliseconds as a JSON number or a numeric string (digits with an
 * optional decimal part); values &ge; {@value #MILLIS_THRESHOLD} are milliseconds. Fractions of a
 * second are dropped (floor).</li>
 * </ul>
 * Fractions of a second are always dropped. Times before 1970 are refused.
 */
public final class EventTimeParser {

    /** Numbers at or above this are epoch milliseconds (100000000000 s would be the year 5138). */
    public static final long MILLIS_THRESHOLD = 100_000_000_000L;

    /** The rejection reason; it never echoes the value. */
    public static final String REASON =
            "not a readable time: expected ISO 8601, yyyy-MM-dd'T'HH:mm:ss:SSSZ, epoch seconds or epoch milliseconds";

    private static final BigDecimal THRESHOLD = BigDecimal.valueOf(MILLIS_THRESHOLD);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

    /** ISO 8601 date-time, seconds and fraction optional, offset ({@code Z}, +HH:MM, +HHMM) optional. */
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart()
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .optionalEnd()
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(IsoChronology.INSTANCE);

    /** Adobe: {@code yyyy-MM-dd'T'HH:mm:ss:SSSZ} (milliseconds after a colon; offset +HHMM, +HH:MM or Z). */
    private static final DateTimeFormatter ADOBE = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .appendLiteral(':')
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, false)
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(IsoChronology.INSTANCE);

    private EventTimeParser() {
    }

    /**
     * Converts an inbound event time to Unix seconds (UTC).
     *
     * @param value the JSON value of the time field (number or string); null / missing is refused
     * @param field the inbound field's dotted path, for the rejection (e.g. {@code event_time})
     * @return Unix time in seconds, &ge; 0
     * @throws EventRejectedException with reason {@link #REASON} when the value is not a readable
     *                                time (wrong type, unknown format, negative, out of range); the
     *                                message never contains the value
     */
    public static long toEpochSeconds(JsonNode value, String field) {
        if (value == null) {
            throw reject(field);
        }
        if (value.isNumber()) {
            return fromNumber(value, field);
        }
        if (value.isTextual()) {
            return fromText(value.textValue(), field);
        }
        throw reject(field);
    }

    private static long fromNumber(JsonNode value, String field) {
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw reject(field);
            }
            return fromEpochLong(value.longValue(), field);
        }
        if ((value.isDouble() || value.isFloat())
                && (Double.isNaN(value.doubleValue()) || Double.isInfinite(value.doubleValue()))) {
            throw reject(field);
        }
        return fromEpochDecimal(value.decimalValue(), field);
    }

    private static long fromEpochLong(long n, String field) {
        if (n < 0) {
            throw reject(field);
        }
        return n >= MILLIS_THRESHOLD ? n / 1000 : n;
    }

    private static long fromEpochDecimal(BigDecimal d, String field) {
        if (d.signum() < 0) {
            throw reject(field);
        }
        BigDecimal seconds = d.compareTo(THRESHOLD) >= 0 ? d.divide(THOUSAND) : d;
        seconds = seconds.setScale(0, RoundingMode.FLOOR);
        if (seconds.compareTo(MAX_LONG) > 0) {
            throw reject(field);
        }
        return seconds.longValue();
    }

    /**
     * Fast path for the shape nearly every event has — {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM|±HHMM)} —
     * read digit by digit without the general formatter.
     *
     * @return Unix seconds, or -1 when the text has another shape (the formatters then decide)
     */
    static long fastIso(String s) {
        int len = s.length();
        if (len < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return -1;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 1970 || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour > 23 || minute > 59 || second > 59) {
            return -1;
        }
        int i = 19;
        if (s.charAt(i) == '.') {
            i++;
            int start = i;
            while (i < len && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == start) {
                return -1;
            }
        }
        if (i >= len) {
            return -1;
        }
        int offsetSeconds;
        char sign = s.charAt(i);
        if (sign == 'Z' && i == len - 1) {
            offsetSeconds = 0;
        } else if ((sign == '+' || sign == '-') && (len - i == 6 && s.charAt(i + 3) == ':' || len - i == 5)) {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, len - 2, 2);
            if (oh < 0 || om < 0 || oh > 18 || om > 59) {
                return -1;
            }
            offsetSeconds = (sign == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        } else {
            return -1;
        }
        long epoch = java.time.LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3600L + minute * 60L + second
                - offsetSeconds;
        return epoch >= 0 ? epoch : -1;
    }

    /** @return the non-negative number written by {@code n} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int n) {
        int v = 0;
        for (int k = from; k < from + n; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static long fromText(String raw, String field) {
        String s = raw.trim();
        int len = s.length();
        if (len == 0) {
            throw reject(field);
        }
        char first = s.charAt(0);
        if (first < '0' || first > '9') {
            throw reject(field);
        }
        if (isPlainNumber(s)) {
            if (s.indexOf('.') < 0 && len <= 18) {
                return fromEpochLong(Long.parseLong(s), field);
            }
            return fromEpochDecimal(new BigDecimal(s), field);
        }
        long fast = fastIso(s);
        if (fast >= 0) {
            return fast;
        }
        // yyyy-MM-ddTHH:mm:ss:SSS... has a colon at index 19 (Adobe); everything else is ISO.
        DateTimeFormatter formatter = len > 19 && s.charAt(19) == ':' ? ADOBE : ISO;
        long epoch;
        try {
            TemporalAccessor t = formatter.parse(s);
            LocalDateTime local = LocalDateTime.from(t);
            ZoneOffset offset = t.isSupported(ChronoField.OFFSET_SECONDS)
                    ? ZoneOffset.ofTotalSeconds(t.get(ChronoField.OFFSET_SECONDS))
                    : ZoneOffset.UTC;
            epoch = local.toEpochSecond(offset);
        } catch (DateTimeException e) {
            throw reject(field);
        }
        if (epoch < 0) {
            throw reject(field);
        }
        return epoch;
    }

    /** Digits with at most one '.' that is followed by at least one digit; no sign, no exponent. */
    private static boolean isPlainNumber(String s) {
        boolean dot = false;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (dot || i == n - 1) {
                    return false;
                }
                dot = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static EventRejectedException reject(String field) {
        return new EventRejectedException(field, REASON);
    }
}
