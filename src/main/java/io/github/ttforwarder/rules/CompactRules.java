package io.github.ttforwarder.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * The compact rule form, read into the same Camel routes (and so the same compiled plans) as full routes:
 *
 * <pre>
 * - rule:
 *     id: site-search                      # required: the rule's (route's) id
 *     on: siteSearch                       # optional: ForwarderEventType is this (or one of a list)
 *     format: xdm                          # optional: xdm | plain
 *     when: "${body[xdm][siteSearch]} != null"   # optional: a Camel simple condition (or {jsonpath: ...})
 *     event: Search                        # required: the TikTok event (text, or "${...}")
 *     fields:                              # optional: tiktok.&lt;key&gt; overrides, values text or "${...}"
 *       properties.query: "${body[xdm][siteSearch][query]}"
 * </pre>
 *
 * becomes the route {@code id} in group {@value RuleRegistry#GROUP}, from {@code direct:rule-<id>}: one
 * {@code filter} per condition ({@code on}, {@code format}, {@code when}, nested), {@code setHeader tiktok.event},
 * one {@code setHeader tiktok.<key>} per field, {@code to: direct:tiktok-event}.
 */
public final class CompactRules {

    private CompactRules() {
    }

    static final List<String> KEYS = List.of("id", "on", "format", "when", "event", "fields", "description");

    /** @return true when the parsed YAML document is a list whose items use {@code rule:} */
    static boolean isCompact(Object doc) {
        if (doc instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && m.containsKey("rule")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @param doc      the parsed YAML document (a list)
     * @param file     display name, for problems
     * @param text     the file's text, for line numbers
     * @param problems receives the problems of the compact form itself
     * @return Camel YAML DSL text with one route per rule
     */
    static String toRoutes(Object doc, String file, String text, List<RuleProblem> problems) {
        List<Object> routes = new ArrayList<>();
        for (Object item : (List<?>) doc) {
            if (!(item instanceof Map<?, ?> m) || !m.containsKey("rule") || m.size() != 1) {
                String key = item instanceof Map<?, ?> mm && !mm.isEmpty() ? String.valueOf(mm.keySet().iterator().next()) : String.valueOf(item);
                problems.add(new RuleProblem(file, RuleChecker.lineOf(text, key, null, 1), true,
                        "a file of compact rules holds only '- rule:' items; put '" + key + "' in another file", null));
                continue;
            }
            if (!(m.get("rule") instanceof Map<?, ?> rule)) {
                problems.add(new RuleProblem(file, RuleChecker.lineOf(text, "rule:", null, 1), true,
                        "'rule:' needs id, event and optionally on, format, when, fields", null));
                continue;
            }
            Object id = rule.get("id");
            String ruleId = id == null ? null : String.valueOf(id);
            int line = ruleId == null ? RuleChecker.lineOf(text, "rule:", null, 1) : RuleChecker.lineOf(text, ruleId, "id", 1);
            boolean ok = true;
            for (Object k : rule.keySet()) {
                if (!KEYS.contains(String.valueOf(k))) {
                    problems.add(new RuleProblem(file, RuleChecker.lineOf(text, String.valueOf(k), null, line), true,
                            "unknown key '" + k + "'" + RuleVocabulary.didYouMean(String.valueOf(k), KEYS)
                                    + "; a rule has " + String.join(", ", KEYS), ruleId));
                    ok = false;
                }
            }
            if (ruleId == null || ruleId.isBlank()) {
                problems.add(new RuleProblem(file, line, true, "the rule needs an id", null));
                ok = false;
            }
            if (rule.get("event") == null) {
                problems.add(new RuleProblem(file, line, true, "the rule needs an event (the TikTok event name)", ruleId));
                ok = false;
            }
            Object fields = rule.get("fields");
            if (fields != null && !(fields instanceof Map<?, ?>)) {
                problems.add(new RuleProblem(file, RuleChecker.lineOf(text, "fields", null, line), true,
                        "'fields' is a map of tiktok keys to values, e.g. 'properties.query: \"${...}\"'", ruleId));
                ok = false;
            }
            Object format = rule.get("format");
            if (format != null && !Set.of("xdm", "plain").contains(String.valueOf(format))) {
                problems.add(new RuleProblem(file, RuleChecker.lineOf(text, "format", null, line), true,
                        "format is xdm or plain", ruleId));
                ok = false;
            }
            if (!ok) {
                continue;
            }
            List<Object> steps = new ArrayList<>();
            steps.add(setHeader("tiktok.event", rule.get("event")));
            if (fields instanceof Map<?, ?> f) {
                for (Map.Entry<?, ?> e : f.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    steps.add(setHeader(key.startsWith("tiktok.") ? key : "tiktok." + key, e.getValue()));
                }
            }
            steps.add(Map.of("to", RulePlan.ACTION));
            if (rule.get("when") != null) {
                steps = filter(expression(rule.get("when")), steps);
            }
            if (format != null) {
                steps = filter(Map.of("simple", "${header.ForwarderInputFormat} == '" + format + "'"), steps);
            }
            Object on = rule.get("on");
            if (on instanceof List<?> types) {
                List<String> t = new ArrayList<>();
                types.forEach(x -> t.add(String.valueOf(x)));
                steps = filter(Map.of("simple", "${header.ForwarderEventType} in '" + String.join(",", t) + "'"), steps);
            } else if (on != null) {
                steps = filter(Map.of("simple", "${header.ForwarderEventType} == '" + on + "'"), steps);
            }
            Map<String, Object> from = new LinkedHashMap<>();
            from.put("uri", "direct:rule-" + ruleId);
            from.put("steps", steps);
            Map<String, Object> route = new LinkedHashMap<>();
            route.put("id", ruleId);
            route.put("group", RuleRegistry.GROUP);
            if (rule.get("description") != null) {
                route.put("description", String.valueOf(rule.get("description")));
            }
            route.put("from", from);
            routes.add(Map.of("route", route));
        }
        return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build()).dumpToString(routes);
    }

    private static List<Object> filter(Map<String, Object> condition, List<Object> steps) {
        Map<String, Object> f = new LinkedHashMap<>(condition);
        f.put("steps", steps);
        List<Object> out = new ArrayList<>();
        out.add(Map.of("filter", f));
        return out;
    }

    /** A text with {@code ${} is a simple expression, other text a constant; a map names its language. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> expression(Object value) {
        if (value instanceof Map<?, ?> m) {
            return new LinkedHashMap<>((Map<String, Object>) m);
        }
        return Map.of("simple", String.valueOf(value));
    }

    private static Map<String, Object> setHeader(String name, Object value) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("name", name);
        if (value instanceof Map<?, ?>) {
            h.putAll(expression(value));
        } else {
            String s = String.valueOf(value);
            h.put(s.contains("${") ? "simple" : "constant", s);
        }
        return Map.of("setHeader", h);
    }
}
