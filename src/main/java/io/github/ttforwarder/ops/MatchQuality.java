package io.github.ttforwarder.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Estimated match quality of the outbound events, per pixel and TikTok event name, over a sliding window of the
 * last {@code window} events of that pair (count based, so the numbers do not depend on traffic timing).
 *
 * <p>For each pair: the share of events carrying each match key of {@link Key} (a key counts when its
 * {@code user} field is a non-empty string or a non-empty array), and an <b>estimated</b> score on TikTok's
 * 0–10 scale: {@code 10 × Σ weight(k) × share(k) / Σ weight(k)}. TikTok computes its own Event Match Quality inside
 * Events Manager and does not publish a formula; the weights here are ours (docs/operating.md gives the reasoning),
 * so the score is an estimate to compare pixels, events and changes with each other — not TikTok's number.
 *
 * <p>The most useful improvement of a pair is the key whose absence costs the most score points:
 * {@code weight(k) × (1 − share(k))}; ties go to the key listed first in {@link Key}.
 *
 * <p>Thread-safe; {@link #record} is O(1) (one byte per event in a ring per pair). Pure Java, no framework.
 */
public final class MatchQuality {

    /** Match keys, in order of weight (ties keep this order). The weight is per key; see the class doc. */
    public enum Key {
        TTCLID("ttclid", "a TikTok click id (ttclid)", 3),
        EMAIL("email", "an e-mail", 3),
        PHONE("phone", "a phone number", 3),
        EXTERNAL_ID("external_id", "an external id", 2),
        TTP("ttp", "a _ttp cookie id", 2),
        IP("ip", "an IP address", 1),
        USER_AGENT("user_agent", "a user agent", 1);

        private final String field;
        private final String label;
        private final int weight;

        Key(String field, String label, int weight) {
            this.field = field;
            this.label = label;
            this.weight = weight;
        }

        /** @return the {@code user} field name in the TikTok event. */
        public String field() {
            return field;
        }

        /** @return the weight in the estimated score. */
        public int weight() {
            return weight;
        }
    }

    /** Sum of all weights (15). */
    public static final int TOTAL_WEIGHT;

    static {
        int t = 0;
        for (Key k : Key.values()) {
            t += k.weight;
        }
        TOTAL_WEIGHT = t;
    }

    /**
     * One row of the report.
     *
     * @param pixel       pixel name
     * @param event       TikTok event name
     * @param events      events in the window (at most the window size)
     * @param shares      per key, the share of those events carrying it, 0..1
     * @param score       estimated match quality, 0..10
     * @param improvement the single most useful improvement as a sentence, or null when every event carries every key
     * @param bestKey     the key of that improvement, or null
     * @param gain        score points the estimate would gain if every event carried {@code bestKey}
     */
    public record Row(String pixel, String event, int events, Map<String, Double> shares, double score,
            String improvement, String bestKey, double gain) {
    }

    private final int window;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** @param window events kept per (pixel, event), at least 1 */
    public MatchQuality(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        this.window = window;
    }

    /** @return the window size, in events per (pixel, event). */
    public int window() {
        return window;
    }

    /**
     * Records one outbound event.
     *
     * @param pixel pixel name
     * @param event the {@code data[]} item as sent to TikTok ({@code event}, {@code user}...)
     */
    public void record(String pixel, JsonNode event) {
        record(pixel, event.path("event").asText(""), keysOf(event.path("user")));
    }

    /**
     * Records one event by its key mask (bit {@code k.ordinal()} set when key {@code k} is present).
     *
     * @param pixel pixel name
     * @param event TikTok event name
     * @param mask  present keys
     */
    public void record(String pixel, String event, int mask) {
        windows.computeIfAbsent(pixel + '\n' + event, k -> new Window(pixel, event, window)).add(mask);
    }

    /** @return the key mask of a {@code user} object. */
    public static int keysOf(JsonNode user) {
        int mask = 0;
        if (user == null || !user.isObject()) {
            return 0;
        }
        for (Key k : Key.values()) {
            JsonNode v = user.get(k.field);
            boolean present = v != null && (v.isArray() ? !v.isEmpty() : v.isTextual() && !v.asText().isBlank());
            if (present) {
                mask |= 1 << k.ordinal();
            }
        }
        return mask;
    }

    /** @return the report rows, by pixel then event name. */
    public List<Row> report() {
        List<Row> rows = new ArrayList<>();
        for (Window w : windows.values()) {
            rows.add(w.row());
        }
        rows.sort((a, b) -> a.pixel().equals(b.pixel()) ? a.event().compareTo(b.event()) : a.pixel().compareTo(b.pixel()));
        return rows;
    }

    /** @return the row of one pair, or null when no event of it was seen. */
    public Row row(String pixel, String event) {
        Window w = windows.get(pixel + '\n' + event);
        return w == null ? null : w.row();
    }

    /**
     * @param rows report rows (of one pixel or all)
     * @return the improvement worth the most score points × events over the rows, or null
     */
    public static Row mostUseful(List<Row> rows) {
        Row best = null;
        for (Row r : rows) {
            if (r.improvement() != null && (best == null || r.gain() * r.events() > best.gain() * best.events())) {
                best = r;
            }
        }
        return best;
    }

    /** Score of given shares (index = key ordinal), 0..10. */
    static double score(double[] shares) {
        double s = 0;
        for (Key k : Key.values()) {
            s += k.weight * shares[k.ordinal()];
        }
        return 10.0 * s / TOTAL_WEIGHT;
    }

    /** The last {@code size} key masks of one (pixel, event), with running counts per key. */
    private static final class Window {
        private final String pixel;
        private final String event;
        private final byte[] ring;
        private final int[] counts = new int[Key.values().length];
        private int next;
        private int filled;

        Window(String pixel, String event, int size) {
            this.pixel = pixel;
            this.event = event;
            this.ring = new byte[size];
        }

        synchronized void add(int mask) {
            if (filled == ring.length) {
                adjust(ring[next], -1);
            } else {
                filled++;
            }
            ring[next] = (byte) mask;
            adjust(mask, 1);
            next = (next + 1) % ring.length;
        }

        private void adjust(int mask, int delta) {
            for (Key k : Key.values()) {
                if ((mask & (1 << k.ordinal())) != 0) {
                    counts[k.ordinal()] += delta;
                }
            }
        }

        synchronized Row row() {
            double[] shares = new double[counts.length];
            Map<String, Double> byKey = new LinkedHashMap<>();
            Key best = null;
            double bestGain = 0;
            for (Key k : Key.values()) {
                shares[k.ordinal()] = filled == 0 ? 0 : (double) counts[k.ordinal()] / filled;
                byKey.put(k.field, shares[k.ordinal()]);
                double gain = 10.0 * k.weight * (1 - shares[k.ordinal()]) / TOTAL_WEIGHT;
                if (gain > bestGain + 1e-12) {
                    best = k;
                    bestGain = gain;
                }
            }
            String improvement = best == null ? null : String.format(Locale.ROOT,
                    "only %d %% of %s events carry %s (on every event: +%.1f)",
                    Math.round(100 * shares[best.ordinal()]), event, best.label, bestGain);
            return new Row(pixel, event, filled, byKey, score(shares), improvement, best == null ? null : best.field,
                    bestGain);
        }
    }
}
