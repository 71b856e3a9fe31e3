package io.github.ttforwarder.delivery.sending;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.delivery.sending.DeliveryOutcome.Kind;

/**
 * Classifies a TikTok answer (or a transport failure) into a {@link DeliveryOutcome}.
 *
 * <p>Rules (TikTok Events API 2.0 §6; TikTok answers most errors with HTTP 200 and a non-zero {@code code},
 * so the body is always read): {@code 0} delivered; {@code 20001} partial (delivered, logged);
 * {@code 40100}, {@code 50000}, {@code 50002}, {@code 51xxx}, {@code 52xxx}, {@code 60001}, HTTP 429, HTTP 5xx
 * (any body, HTML included), timeouts and connection errors: retry; {@code 40002}: invalid events, with the
 * {@code Batch.N.} indexes found in the message; {@code 40061}: split; {@code 401xx} except {@code 40100}:
 * token rejected; everything else (40001, 40062, 40063, other 4xx, unknown codes): rejected permanently.
 * A 2xx answer that is not TikTok's JSON is retried ({@code unreadable-response}).
 */
@ApplicationScoped
@Named("responseClassifier")
public class ResponseClassifier {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern BATCH_INDEX = Pattern.compile("Batch\\.(\\d+)\\.");
    private static final int MAX_SNIPPET = 200;

    /**
     * @param status       HTTP status, or 0 when no answer came
     * @param body         the response body (may be null, HTML, or JSON)
     * @param error        the transport exception, or null
     * @param retryAfterMs {@code Retry-After} in ms, or -1
     * @return the outcome
     */
    public DeliveryOutcome classify(int status, String body, Throwable error, long retryAfterMs) {
        if (error != null) {
            boolean timeout = causedBy(error, SocketTimeoutException.class)
                    || error.getClass().getSimpleName().toLowerCase().contains("timeout");
            String code = timeout ? "timeout" : "io-error";
            return new DeliveryOutcome(Kind.RETRY, code, error.getClass().getSimpleName() + ": " + error.getMessage(),
                    null, -1, List.of());
        }
        JsonNode json = parse(body);
        boolean tiktokJson = json != null && json.isObject() && json.path("code").canConvertToInt();
        if (status == 429 || status >= 500 || (status >= 200 && status < 300 && !tiktokJson)) {
            String code = status >= 200 && status < 300 ? "unreadable-response" : "http-" + status;
            String message = tiktokJson ? json.path("message").asText(null) : snippet(body);
            return new DeliveryOutcome(Kind.RETRY, code, message, tiktokJson ? requestId(json) : null, retryAfterMs,
                    List.of());
        }
        if (!tiktokJson) {
            return new DeliveryOutcome(Kind.REJECTED, "http-" + status, snippet(body), null, -1, List.of());
        }
        int code = json.path("code").asInt();
        String message = json.path("message").asText(null);
        String requestId = requestId(json);
        return new DeliveryOutcome(kind(code), Integer.toString(code), message, requestId,
                retryAfterMs, code == 40002 ? badIndexes(message) : List.of());
    }

    /** @return the kind for a TikTok {@code code} (see the class rules). */
    static Kind kind(int code) {
        if (code == 0) {
            return Kind.DELIVERED;
        }
        if (code == 20001) {
            return Kind.PARTIAL;
        }
        if (code == 40100 || code == 50000 || code == 50002 || (code >= 51000 && code < 53000) || code == 60001) {
            return Kind.RETRY;
        }
        if (code == 40002) {
            return Kind.INVALID_EVENTS;
        }
        if (code == 40061) {
            return Kind.SPLIT;
        }
        if (code >= 40100 && code < 40200) {
            return Kind.TOKEN_REJECTED;
        }
        return Kind.REJECTED;
    }

    /**
     * @param message TikTok's 40002 message, e.g. {@code Batch.537.properties.contents.0.content_id: Not a valid string}
     * @return the distinct {@code Batch.N} indexes named, in order of appearance
     */
    static List<Integer> badIndexes(String message) {
        if (message == null) {
            return List.of();
        }
        Set<Integer> out = new LinkedHashSet<>();
        Matcher m = BATCH_INDEX.matcher(message);
        while (m.find()) {
            try {
                out.add(Integer.parseInt(m.group(1)));
            } catch (NumberFormatException e) {
                // absurdly long number: ignore
            }
        }
        return new ArrayList<>(out);
    }

    private static String requestId(JsonNode json) {
        return json.hasNonNull("request_id") ? json.get("request_id").asText() : null;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String snippet(String body) {
        if (body == null) {
            return null;
        }
        String s = body.replaceAll("\\s+", " ").trim();
        return s.length() > MAX_SNIPPET ? s.substring(0, MAX_SNIPPET) + "…" : s;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
