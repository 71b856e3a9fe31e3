package io.github.ttforwarder.delivery;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses the duration settings of the delivery stage ({@code forwarder.batch.max-wait},
 * {@code forwarder.retry.max-elapsed}, {@code forwarder.dedup.window}, ...).
 *
 * <p>Accepted shapes: a number with a unit suffix {@code ms}, {@code s}, {@code m}, {@code h} or
 * {@code d} ({@code 5ms}, {@code 500ms}, {@code 1s}, {@code 10m}, {@code 48h}, {@code 2d}); a bare number,
 * read as <b>seconds</b>; or an ISO-8601 duration ({@code PT1S}).
 */
public final class Durations {

    private Durations() {
    }

    /**
     * @param key   the configuration key, only used in the error message
     * @param value the text to parse
     * @return the duration, never negative
     * @throws IllegalArgumentException when the text is empty, negative or not one of the accepted shapes
     */
    public static Duration parse(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + ": empty duration");
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.startsWith("p")) {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            } else if (v.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000));
            } else if (v.endsWith("m")) {
                d = Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 60));
            } else if (v.endsWith("h")) {
                d = Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 3600));
            } else if (v.endsWith("d")) {
                d = Duration.ofHours(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 24));
            } else {
                d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException(key + ": negative duration '" + value + "'");
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": not a duration '" + value
                    + "' (use e.g. 5ms, 500ms, 1s, 10m, 48h or PT1S)");
        }
    }
}
