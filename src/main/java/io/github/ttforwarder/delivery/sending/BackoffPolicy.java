package io.github.ttforwarder.delivery.sending;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.github.ttforwarder.delivery.DeliveryConfig;

/**
 * Retry delays: exponential backoff with jitter, honouring {@code Retry-After}.
 *
 * <p>Delay before retry n (n = attempts made so far, 1-based): {@code base = min(max-delay, initial-delay × 2^(n-1))},
 * then "equal jitter": uniformly random in {@code [base/2, base]}; if the server sent {@code Retry-After}
 * the delay is at least that. All values in milliseconds. Settings: {@code forwarder.retry.initial-delay}
 * (default 1s), {@code forwarder.retry.max-delay} (default 60s). Rule source: TikTok Events API 2.0 §6
 * ("retry with backoff") and RFC 9110 §10.2.3 (Retry-After: delay-seconds or HTTP-date).
 */
@ApplicationScoped
@Named("backoffPolicy")
public class BackoffPolicy {

    @Inject
    DeliveryConfig config;

    /**
     * @param attempts     HTTP attempts made in this retry chain so far (≥ 1)
     * @param retryAfterMs the server's Retry-After in ms, or -1
     * @return the delay in ms before the next attempt
     */
    public long delayMs(int attempts, long retryAfterMs) {
        return delayMs(attempts, retryAfterMs, config.retryInitialDelayMs(), config.retryMaxDelayMs());
    }

    /** Same as {@link #delayMs(int, long)} with explicit settings (ms). */
    static long delayMs(int attempts, long retryAfterMs, long initialMs, long maxMs) {
        int exp = Math.max(0, Math.min(attempts - 1, 30));
        long base = Math.min(maxMs, initialMs * (1L << exp));
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base - base / 2 + 1);
        return Math.max(jittered, retryAfterMs);
    }

    /**
     * @param header the {@code Retry-After} header: delay-seconds ({@code 120}) or an HTTP-date
     *               ({@code Wed, 21 Oct 2026 07:28:00 GMT})
     * @param now    the current time
     * @return the delay in ms (0 for a date in the past), or -1 when absent or unreadable
     */
    public static long parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String v = header.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? -1 : Math.min(seconds, Long.MAX_VALUE / 1000) * 1000;
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, Duration.between(now, at).toMillis());
            } catch (DateTimeParseException e2) {
                return -1;
            }
        }
    }
}
