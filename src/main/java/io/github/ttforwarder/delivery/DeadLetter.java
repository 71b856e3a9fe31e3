package io.github.ttforwarder.delivery;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One dead-letter line (JSON, one line per event):
 * <pre>
 * {"id":"…uuid…","time":"2026-11-29T23:40:01.123Z","reason":{"source":"tiktok","code":"40002","message":"…","request_id":"…"},
 *  "attempts":1,"pixel":{"name":"default","code":"C4ABC…"},"test_event_code":null,"event":{…the hashed data[] item…}}
 * </pre>
 *
 * @param id            unique id of the line (UUID), used to mark it replayed
 * @param time          when it was dead-lettered (ISO 8601, UTC)
 * @param reason        why
 * @param attempts      HTTP requests made for the event (0 when rejected before delivery)
 * @param pixelName     pixel name
 * @param pixelCode     pixel code, or null when the pixel is unknown; never the token
 * @param testEventCode envelope {@code test_event_code}, or null
 * @param event         the outbound TikTok {@code data[]} item (personal data already hashed)
 */
@RegisterForReflection
public record DeadLetter(String id, Instant time, DeadLetterReason reason, int attempts, String pixelName,
        String pixelCode, String testEventCode, ObjectNode event) {

    /**
     * @return the line as a JSON object, in the documented key order; e-mail addresses and phone numbers in any text
     *         (but the ids) masked ({@code security.PersonalData})
     */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", id);
        n.put("time", time.toString());
        n.set("reason", reason.toJson());
        n.put("attempts", attempts);
        ObjectNode p = n.putObject("pixel");
        p.put("name", pixelName);
        p.put("code", pixelCode);
        if (testEventCode == null) {
            n.putNull("test_event_code");
        } else {
            n.put("test_event_code", testEventCode);
        }
        n.set("event", event);
        return io.github.ttforwarder.security.PersonalData.contains(n.toString())
                ? (ObjectNode) io.github.ttforwarder.security.PersonalData.maskJson(n.deepCopy(), java.util.Set.of("id", "event_id"))
                : n;
    }

    /**
     * @param n a parsed dead-letter line
     * @return the dead letter
     * @throws IllegalArgumentException when {@code id}, {@code time} or {@code event} is missing or malformed
     */
    public static DeadLetter fromJson(JsonNode n) {
        if (!n.hasNonNull("id") || !n.hasNonNull("time") || !n.path("event").isObject()) {
            throw new IllegalArgumentException("not a dead-letter line (id, time and event are required)");
        }
        JsonNode p = n.path("pixel");
        return new DeadLetter(n.get("id").asText(), Instant.parse(n.get("time").asText()),
                DeadLetterReason.fromJson(n.get("reason")), n.path("attempts").asInt(0),
                p.hasNonNull("name") ? p.get("name").asText() : null,
                p.hasNonNull("code") ? p.get("code").asText() : null,
                n.hasNonNull("test_event_code") ? n.get("test_event_code").asText() : null,
                (ObjectNode) n.get("event"));
    }
}
