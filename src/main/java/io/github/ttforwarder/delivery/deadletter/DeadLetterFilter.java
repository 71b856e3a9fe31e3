package io.github.ttforwarder.delivery.deadletter;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Which dead letters to list or replay ({@code GET /admin/dead-letters}, {@code POST /admin/dead-letters/replay}).
 * Every criterion is optional; all given ones must match.
 *
 * @param reason substring (case-insensitive) of the reason's {@code code}, {@code message} or {@code source},
 *               e.g. {@code 40002} or {@code retries}
 * @param from   earliest dead-letter time, inclusive
 * @param to     latest dead-letter time, exclusive
 * @param pixel  pixel name or pixel code, exact
 * @param kind   {@code input} or {@code output} (see {@link DeadLetter#kind()}), or null for both
 */
public record DeadLetterFilter(String reason, Instant from, Instant to, String pixel, String kind) {

    /** A filter without kind. */
    public DeadLetterFilter(String reason, Instant from, Instant to, String pixel) {
        this(reason, from, to, pixel, null);
    }

    /**
     * Builds a filter from query parameters.
     *
     * @param reason reason substring or code, may be null/blank
     * @param from   ISO 8601 instant ({@code 2026-11-29T10:00:00Z}), offset date-time, or date ({@code 2026-11-29},
     *               start of that UTC day); null/blank for none
     * @param to     same shapes; a date means the start of that UTC day
     * @param pixel  pixel name or code, may be null/blank
     * @return the filter
     * @throws IllegalArgumentException when {@code from} or {@code to} is not ISO 8601
     */
    public static DeadLetterFilter of(String reason, String from, String to, String pixel) {
        return of(reason, from, to, pixel, null);
    }

    /**
     * Same as {@link #of(String, String, String, String)} with a kind.
     *
     * @throws IllegalArgumentException also when {@code kind} is neither {@code input} nor {@code output}
     */
    public static DeadLetterFilter of(String reason, String from, String to, String pixel, String kind) {
        String k = blankToNull(kind);
        if (k != null && !DeadLetter.INPUT.equals(k) && !DeadLetter.OUTPUT.equals(k)) {
            throw new IllegalArgumentException("kind must be input or output, was " + k);
        }
        return new DeadLetterFilter(blankToNull(reason), time("from", from), time("to", to), blankToNull(pixel), k);
    }

    /** @return true when no criterion is set (matches everything). */
    public boolean isEmpty() {
        return reason == null && from == null && to == null && pixel == null && kind == null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Instant time(String name, String value) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e3) {
                    throw new IllegalArgumentException(name + " is not an ISO 8601 time or date: " + v);
                }
            }
        }
    }

    /** @return true when the dead letter matches every given criterion. */
    public boolean matches(DeadLetter d) {
        if (from != null && d.time().isBefore(from)) {
            return false;
        }
        if (to != null && !d.time().isBefore(to)) {
            return false;
        }
        if (pixel != null && !pixel.equals(d.pixelName()) && !pixel.equals(d.pixelCode())) {
            return false;
        }
        if (kind != null && !kind.equals(d.kind())) {
            return false;
        }
        if (reason != null) {
            String r = reason.toLowerCase(Locale.ROOT);
            DeadLetterReason dr = d.reason();
            return contains(dr.code(), r) || contains(dr.message(), r) || contains(dr.source(), r);
        }
        return true;
    }

    private static boolean contains(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle);
    }

    /** @return true when a file holding dead letters of this UTC day can contain matches. */
    public boolean mayMatchDay(LocalDate day) {
        Instant start = day.atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return (from == null || end.isAfter(from)) && (to == null || start.isBefore(to));
    }
}
