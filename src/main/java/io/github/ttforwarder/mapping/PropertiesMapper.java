package io.github.ttforwarder.mapping;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.Values;

/**
 * Mapping, group 3 of 3: the event's {@code properties} (TikTok Events API 2.0 §4).
 *
 * <ul>
 * <li>{@code contents[]}: plain {@code properties.contents[]}, or the seed's single-item fields
 *     ({@code price}, {@code quantity}, {@code content_id}, {@code content_name}, {@code content_category},
 *     {@code brand}) as one entry; XDM {@code productListItems[]}: {@code SKU} → {@code content_id},
 *     {@code name} → {@code content_name}, {@code productCategories[0].categoryName} → {@code content_category},
 *     {@code quantity}, and {@code price} = <b>unit</b> price = {@code priceTotal / quantity} rounded half-up to
 *     cents ({@code priceTotal} is the line total; without a quantity it is taken as the unit price).
 *     {@code content_id} is always a string; {@code price} a number (numeric strings such as {@code "49.99"} are
 *     read as numbers); {@code quantity} an integer &gt; 0 — a 0 or other invalid quantity is left out with a
 *     warning, never sent, never turned into 1.</li>
 * <li>{@code content_type}: as given ({@code product} or {@code product_group}); else {@code product} when
 *     contents are present on a product event (ViewContent, AddToCart, AddToWishlist, InitiateCheckout,
 *     AddPaymentInfo, CompletePayment, PlaceAnOrder, Purchase); never on other events without contents.</li>
 * <li>{@code currency}: as given / {@code commerce.order.currencyCode} / the items' {@code currencyCode};
 *     trimmed, upper-cased, and one of TikTok's 62 supported codes, else left out with a warning.</li>
 * <li>{@code value}: as given (an explicit 0 stays 0) / {@code commerce.order.priceTotal} /
 *     {@code order.priceTotal}; else the sum of the contents' price × quantity (XDM: of the positive line
 *     totals); absent when nothing gives it — a value is never invented.</li>
 * <li>{@code order_id}: as given / {@code commerce.order.purchaseID} / {@code order.orderID};
 *     {@code query}: as given / {@code siteSearch.query}; {@code description}, {@code status},
 *     {@code shop_id}, {@code content_ids}, {@code num_items}: as given.</li>
 * </ul>
 * Rule overrides: headers {@code tiktok.properties.<field>}.
 */
@ApplicationScoped
@Named("propertiesMapper")
public class PropertiesMapper implements Processor {

    /** TikTok Events API 2.0 §4: the 62 supported currencies. */
    static final Set<String> CURRENCIES = Set.of("AED", "ARS", "AUD", "BDT", "BHD", "BIF", "BOB", "BRL", "CAD", "CHF",
            "CLP", "CNY", "COP", "CRC", "CZK", "DKK", "DZD", "EGP", "EUR", "GBP", "GTQ", "HKD", "HNL", "HUF", "IDR", "ILS",
            "INR", "ISK", "JPY", "KES", "KHR", "KRW", "KWD", "KZT", "MAD", "MOP", "MXN", "MYR", "NGN", "NIO", "NOK", "NZD",
            "OMR", "PEN", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RUB", "SAR", "SEK", "SGD", "THB", "TRY", "TWD", "UAH",
            "USD", "VES", "VND", "ZAR");

    /** Events about products, which get {@code content_type: product} by default when they carry contents. */
    static final Set<String> PRODUCT_EVENTS = Set.of("ViewContent", "AddToCart", "AddToWishlist", "InitiateCheckout",
            "AddPaymentInfo", "CompletePayment", "PlaceAnOrder", "Purchase");

    private static final Set<String> CONTENT_TYPES = Set.of("product", "product_group");

    private final FreeTextRedactor redactor;

    /** With free-text redaction on, international phone numbers only (tools and benchmarks). */
    public PropertiesMapper() {
        this(new FreeTextRedactor(true, (String) null));
    }

    /** @param redactor removes e-mail addresses and phone numbers from {@code description} */
    @jakarta.inject.Inject
    public PropertiesMapper(FreeTextRedactor redactor) {
        this.redactor = redactor;
    }

    @Override
    public void process(Exchange exchange) {
        map(exchange.getProperty(Headers.DRAFT, TikTokEventDraft.class));
    }

    void map(TikTokEventDraft d) {
        Map<String, Object> p = d.isXdm() ? null : FieldContract.group(d, "properties", d.source().get("properties"));
        Map<String, Object> xdm = d.xdm();
        String event = d.event().path("event").asText();
        ObjectNode props = JsonNodeFactory.instance.objectNode();

        // contents, and the sum of line totals for a derived value
        List<Map<String, Object>> items = new ArrayList<>();
        BigDecimal derived = null;
        Object contentsOverride = d.override("properties.contents");
        Map<String, Object> single = singleItemOverrides(d);
        if (d.hasOverride("properties.contents")) {
            items = maps(contentsOverride);
        } else if (single != null) {
            items = List.of(single);
        } else if (d.isXdm()) {
            items = items(d, "xdm.productListItems", Values.get(xdm, "productListItems"));
        } else if (p != null) {
            if (p.get("contents") != null) {
                items = items(d, "properties.contents", p.get("contents"));
            } else if (hasAny(p, "price", "quantity", "content_id", "content_name", "content_category", "brand")) {
                items = List.of(p);
            }
        }
        ArrayNode contents = JsonNodeFactory.instance.arrayNode();
        String itemCurrency = null;
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> item = items.get(i);
            if (item == null) {
                continue;
            }
            ObjectNode c = JsonNodeFactory.instance.objectNode();
            String path = "properties.contents." + i + ".";
            boolean xdmItem = d.isXdm() && !d.hasOverride("properties.contents") && single == null;
            put(c, "content_id", FieldContract.id(d, path + "content_id", item.get(xdmItem ? "SKU" : "content_id")));
            put(c, "content_name", FieldContract.text(d, path + "content_name", item.get(xdmItem ? "name" : "content_name")));
            put(c, "content_category", FieldContract.text(d, path + "content_category", xdmItem
                    ? Values.get(Values.list(item, "productCategories").isEmpty() ? null
                    : Values.list(item, "productCategories").get(0), "categoryName") : item.get("content_category")));
            put(c, "brand", FieldContract.text(d, path + "brand", item.get("brand")));
            Object rawQuantity = item.get("quantity");
            Long quantity = null;
            if (rawQuantity != null) {
                BigDecimal q = rawQuantity instanceof Boolean ? null : Values.number(rawQuantity);
                if (q != null && q.signum() > 0 && q.stripTrailingZeros().scale() <= 0
                        && q.compareTo(FieldContract.MAX_COUNT) <= 0) {
                    quantity = q.longValueExact();
                    c.put("quantity", quantity);
                } else {
                    d.warn(path + "quantity", "must be a whole number from 1 to " + FieldContract.MAX_COUNT.toPlainString()
                            + ", left out");
                }
            }
            Object rawPrice = item.get(xdmItem ? "priceTotal" : "price");
            if (rawPrice != null) {
                BigDecimal price = FieldContract.amount(d, path + (xdmItem ? "priceTotal" : "price"), rawPrice);
                if (price == null) {
                    // warned
                } else if (xdmItem) {
                    if (price.signum() > 0) {
                        derived = derived == null ? price : derived.add(price);
                    }
                    if (quantity != null) {
                        c.set("price", number(price.divide(BigDecimal.valueOf(quantity), 2, RoundingMode.HALF_UP)));
                    } else if (rawQuantity == null) {
                        c.set("price", number(price));
                    }
                } else {
                    c.set("price", number(price));
                    if (quantity != null) {
                        BigDecimal line = price.multiply(BigDecimal.valueOf(quantity));
                        derived = derived == null ? line : derived.add(line);
                    }
                }
            }
            if (itemCurrency == null) {
                itemCurrency = FieldContract.text(d, path + (xdmItem ? "currencyCode" : "currency"),
                        item.get(xdmItem ? "currencyCode" : "currency"));
            }
            if (!c.isEmpty()) {
                contents.add(c);
            }
        }
        if (!contents.isEmpty()) {
            props.set("contents", contents);
        }

        Object contentType = field(d, p, "content_type", null);
        String ct = FieldContract.text(d, "properties.content_type", contentType);
        if (ct != null && !CONTENT_TYPES.contains(ct)) {
            d.warn("properties.content_type", "must be 'product' or 'product_group', left out");
            ct = null;
        }
        if (ct == null && !contents.isEmpty() && PRODUCT_EVENTS.contains(event)) {
            ct = "product";
        }
        if (ct != null && (!contents.isEmpty() || PRODUCT_EVENTS.contains(event) || props.has("content_ids"))) {
            props.put("content_type", ct);
        }

        Object contentIds = field(d, p, "content_ids", null);
        if (contentIds != null && contents.isEmpty()) {
            ArrayNode ids = JsonNodeFactory.instance.arrayNode();
            List<?> list = contentIds instanceof List<?> l ? l : List.of(contentIds);
            for (int i = 0; i < list.size(); i++) {
                String s = FieldContract.id(d, "properties.content_ids." + i, list.get(i));
                if (s != null) {
                    ids.add(s);
                }
            }
            if (!ids.isEmpty()) {
                props.set("content_ids", ids);
            }
        }

        String currency = FieldContract.text(d, "properties.currency", field(d, p, "currency",
                xdm == null ? null : Values.get(xdm, "commerce", "order", "currencyCode")));
        if (currency == null) {
            currency = itemCurrency;
        }
        if (currency != null) {
            String code = currency.trim().toUpperCase(Locale.ROOT);
            if (CURRENCIES.contains(code)) {
                props.put("currency", code);
            } else {
                d.warn("properties.currency", "not a currency TikTok supports (ISO 4217), left out");
            }
        }

        Object rawValue = field(d, p, "value", xdm == null ? null : firstNonNull(
                Values.get(xdm, "commerce", "order", "priceTotal"), Values.get(xdm, "order", "priceTotal")));
        if (rawValue != null) {
            BigDecimal value = FieldContract.amount(d, "properties.value", rawValue);
            if (value != null) {
                props.set("value", number(value));
            }
        } else if (derived != null && derived.compareTo(FieldContract.MAX_AMOUNT) <= 0) {
            props.set("value", number(derived));
        } else if (derived != null) {
            d.warn("properties.value", "the sum of the contents is over " + FieldContract.MAX_AMOUNT.toPlainString() + ", left out");
        }

        put(props, "order_id", FieldContract.id(d, "properties.order_id", field(d, p, "order_id", xdm == null ? null
                : firstNonNull(Values.get(xdm, "commerce", "order", "purchaseID"), Values.get(xdm, "order", "orderID")))));
        put(props, "query", FieldContract.text(d, "properties.query",
                field(d, p, "query", xdm == null ? null : Values.get(xdm, "siteSearch", "query")), true));
        put(props, "description", redactor.redact(d, "properties.description",
                FieldContract.text(d, "properties.description", field(d, p, "description", null), true), false));
        put(props, "status", FieldContract.text(d, "properties.status", field(d, p, "status", null)));
        put(props, "shop_id", FieldContract.id(d, "properties.shop_id", field(d, p, "shop_id", null)));
        BigDecimal numItems = FieldContract.count(d, "properties.num_items", field(d, p, "num_items", null));
        if (numItems != null) {
            props.set("num_items", number(numItems));
        }

        if (!props.isEmpty()) {
            d.event().set("properties", props);
        }
    }

    /** The seed's single-item fields, which a rule may set as {@code tiktok.properties.<field>}. */
    private static final List<String> SINGLE_ITEM = List.of("price", "quantity", "content_id", "content_name",
            "content_category", "brand");

    /**
     * The rule's single-item overrides ({@code tiktok.properties.price} ...) as one {@code contents} entry, as for
     * plain events: a plain event's own single-item fields fill the ones the rule did not set. Null when the rule
     * set none. They replace the event's own contents (a warning says so when those had several items).
     */
    private static Map<String, Object> singleItemOverrides(TikTokEventDraft d) {
        Map<String, Object> item = null;
        for (String f : SINGLE_ITEM) {
            if (d.hasOverride("properties." + f)) {
                if (item == null) {
                    item = new java.util.HashMap<>();
                }
                item.put(f, d.override("properties." + f));
            }
        }
        if (item == null) {
            return null;
        }
        Map<String, Object> p = d.isXdm() ? null : Values.map(d.source(), "properties");
        if (p != null && !(p.get("contents") instanceof List<?>)) {
            for (String f : SINGLE_ITEM) {
                if (!item.containsKey(f) && p.get(f) != null) {
                    item.put(f, p.get(f));
                }
            }
        }
        int own = d.isXdm() ? Values.list(d.xdm(), "productListItems").size()
                : p != null && p.get("contents") instanceof List<?> l ? l.size() : 0;
        if (own > 1) {
            d.warn("properties.contents", "the rule's single-item fields replace the event's " + own + " items");
        }
        return item;
    }

    /** The override {@code tiktok.properties.<name>}, else the plain event's {@code properties.<name>}, else the XDM source. */
    private static Object field(TikTokEventDraft d, Map<String, Object> plain, String name, Object xdmValue) {
        if (d.hasOverride("properties." + name)) {
            return d.override("properties." + name);
        }
        return plain != null ? plain.get(name) : xdmValue;
    }

    private static Object firstNonNull(Object a, Object b) {
        return a != null ? a : b;
    }

    private static boolean hasAny(Map<String, Object> map, String... keys) {
        for (String k : keys) {
            if (map.get(k) != null) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            }
        } else if (value instanceof Map<?, ?> m) {
            out.add((Map<String, Object>) m);
        }
        return out;
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    /**
     * The items of {@code contents} / {@code productListItems}: an array of objects; anything else is warned about
     * (an element that is no object is null in the list, so later warnings keep the input's indexes).
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(TikTokEventDraft d, String field, Object value) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof List<?> list)) {
            d.warn(field, "must be an array of objects, not a JSON " + FieldContract.kind(value) + ", left out");
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> m) {
                out.add((Map<String, Object>) m);
            } else {
                out.add(null); // keeps the input's indexes in the warnings
                if (list.get(i) != null) {
                    d.warn(field + "." + i, "must be an object, not a JSON " + FieldContract.kind(list.get(i)) + ", left out");
                }
            }
        }
        return out;
    }

    /** A JSON number without needless decimals: 17.00 → 17, 8.50 → 8.5 (never in exponent form). */
    static com.fasterxml.jackson.databind.JsonNode number(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        if (v.scale() <= 0) {
            try {
                return JsonNodeFactory.instance.numberNode(v.longValueExact());
            } catch (ArithmeticException e) {
                return JsonNodeFactory.instance.numberNode(v.setScale(0));
            }
        }
        return JsonNodeFactory.instance.numberNode(v);
    }
}
