package io.github.ttforwarder.support;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The strict fake's rule book: checks one request body against TikTok Events API 2.0 as written in
 * ../shared/docs/tiktok-events-api.md (§2 envelope, §3 user, §4 properties) and lists every violation.
 * Used on every request the e2e fake TikTok receives.
 */
public final class StrictEventsApiValidator {

    private static final Set<String> ENVELOPE = Set.of("event_source", "event_source_id", "test_event_code", "partner_name", "data");
    private static final Set<String> EVENT = Set.of("event", "event_time", "event_id", "user", "page", "properties", "limited_data_use");
    private static final Set<String> USER = Set.of("email", "phone", "external_id", "first_name", "last_name", "zip_code", "ttp",
            "ttclid", "ip", "user_agent", "locale");
    private static final Set<String> HASHED = Set.of("email", "phone", "external_id", "first_name", "last_name", "zip_code");
    private static final Set<String> PAGE = Set.of("url", "referrer");
    private static final Set<String> PROPERTIES = Set.of("contents", "content_type", "content_ids", "num_items", "currency", "value",
            "query", "description", "order_id", "shop_id", "status");
    private static final Set<String> CONTENT = Set.of("content_id", "content_name", "content_category", "brand", "price", "quantity");
    private static final Set<String> CURRENCIES = Set.of("AED", "ARS", "AUD", "BDT", "BHD", "BIF", "BOB", "BRL", "CAD", "CHF",
            "CLP", "CNY", "COP", "CRC", "CZK", "DKK", "DZD", "EGP", "EUR", "GBP", "GTQ", "HKD", "HNL", "HUF", "IDR", "ILS",
            "INR", "ISK", "JPY", "KES", "KHR", "KRW", "KWD", "KZT", "MAD", "MOP", "MXN", "MYR", "NGN", "NIO", "NOK", "NZD",
            "OMR", "PEN", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RUB", "SAR", "SEK", "SGD", "THB", "TRY", "TWD", "UAH",
            "USD", "VES", "VND", "ZAR");

    private StrictEventsApiValidator() {
    }

    /** @return the violations of one request body (empty when it is a valid Events API 2.0 request). */
    public static List<String> violations(JsonNode body) {
        List<String> v = new ArrayList<>();
        if (!body.isObject()) {
            v.add("body is not a JSON object");
            return v;
        }
        only(body, ENVELOPE, "", v);
        if (!"web".equals(body.path("event_source").asText(null))) {
            v.add("event_source must be \"web\"");
        }
        text(body, "event_source_id", "", true, v);
        if (body.has("test_event_code")) {
            text(body, "test_event_code", "", true, v);
        }
        JsonNode data = body.path("data");
        if (!data.isArray() || data.isEmpty() || data.size() > 1000) {
            v.add("data must be an array of 1 to 1000 events");
            return v;
        }
        for (int i = 0; i < data.size(); i++) {
            event(data.get(i), "data." + i + ".", v);
        }
        return v;
    }

    private static void event(JsonNode e, String at, List<String> v) {
        only(e, EVENT, at, v);
        text(e, "event", at, true, v);
        JsonNode time = e.get("event_time");
        if (time == null || !time.isIntegralNumber() || time.asLong() < 1_000_000_000L || time.asLong() > 4_000_000_000L) {
            v.add(at + "event_time must be Unix seconds as an integer");
        }
        if (e.has("event_id")) {
            text(e, "event_id", at, true, v);
        }
        if (e.has("limited_data_use") && !e.get("limited_data_use").isBoolean()) {
            v.add(at + "limited_data_use must be a boolean");
        }
        JsonNode user = e.get("user");
        if (user != null) {
            only(user, USER, at + "user.", v);
            for (String f : HASHED) {
                JsonNode h = user.get(f);
                if (h == null) {
                    continue;
                }
                for (JsonNode one : h.isArray() ? h : List.of(h)) {
                    if (!one.isTextual() || !one.asText().matches("[0-9a-f]{64}")) {
                        v.add(at + "user." + f + " must be SHA-256 lower-case hex (plain-text PII is error 40062)");
                    }
                }
            }
            for (String f : List.of("ttp", "ttclid", "ip", "user_agent", "locale")) {
                if (user.has(f)) {
                    text(user, f, at + "user.", true, v);
                }
            }
            if (user.has("ip") && !com.google.common.net.InetAddresses.isInetAddress(user.get("ip").asText())) {
                v.add(at + "user.ip must be an IPv4 or IPv6 address");
            }
        }
        JsonNode page = e.get("page");
        if (page != null) {
            only(page, PAGE, at + "page.", v);
            for (String f : PAGE) {
                if (page.has(f)) {
                    text(page, f, at + "page.", true, v);
                }
            }
        }
        JsonNode p = e.get("properties");
        if (p != null) {
            only(p, PROPERTIES, at + "properties.", v);
            if (p.has("value") && !p.get("value").isNumber()) {
                v.add(at + "properties.value must be a number");
            }
            if (p.has("num_items") && !p.get("num_items").isNumber()) {
                v.add(at + "properties.num_items must be a number");
            }
            if (p.has("currency") && !CURRENCIES.contains(p.get("currency").asText())) {
                v.add(at + "properties.currency must be a supported ISO 4217 code");
            }
            if (p.has("content_type") && !Set.of("product", "product_group").contains(p.get("content_type").asText())) {
                v.add(at + "properties.content_type must be product or product_group");
            }
            for (String f : List.of("query", "description", "order_id", "shop_id", "status")) {
                if (p.has(f)) {
                    text(p, f, at + "properties.", false, v);
                }
            }
            if (p.has("content_ids")) {
                for (JsonNode id : p.get("content_ids")) {
                    if (!id.isTextual()) {
                        v.add(at + "properties.content_ids[] must be strings");
                    }
                }
            }
            JsonNode contents = p.get("contents");
            if (contents != null) {
                if (!contents.isArray()) {
                    v.add(at + "properties.contents must be an array");
                } else {
                    for (int i = 0; i < contents.size(); i++) {
                        JsonNode c = contents.get(i);
                        String cat = at + "properties.contents." + i + ".";
                        only(c, CONTENT, cat, v);
                        for (String f : List.of("content_id", "content_name", "content_category", "brand")) {
                            if (c.has(f)) {
                                text(c, f, cat, false, v);
                            }
                        }
                        if (c.has("price") && !c.get("price").isNumber()) {
                            v.add(cat + "price must be a number");
                        }
                        if (c.has("quantity") && (!c.get("quantity").isIntegralNumber() || c.get("quantity").asLong() <= 0)) {
                            v.add(cat + "quantity must be an integer > 0");
                        }
                    }
                }
            }
        }
    }

    private static void only(JsonNode node, Set<String> allowed, String at, List<String> v) {
        if (!node.isObject()) {
            v.add(at + " must be an object");
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                v.add(at + f + " is not an Events API 2.0 field here");
            }
        }
    }

    private static void text(JsonNode node, String field, String at, boolean nonEmpty, List<String> v) {
        JsonNode t = node.get(field);
        if (t == null || !t.isTextual() || (nonEmpty && t.asText().isEmpty())) {
            v.add(at + field + " must be a" + (nonEmpty ? " non-empty" : "") + " string");
        }
    }
}
