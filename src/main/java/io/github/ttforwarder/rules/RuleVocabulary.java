package io.github.ttforwarder.rules;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a rule may say: the {@code tiktok.*} header names the mapping reads, TikTok's standard event names
 * (Events API 2.0), and a "did you mean" for near misses (Levenshtein distance, case-insensitive).
 */
public final class RuleVocabulary {

    private RuleVocabulary() {
    }

    /** Every {@code tiktok.<key>} header the mapping reads (key without the {@code tiktok.} prefix). */
    public static final List<String> HEADER_KEYS = List.of(
            "event", "event_time", "event_id", "pixel", "test_event_code", "limited_data_use",
            "user.email", "user.phone", "user.external_id", "user.first_name", "user.last_name", "user.zip_code",
            "user.ip", "user.user_agent", "user.ttp", "user.ttclid", "user.locale",
            "page.url", "page.referrer",
            "properties.contents", "properties.content_type", "properties.content_ids", "properties.currency",
            "properties.value", "properties.order_id", "properties.query", "properties.description",
            "properties.status", "properties.shop_id", "properties.num_items",
            "properties.price", "properties.quantity", "properties.content_id", "properties.content_name",
            "properties.content_category", "properties.brand");

    private static final Set<String> HEADER_KEY_SET = Set.copyOf(HEADER_KEYS);

    /** TikTok Events API 2.0 standard events (case-sensitive), plus {@code Pageview}. */
    public static final List<String> STANDARD_EVENTS = List.of("ViewContent", "ClickButton", "Search", "AddToWishlist",
            "AddToCart", "InitiateCheckout", "AddPaymentInfo", "CompletePayment", "PlaceAnOrder", "Contact", "Download",
            "SubmitForm", "CompleteRegistration", "Subscribe", "CustomizeProduct", "FindLocation", "Schedule", "Purchase",
            "Lead", "ApplicationApproval", "SubmitApplication", "StartTrial", "Pageview");

    private static final Set<String> STANDARD_EVENT_SET = Set.copyOf(STANDARD_EVENTS);

    /** @return true when {@code key} (without {@code tiktok.}) is a header the mapping reads */
    public static boolean isHeaderKey(String key) {
        return HEADER_KEY_SET.contains(key);
    }

    /** @return true for a TikTok standard event name (exact spelling) */
    public static boolean isStandardEvent(String name) {
        return STANDARD_EVENT_SET.contains(name);
    }

    /**
     * @param wrong     what the user wrote
     * @param candidates the valid values
     * @return the closest candidate (case-insensitive edit distance at most a third of its length, at least 2),
     *         or null when none is close
     */
    public static String closest(String wrong, Collection<String> candidates) {
        String w = wrong.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best == null) {
            return null;
        }
        int limit = Math.max(2, best.length() / 3);
        return bestDistance <= limit ? best : null;
    }

    /** {@code " (did you mean X?)"} or the empty string. */
    public static String didYouMean(String wrong, Collection<String> candidates) {
        String c = closest(wrong, candidates);
        return c == null ? "" : " (did you mean " + c + "?)";
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
