package io.github.ttforwarder.rules;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.github.ttforwarder.hashing.HashingBean;

/**
 * Makes an inbound event safe to store (dead letter of a failed rule) while keeping it replayable: plain-text
 * personal data is hashed the way the mapping hashes it (so a replay sends the same hashes: the mapping passes
 * SHA-256 values through), or removed when it cannot be hashed.
 *
 * <ul>
 * <li>XDM {@code identityMap.<namespace>[].id}: {@code Email*} with the e-mail hash, {@code Phone*} with the phone
 *     hash, every other namespace with the external-id hash;</li>
 * <li>any field whose name contains {@code email}, {@code phone}, {@code firstname}/{@code first_name},
 *     {@code lastname}/{@code last_name}, {@code zip}, {@code postalcode}, {@code street}, {@code birth}: hashed
 *     (e-mail, phone, name, zip) or removed (address lines, birth dates);</li>
 * <li>any other string that looks like an e-mail address: hashed as one.</li>
 * </ul>
 * IP addresses and user agents stay (they are sent to TikTok as they are).
 */
@ApplicationScoped
@Named("inputEventRedactor")
public class InputEventRedactor {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private final HashingBean hashing;

    public InputEventRedactor(HashingBean hashing) {
        this.hashing = hashing;
    }

    /** @return a redacted copy of the event body (the body itself is not changed) */
    public ObjectNode redact(Map<String, Object> body) {
        ObjectNode copy = MAPPER.valueToTree(body);
        walk(copy, null);
        return copy;
    }

    private void walk(JsonNode node, String namespace) {
        if (node instanceof ObjectNode o) {
            java.util.List<String> remove = new java.util.ArrayList<>();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                String key = e.getKey();
                JsonNode v = e.getValue();
                if (key.equals("identityMap") && v instanceof ObjectNode ids) {
                    for (Map.Entry<String, JsonNode> ns : ids.properties()) {
                        walk(ns.getValue(), ns.getKey().toLowerCase(Locale.ROOT));
                    }
                    continue;
                }
                if (namespace != null && key.equals("id") && v.isValueNode()) {
                    String h = namespace.startsWith("email") ? hashing.hashEmail(v.asText())
                            : namespace.startsWith("phone") ? hashing.hashPhone(v.asText(), null)
                            : hashing.hashExternalId(v.asText());
                    if (h == null) {
                        remove.add(key);
                    } else {
                        o.set(key, TextNode.valueOf(h));
                    }
                    continue;
                }
                if (v.isContainerNode()) {
                    walk(v, namespace);
                } else if (v.isValueNode() && !v.isNull()) {
                    String kind = kind(key);
                    if (kind == null && v.isTextual() && EMAIL.matcher(v.asText().trim()).matches()) {
                        kind = "email";
                    }
                    if (kind != null) {
                        String h = hash(kind, v.asText());
                        if (h == null) {
                            remove.add(key);
                        } else {
                            o.set(key, TextNode.valueOf(h));
                        }
                    }
                }
            }
            remove.forEach(o::remove);
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v.isContainerNode()) {
                    walk(v, namespace);
                } else if (v.isTextual() && EMAIL.matcher(v.asText().trim()).matches()) {
                    a.set(i, TextNode.valueOf(hashing.hashEmail(v.asText())));
                }
            }
        }
    }

    private static String kind(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace("_", "");
        if (k.contains("email")) {
            return "email";
        }
        if (k.contains("phone")) {
            return "phone";
        }
        if (k.equals("firstname") || k.equals("lastname") || k.equals("fullname")) {
            return "name";
        }
        if (k.startsWith("zip") || k.equals("postalcode")) {
            return "zip";
        }
        if (k.startsWith("street") || k.contains("birth")) {
            return "remove";
        }
        return null;
    }

    private String hash(String kind, String value) {
        return switch (kind) {
            case "email" -> hashing.hashEmail(value);
            case "phone" -> hashing.hashPhone(value, null);
            case "name" -> hashing.hashName(value);
            case "zip" -> hashing.hashZip(value);
            default -> null;
        };
    }
}
