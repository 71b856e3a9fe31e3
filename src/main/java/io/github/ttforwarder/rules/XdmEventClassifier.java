package io.github.ttforwarder.rules;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import io.github.ttforwarder.model.Values;

/**
 * Tells what kind of XDM ExperienceEvent an event is, for rules to match on (header
 * {@code ForwarderEventType}).
 *
 * <p>Order of evidence (adobe-edge-input.md §2: {@code eventType} is often missing):
 * <ol>
 * <li>{@code xdm.eventType}; Adobe's suggested values are matched case-insensitively and returned in their
 *     documented spelling (e.g. {@code web.webPageDetails.pageViews} → {@code web.webpagedetails.pageViews});
 *     custom values are returned trimmed, as they are</li>
 * <li>a commerce measure {@code xdm.commerce.<measure>.value} (purchases before checkouts before
 *     productListAdds ...) → {@code commerce.<measure>}</li>
 * <li>an order with an id ({@code commerce.order.purchaseID}, or the Order details field group's
 *     {@code order.orderID}) → {@code commerce.purchases}</li>
 * <li>{@code web.webInteraction.linkClicks.value} → {@code web.webinteraction.linkClicks}</li>
 * <li>{@code web.webPageDetails.pageViews.value} or a {@code web.webPageDetails.URL} → {@code web.webpagedetails.pageViews}</li>
 * </ol>
 * Otherwise null: the event has no type and no default rule matches it.
 */
@ApplicationScoped
@Named("xdmEventClassifier")
public class XdmEventClassifier {

    /** Adobe's suggested eventType values that rules commonly use, in their documented spelling. */
    private static final List<String> KNOWN_TYPES = List.of(
            "web.webpagedetails.pageViews", "web.webinteraction.linkClicks", "web.formFilledOut",
            "commerce.productViews", "commerce.productListAdds", "commerce.productListRemovals",
            "commerce.productListOpens", "commerce.productListViews", "commerce.productListReopens",
            "commerce.checkouts", "commerce.purchases", "commerce.saveForLaters",
            "decisioning.propositionDisplay", "decisioning.propositionInteract");

    private static final Map<String, String> KNOWN_BY_LOWER = lowerIndex();

    /** Commerce measures, strongest signal first. */
    private static final List<String> MEASURES = List.of("purchases", "checkouts", "productListAdds",
            "productViews", "productListRemovals", "productListOpens", "productListViews", "productListReopens",
            "saveForLaters");

    private static Map<String, String> lowerIndex() {
        Map<String, String> map = new java.util.HashMap<>();
        for (String t : KNOWN_TYPES) {
            map.put(t.toLowerCase(Locale.ROOT), t);
        }
        return Map.copyOf(map);
    }

    /**
     * @param xdm the event's {@code xdm} object (without {@code xdm:} prefixes), may be null
     * @return the event type, or null when nothing tells it
     */
    public String classify(Map<String, Object> xdm) {
        if (xdm == null) {
            return null;
        }
        String eventType = Values.text(xdm.get("eventType"));
        if (eventType != null) {
            return KNOWN_BY_LOWER.getOrDefault(eventType.toLowerCase(Locale.ROOT), eventType);
        }
        Map<String, Object> commerce = Values.map(xdm, "commerce");
        if (commerce != null) {
            for (String measure : MEASURES) {
                if (positive(Values.get(commerce, measure, "value"))) {
                    return "commerce." + measure;
                }
            }
            for (Map.Entry<String, Object> e : commerce.entrySet()) {
                if (!e.getKey().equals("order") && positive(Values.get(e.getValue(), "value"))) {
                    return "commerce." + e.getKey();
                }
            }
            if (Values.text(commerce, "order", "purchaseID") != null) {
                return "commerce.purchases";
            }
        }
        if (Values.text(xdm, "order", "orderID") != null) {
            return "commerce.purchases";
        }
        if (positive(Values.get(xdm, "web", "webInteraction", "linkClicks", "value"))) {
            return "web.webinteraction.linkClicks";
        }
        if (positive(Values.get(xdm, "web", "webPageDetails", "pageViews", "value"))
                || Values.text(xdm, "web", "webPageDetails", "URL") != null) {
            return "web.webpagedetails.pageViews";
        }
        return null;
    }

    private static boolean positive(Object value) {
        BigDecimal n = Values.number(value);
        return n != null && n.signum() > 0;
    }
}
