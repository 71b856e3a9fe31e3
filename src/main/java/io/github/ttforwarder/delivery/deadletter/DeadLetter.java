package io.github.ttforwarder.delivery.deadletter;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One dead-letter line (JSON, one line per event). Two kinds:
 * <ul>
 * <li><b>output</b> — a TikTok event that TikTok or the transport failed ({@code tiktok}, {@code retries-exhausted},
 *     {@code shutdown}, {@code internal-error}): the exact outbound {@code data[]} item and its pixel. Replay sends
 *     it again, unchanged, to that pixel only.
 * <pre>
 * {"id":"…uuid…","time":"2026-11-29T23:40:01.123Z","reason":{"source":"tiktok","code":"40002","message":"…","request_id":"…"},
 *  "attempts":1,"pixel":{"name":"default","code":"C4ABC…"},"test_event_code":null,"event":{…the hashed data[] item…}}
 * </pre></li>
 * <li><b>input</b> — an event that never became a valid TikTok event ({@code validation}, {@code rule-failed},
 *     {@code unknown-pixel}): the input event with plain personal data hashed or removed ({@link InputRedactor}),
 *     why, and the rule. Replay re-runs it through the rules and the mapping ({@code direct:reingest}).
 * <pre>
 * {"id":"…","time":"…","kind":"input","reason":{"source":"validation","code":"pixel","message":"…"},"rule":"purchase",
 *  "attempts":0,"pixel":{"name":"brand3","code":null},"test_event_code":null,
 *  "input":{"format":"xdm","index":0,"endpoint":"/ee/v2/collect","request_id":"…","received_at":1764460800,
 *           "client_ip":"203.0.113.5","user_agent":"…","body":{…redacted input event…}}}
 * </pre></li>
 * </ul>
 * Lines written before the kinds existed have no {@code kind}: they are output letters, except those with reason
 * source {@code validation}, which are input letters without a stored input (listed, never replayed).
 *
 * @param id            unique id of the line (UUID), used to mark it replayed or discarded
 * @param time          when it was dead-lettered (ISO 8601, UTC)
 * @param reason        why
 * @param attempts      HTTP requests made for the event (0 when rejected before delivery)
 * @param pixelName     pixel name (input letters: the pixel the rule or input named, informational), may be null
 * @param pixelCode     pixel code, or null when the pixel is unknown; never the token
 * @param testEventCode envelope {@code test_event_code}, or null
 * @param event         output letters: the outbound TikTok {@code data[]} item (personal data already hashed);
 *                      input letters: null
 * @param rule          input letters: id of the rule that rejected or failed, or null
 * @param input         input letters: the stored input (shape above), or null
 */
@RegisterForReflection
public record DeadLetter(String id, Instant time, DeadLetterReason reason, int attempts, String pixelName,
        String pixelCode, String testEventCode, ObjectNode event, String rule, ObjectNode input) {

    /** Kind of an output letter. */
    public static final String OUTPUT = "output";
    /** Kind of an input letter. */
    public static final String INPUT = "input";

    /** An output letter. */
    public DeadLetter(String id, Instant time, DeadLetterReason reason, int attempts, String pixelName,
            String pixelCode, String testEventCode, ObjectNode event) {
        this(id, time, reason, attempts, pixelName, pixelCode, testEventCode, event, null, null);
    }

    /** @return {@value #INPUT} or {@value #OUTPUT} (see the class doc). */
    public String kind() {
        if (input != null || event == null || DeadLetterReason.VALIDATION.equals(reason.source())) {
            return INPUT;
        }
        return OUTPUT;
    }

    /** @return true when replay can do something with it (an output event, or a stored input). */
    public boolean replayable() {
        return INPUT.equals(kind()) ? input != null : event != null;
    }

    /**
     * @return the line as a JSON object, in the documented key order; e-mail addresses and phone numbers in any text
     *         (but the ids) masked ({@code security.PersonalData})
     */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", id);
        n.put("time", time.toString());
        if (input != null) {
            n.put("kind", INPUT);
        }
        n.set("reason", reason.toJson());
        if (rule != null) {
            n.put("rule", rule);
        }
        n.put("attempts", attempts);
        ObjectNode p = n.putObject("pixel");
        p.put("name", pixelName);
        p.put("code", pixelCode);
        if (testEventCode == null) {
            n.putNull("test_event_code");
        } else {
            n.put("test_event_code", testEventCode);
        }
        if (event != null) {
            n.set("event", event);
        }
        if (input != null) {
            n.set("input", input);
        }
        return io.github.ttforwarder.security.PersonalData.contains(n.toString())
                ? (ObjectNode) io.github.ttforwarder.security.PersonalData.maskJson(n.deepCopy(), java.util.Set.of("id", "event_id"))
                : n;
    }

    /**
     * @param n a parsed dead-letter line
     * @return the dead letter
     * @throws IllegalArgumentException when {@code id} or {@code time} is missing or malformed, or the line has
     *                                  neither {@code event} nor {@code input}
     */
    public static DeadLetter fromJson(JsonNode n) {
        if (!n.hasNonNull("id") || !n.hasNonNull("time") || !(n.path("event").isObject() || n.path("input").isObject())) {
            throw new IllegalArgumentException("not a dead-letter line (id, time and event or input are required)");
        }
        JsonNode p = n.path("pixel");
        return new DeadLetter(n.get("id").asText(), Instant.parse(n.get("time").asText()),
                DeadLetterReason.fromJson(n.get("reason")), n.path("attempts").asInt(0),
                p.hasNonNull("name") ? p.get("name").asText() : null,
                p.hasNonNull("code") ? p.get("code").asText() : null,
                n.hasNonNull("test_event_code") ? n.get("test_event_code").asText() : null,
                n.path("event").isObject() ? (ObjectNode) n.get("event") : null,
                n.hasNonNull("rule") ? n.get("rule").asText() : null,
                n.path("input").isObject() ? (ObjectNode) n.get("input") : null);
    }
}
