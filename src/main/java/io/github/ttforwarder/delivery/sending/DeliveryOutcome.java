package io.github.ttforwarder.delivery.sending;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What one TikTok request's result means for its batch (TikTok Events API 2.0 §6).
 *
 * @param kind          what to do
 * @param code          TikTok's code as text, or {@code http-NNN}, {@code timeout}, {@code io-error},
 *                      {@code unreadable-response}
 * @param message       TikTok's message or a short description (no token, no personal data)
 * @param requestId     TikTok's {@code request_id}, or null
 * @param retryAfterMs  the server's {@code Retry-After} in ms, or -1 when absent
 * @param badIndexes    for {@link Kind#INVALID_EVENTS}: the {@code Batch.N} indexes TikTok named (may be empty)
 */
@RegisterForReflection
public record DeliveryOutcome(Kind kind, String code, String message, String requestId, long retryAfterMs,
        List<Integer> badIndexes) {

    /** What to do with the batch. */
    public enum Kind {
        /** Code 0: delivered. */
        DELIVERED,
        /** Code 20001: partial success, counted as delivered and logged. */
        PARTIAL,
        /** 40100, 50000, 50002, 51xxx, 52xxx, 60001, HTTP 429/5xx, timeouts, connection errors: retry the same body. */
        RETRY,
        /** 40002: some events are invalid; isolate them, resend the rest. */
        INVALID_EVENTS,
        /** 40061: invalid batch size; split in halves and resend. */
        SPLIT,
        /** 401xx except 40100: the pixel's token is expired, missing or invalid. */
        TOKEN_REJECTED,
        /** Any other error: permanent, dead-letter without retry. */
        REJECTED
    }

    /** @return the metric/log label of this result: TikTok code or transport result, with '-' as '_'. */
    public String resultTag() {
        return code.replace('-', '_');
    }
}
