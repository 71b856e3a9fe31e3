package io.github.ttforwarder.delivery.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Why an event was dead-lettered: the {@code reason} object of a dead-letter line.
 *
 * @param source    {@value #TIKTOK} (TikTok's answer: {@code code} is TikTok's numeric code or
 *                  {@code http-NNN}), {@value #FORWARDER} (our own decision, e.g. {@code retries-exhausted})
 *                  or {@value #VALIDATION} (rejected before delivery by the ingest/validation stage)
 * @param code      machine-readable code, e.g. {@code 40002}, {@code 40105}, {@code retries-exhausted}
 * @param message   TikTok's {@code message} or our explanation; never contains a token or plain-text personal data
 * @param requestId TikTok's {@code request_id} of the (last) answer, or null
 */
@RegisterForReflection
public record DeadLetterReason(String source, String code, String message, String requestId) {

    /** Source: TikTok answered with this code. */
    public static final String TIKTOK = "tiktok";
    /** Source: the forwarder gave up (retries exhausted, shutdown, unknown pixel). */
    public static final String FORWARDER = "forwarder";
    /** Source: the ingest/validation stage rejected the event before delivery. */
    public static final String VALIDATION = "validation";

    /** @return a reason reported by TikTok (TikTok Events API 2.0 response §6). */
    public static DeadLetterReason tiktok(String code, String message, String requestId) {
        return new DeadLetterReason(TIKTOK, code, message, requestId);
    }

    /** @return a reason decided by the forwarder itself. */
    public static DeadLetterReason forwarder(String code, String message, String requestId) {
        return new DeadLetterReason(FORWARDER, code, message, requestId);
    }

    /**
     * @return a low-cardinality class for metrics: {@code invalid_event} (40002), {@code token} (401xx but
     *         40100), {@code rejected} (other TikTok codes), {@code retries_exhausted}, {@code shutdown},
     *         {@code unknown_pixel}, {@code validation} or {@code other}
     */
    public String reasonClass() {
        if (TIKTOK.equals(source)) {
            if ("40002".equals(code)) {
                return "invalid_event";
            }
            if (code != null && code.startsWith("401") && !"40100".equals(code)) {
                return "token";
            }
            return "rejected";
        }
        if (VALIDATION.equals(source)) {
            return "validation";
        }
        return switch (code == null ? "" : code) {
            case "retries-exhausted" -> "retries_exhausted";
            case "shutdown" -> "shutdown";
            case "unknown-pixel" -> "unknown_pixel";
            default -> "other";
        };
    }

    /** @return the reason as the JSON object written in dead-letter lines (null fields left out). */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("source", source);
        n.put("code", code);
        if (message != null) {
            n.put("message", message);
        }
        if (requestId != null) {
            n.put("request_id", requestId);
        }
        return n;
    }

    /** @return the reason read from a dead-letter line's {@code reason} object (a plain string is taken as the message). */
    public static DeadLetterReason fromJson(JsonNode n) {
        if (n == null || n.isNull()) {
            return new DeadLetterReason(FORWARDER, "unknown", null, null);
        }
        if (!n.isObject()) {
            return new DeadLetterReason(FORWARDER, "unknown", n.asText(), null);
        }
        return new DeadLetterReason(n.path("source").asText(FORWARDER), n.path("code").asText("unknown"),
                n.hasNonNull("message") ? n.get("message").asText() : null,
                n.hasNonNull("request_id") ? n.get("request_id").asText() : null);
    }
}
