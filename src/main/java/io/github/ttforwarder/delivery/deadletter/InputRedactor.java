package io.github.ttforwarder.delivery.deadletter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.github.ttforwarder.hashing.HashingBean;

/**
 * Makes an input event safe to store in an "input" dead letter: plain personal data is replaced by the SHA-256
 * the mapping would compute from it (the mapping passes 64-hex values through unchanged, so a replay through
 * rules and mapping sends the same hashes), or removed when it cannot be normalised. Works on any shape (XDM,
 * plain, unknown), by key name, case-insensitively, at any depth:
 * <ul>
 * <li>keys containing {@code email} (and {@code address} inside such an object) → e-mail hash;</li>
 * <li>keys containing {@code phone} (and {@code number} inside such an object) → E.164 phone hash (region: the
 *     configured default, else the event's {@code placeContext.geo.countryCode}); unparsable → removed;</li>
 * <li>{@code identityMap} ids: namespace {@code Email} / {@code Phone} as above, any other namespace → external-id
 *     hash;</li>
 * <li>keys {@code external_id}, {@code externalId} → external-id hash; {@code first_name}, {@code firstName},
 *     {@code last_name}, {@code lastName} → name hash; {@code zip_code}, {@code zip}, {@code postalCode} → zip hash;</li>
 * <li>{@code street*}, {@code address}, {@code birth*}, {@code password}: removed.</li>
 * </ul>
 * IP address and user agent stay (TikTok receives them in plain too). Returns a deep copy; the input is not changed.
 */
@ApplicationScoped
@Named("inputRedactor")
public class InputRedactor {

    @Inject
    HashingBean hashing;

    /**
     * @param body the parsed input event (maps, lists, scalars)
     * @return a copy with personal data hashed or removed
     */
    public Map<String, Object> redact(Map<String, Object> body) {
        String region = region(body);
        return redactMap(body, null, region);
    }

    @SuppressWarnings("unchecked")
    private static String region(Map<String, Object> body) {
        Object xdm = body.get("xdm");
        Map<String, Object> root = xdm instanceof Map<?, ?> m ? (Map<String, Object>) m : body;
        Object pc = root.get("placeContext");
        if (pc instanceof Map<?, ?> p && p.get("geo") instanceof Map<?, ?> geo && geo.get("countryCode") instanceof String c) {
            return c;
        }
        return null;
    }

    private Map<String, Object> redactMap(Map<String, Object> in, String context, String region) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : in.entrySet()) {
            String key = e.getKey();
            String k = key.toLowerCase(Locale.ROOT);
            Object v = e.getValue();
            if ("identitymap".equals(k) && v instanceof Map<?, ?> ids) {
                out.put(key, identityMap(ids, region));
                continue;
            }
            String kind = kind(k, context);
            if (v instanceof Map<?, ?> m) {
                out.put(key, redactMap(cast(m), kind == null ? context : kind, region));
            } else if (v instanceof List<?> l) {
                out.put(key, redactList(l, kind == null ? context : kind, region));
            } else if (v instanceof String s && kind != null) {
                String h = hash(kind, s, region);
                if (h != null) {
                    out.put(key, h);
                }
            } else if (kind != null && "remove".equals(kind)) {
                // drop non-string personal values too
            } else {
                out.put(key, v);
            }
        }
        return out;
    }

    private List<Object> redactList(List<?> in, String context, String region) {
        List<Object> out = new ArrayList<>(in.size());
        for (Object v : in) {
            if (v instanceof Map<?, ?> m) {
                out.add(redactMap(cast(m), context, region));
            } else if (v instanceof List<?> l) {
                out.add(redactList(l, context, region));
            } else if (v instanceof String s && context != null) {
                String h = hash(context, s, region);
                if (h != null) {
                    out.add(h);
                }
            } else {
                out.add(v);
            }
        }
        return out;
    }

    private Map<String, Object> identityMap(Map<?, ?> ids, String region) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ids.entrySet()) {
            String ns = String.valueOf(e.getKey());
            String n = ns.toLowerCase(Locale.ROOT);
            String kind = n.contains("email") ? "email" : n.contains("phone") ? "phone" : "external";
            List<Object> entries = new ArrayList<>();
            if (e.getValue() instanceof List<?> l) {
                for (Object item : l) {
                    if (item instanceof Map<?, ?> m) {
                        Map<String, Object> copy = new LinkedHashMap<>(cast(m));
                        if (copy.get("id") instanceof String id) {
                            String h = hash(kind, id, region);
                            if (h == null) {
                                continue;
                            }
                            copy.put("id", h);
                        }
                        entries.add(copy);
                    }
                }
            }
            out.put(ns, entries);
        }
        return out;
    }

    /** @return the kind of personal data a key holds ({@code email}, {@code phone}, …, {@code remove}), or null. */
    private static String kind(String k, String context) {
        if (k.contains("email")) {
            return "email";
        }
        if (k.contains("phone")) {
            return "phone";
        }
        if ("number".equals(k) && "phone".equals(context) || "address".equals(k) && "email".equals(context)) {
            return context;
        }
        return switch (k) {
            case "external_id", "externalid" -> "external";
            case "first_name", "firstname", "last_name", "lastname" -> "name";
            case "zip_code", "zip", "zipcode", "postalcode" -> "zip";
            case "address", "password", "birthdate", "birthday", "birthdayandmonth", "birthyear" -> "remove";
            default -> k.startsWith("street") ? "remove" : null;
        };
    }

    private String hash(String kind, String value, String region) {
        return switch (kind) {
            case "email" -> hashing.hashEmail(value);
            case "phone" -> hashing.hashPhone(value, region);
            case "external" -> hashing.hashExternalId(value);
            case "name" -> hashing.hashName(value);
            case "zip" -> hashing.hashZip(value);
            default -> null;
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
