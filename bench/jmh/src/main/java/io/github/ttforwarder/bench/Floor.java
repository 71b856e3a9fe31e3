package io.github.ttforwarder.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The floor: the bare physical work on the same input, with no architecture around it. One Jackson parse of
 * the body (tree model), the same number of SHA-256 calls the pipeline makes (one per e-mail, phone and
 * external id; hex-encoded, ThreadLocal {@link MessageDigest}), and one Jackson write of an Events API 2.0
 * envelope with one {@code data[]} item per event carrying the same fields the pipeline sends (event,
 * event_time, event_id, user, page, properties with contents). No phone parsing, no date parsing, no
 * validation, no rules — those are exactly what the ratio pipeline ÷ floor puts a price on.
 */
public final class Floor {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final long RECEIVED_AT = 1741945460L;

    /** SHA-256 calls made by the last {@link #run} (for the set-up check; not thread-safe, not used when measuring). */
    static int lastHashes;

    private Floor() {
    }

    /** @return the serialised envelope for the body ({@code {"events":[{"xdm":…}]}} or one plain event) */
    public static byte[] run(byte[] body) throws IOException {
        JsonNode root = MAPPER.readTree(body);
        ObjectNode envelope = MAPPER.createObjectNode();
        envelope.put("event_source", "web");
        envelope.put("event_source_id", "CBENCHPIXEL0000000000");
        ArrayNode data = envelope.putArray("data");
        int hashes = 0;
        JsonNode events = root.get("events");
        if (events != null) {
            for (JsonNode ev : events) {
                hashes += xdm(ev.get("xdm"), data.addObject());
            }
        } else {
            hashes += plain(root, data.addObject());
        }
        lastHashes = hashes;
        return MAPPER.writeValueAsBytes(envelope);
    }

    private static int xdm(JsonNode xdm, ObjectNode item) {
        int hashes = 0;
        item.put("event", xdm.path("eventType").asText("Purchase"));
        item.put("event_time", RECEIVED_AT);
        item.put("event_id", xdm.path("_id").asText());
        ObjectNode user = item.putObject("user");
        for (Iterator<Map.Entry<String, JsonNode>> it = xdm.path("identityMap").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> ns = it.next();
            String field = switch (ns.getKey().toLowerCase(Locale.ROOT)) {
                case "email" -> "email";
                case "phone" -> "phone";
                case "crmid" -> "external_id";
                default -> null;
            };
            if (field != null) {
                for (JsonNode id : ns.getValue()) {
                    user.put(field, sha256(id.path("id").asText()));
                    hashes++;
                }
            }
        }
        JsonNode env = xdm.path("environment");
        user.put("ip", env.path("ipV4").asText());
        user.put("user_agent", env.path("browserDetails").path("userAgent").asText());
        user.put("locale", "en-US");
        ObjectNode page = item.putObject("page");
        page.put("url", xdm.path("web").path("webPageDetails").path("URL").asText());
        page.put("referrer", xdm.path("web").path("webReferrer").path("URL").asText());
        ObjectNode props = item.putObject("properties");
        ArrayNode contents = props.putArray("contents");
        for (JsonNode p : xdm.path("productListItems")) {
            ObjectNode c = contents.addObject();
            c.put("content_id", p.path("SKU").asText());
            c.put("content_name", p.path("name").asText());
            c.set("price", p.path("priceTotal"));
            c.put("quantity", p.path("quantity").asInt(1));
        }
        props.put("content_type", "product");
        props.put("currency", "USD");
        props.set("value", xdm.path("commerce").path("order").path("priceTotal"));
        return hashes;
    }

    private static int plain(JsonNode ev, ObjectNode item) {
        int hashes = 0;
        item.put("event", ev.path("event").asText());
        item.put("event_time", RECEIVED_AT);
        item.put("event_id", ev.path("event_id").asText());
        JsonNode u = ev.path("user");
        ObjectNode user = item.putObject("user");
        for (String f : new String[] {"email", "phone", "external_id"}) {
            if (u.hasNonNull(f)) {
                user.put(f, sha256(u.get(f).asText()));
                hashes++;
            }
        }
        user.put("ip", u.path("ip").asText());
        user.put("user_agent", u.path("user_agent").asText());
        item.set("page", ev.path("page"));
        item.set("properties", ev.path("properties"));
        return hashes;
    }

    private static String sha256(String s) {
        return HEX.formatHex(SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
