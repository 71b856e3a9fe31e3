package io.github.ttforwarder.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SetHeaderDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.reifier.language.ExpressionReifier;

/**
 * Checks the routes of one rule file before they go live (start, reload, {@code --check-rules}):
 * <ul>
 * <li>every condition and expression compiles (error);</li>
 * <li>{@code tiktok.*} headers are ones the mapping reads (error, with the closest valid name);</li>
 * <li>{@code tiktok.event} constants are TikTok standard events (per {@code forwarder.rules.custom-events}:
 *     {@code allow} nothing, {@code warn} a warning, {@code reject} an error; with the closest standard name);</li>
 * <li>{@code to:} targets exist: a {@code direct:} endpoint some route reads, or a known component (error);</li>
 * <li>a route that looks like a rule but is not in group {@value RuleRegistry#GROUP} (warning: it is never
 *     offered events); a rule that never calls {@code direct:tiktok-event} (warning); a rule without id (warning).</li>
 * </ul>
 */
public final class RuleChecker {

    /** How custom (non-standard) TikTok event names are treated. */
    public enum CustomEvents {
        ALLOW, WARN, REJECT;

        public static CustomEvents parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                return WARN;
            }
        }
    }

    private final CamelContext camel;
    private final CustomEvents customEvents;

    public RuleChecker(CamelContext camel, CustomEvents customEvents) {
        this.camel = camel;
        this.customEvents = customEvents;
    }

    /**
     * @param file    display name, e.g. {@code routes/my-rules.yaml}
     * @param text    the file's text (for line numbers), may be null
     * @param routes  the file's routes
     * @param directs {@code direct:} endpoints that exist (other files, the forwarder's own routes), as {@code direct:name}
     * @return problems, in file order
     */
    public List<RuleProblem> check(String file, String text, List<RouteDefinition> routes, Collection<String> directs) {
        List<RuleProblem> out = new ArrayList<>();
        Set<String> known = new java.util.HashSet<>(directs);
        known.add(RulePlan.ACTION);
        known.addAll(endpointsRead(routes));
        Set<String> ids = new java.util.HashSet<>();
        for (RouteDefinition r : routes) {
            Ctx c = new Ctx(file, text, r.getId(), lineOf(text, r.getId() == null ? null : "id", r.getId(), 1), out, known);
            if (r.getId() == null) {
                c.warn(c.start, "the route has no id: give it one, the answer and the log name rules by id");
            } else if (!ids.add(r.getId())) {
                c.error(c.start, "the route id is used twice in this file");
            }
            int before = out.size();
            boolean[] sends = {false};
            boolean[] tiktok = {false};
            for (ProcessorDefinition<?> p : r.getOutputs()) {
                visit(p, c, sends, tiktok);
            }
            String from = r.getInput() == null ? null : r.getInput().getEndpointUri();
            boolean ruleLike = sends[0] || tiktok[0] || (from != null && from.startsWith("direct:rule"));
            if (!RuleRegistry.GROUP.equals(r.getGroup())) {
                if (ruleLike) {
                    String near = r.getGroup() == null ? "" : RuleVocabulary.didYouMean(r.getGroup(), List.of(RuleRegistry.GROUP));
                    c.warn(c.start, (r.getGroup() == null ? "no group" : "group '" + r.getGroup() + "'")
                            + ": this route is never offered events; add 'group: " + RuleRegistry.GROUP + "'" + near);
                }
            } else if (!sends[0] && out.subList(before, out.size()).stream().noneMatch(RuleProblem::error)) {
                c.warn(c.start, "this rule never sends a TikTok event: it has no 'to: " + RulePlan.ACTION + "'");
            }
        }
        out.sort(java.util.Comparator.comparingInt(RuleProblem::line));
        return out;
    }

    private record Ctx(String file, String text, String rule, int start, List<RuleProblem> out, Set<String> directs) {
        void error(int line, String msg) {
            out.add(new RuleProblem(file, line, true, msg, rule));
        }

        void warn(int line, String msg) {
            out.add(new RuleProblem(file, line, false, msg, rule));
        }
    }

    private void visit(ProcessorDefinition<?> p, Ctx c, boolean[] sends, boolean[] tiktok) {
        if (p instanceof ExpressionNode en && en.getExpression() != null) {
            compiles(en.getExpression(), p instanceof FilterDefinition, c);
        }
        if (p instanceof SetHeaderDefinition h && h.getName() != null) {
            checkHeader(h, c, tiktok);
        }
        if (p instanceof ToDefinition t) {
            checkTarget(t.getEndpointUri(), false, c, sends);
        } else if (p instanceof ToDynamicDefinition t) {
            checkTarget(t.getUri(), true, c, sends);
        }
        if (p instanceof ChoiceDefinition ch) {
            for (WhenDefinition w : ch.getWhenClauses()) {
                if (w.getExpression() != null) {
                    compiles(w.getExpression(), true, c);
                }
                for (ProcessorDefinition<?> o : w.getOutputs()) {
                    visit(o, c, sends, tiktok);
                }
            }
            if (ch.getOtherwise() != null) {
                for (ProcessorDefinition<?> o : ch.getOtherwise().getOutputs()) {
                    visit(o, c, sends, tiktok);
                }
            }
            return;
        }
        for (ProcessorDefinition<?> o : p.getOutputs()) {
            visit(o, c, sends, tiktok);
        }
    }

    private void compiles(ExpressionDefinition e, boolean predicate, Ctx c) {
        try {
            if (predicate) {
                ExpressionReifier.reifier(camel, e).createPredicate().init(camel);
            } else {
                ExpressionReifier.reifier(camel, e).createExpression().init(camel);
            }
        } catch (RuntimeException ex) {
            String what = RulePlan.text(e);
            c.error(lineOf(c.text, what, null, c.start), (predicate ? "condition" : "expression") + " '" + what
                    + "' does not compile: " + RuleEngine.describe(ex));
        }
    }

    private void checkHeader(SetHeaderDefinition h, Ctx c, boolean[] tiktok) {
        String name = h.getName();
        if (!name.regionMatches(true, 0, "tiktok.", 0, 7)) {
            if (name.toLowerCase(Locale.ROOT).startsWith("tiktok") || name.toLowerCase(Locale.ROOT).startsWith("tikok")) {
                String near = RuleVocabulary.closest(name, prefixed());
                c.error(lineOf(c.text, name, null, c.start), "header '" + name + "' is not read by the mapping"
                        + (near == null ? "" : " (did you mean " + near + "?)"));
            }
            return;
        }
        tiktok[0] = true;
        String key = name.substring(7);
        // full routes name the header; compact rules name the key
        boolean compact = c.text != null && !c.text.contains(name);
        int line = compact ? lineOf(c.text, key, null, c.start) : lineOf(c.text, name, null, c.start);
        if (!RuleVocabulary.isHeaderKey(key)) {
            String near = RuleVocabulary.closest(key, RuleVocabulary.HEADER_KEYS);
            // in the user's own words: a compact rule's fields: key, or a full route's header name
            c.error(line, (compact ? "unknown field '" + key : "unknown header '" + name) + "': the mapping never reads it"
                    + (near == null ? "; see docs/rules.md for the " + (compact ? "field" : "header") + " names"
                            : " (did you mean " + (compact ? "" : "tiktok.") + near + "?)"));
            return;
        }
        if (key.equals("event") && customEvents != CustomEvents.ALLOW) {
            ExpressionDefinition e = h.getExpression();
            String value = e == null ? null : e.getExpression();
            boolean literal = e != null && ("constant".equals(e.getLanguage())
                    || ("simple".equals(e.getLanguage()) && value != null && !value.contains("${")));
            if (literal && value != null && !RuleVocabulary.isStandardEvent(value.trim())) {
                String near = RuleVocabulary.closest(value.trim(), RuleVocabulary.STANDARD_EVENTS);
                String msg = "'" + value + "' is not a TikTok standard event" + (near == null ? "" : " (did you mean " + near + "?)");
                int l = lineOf(c.text, value, null, line);
                if (customEvents == CustomEvents.REJECT) {
                    c.error(l, msg + "; custom events are refused (forwarder.rules.custom-events=reject)");
                } else {
                    c.warn(l, msg + (near == null ? "; it is sent as a custom event (reporting and audiences only)"
                            : "; as written it is sent as a custom event"));
                }
            }
        }
    }

    private static List<String> prefixed() {
        List<String> l = new ArrayList<>();
        for (String k : RuleVocabulary.HEADER_KEYS) {
            l.add("tiktok." + k);
        }
        return l;
    }

    private void checkTarget(String uri, boolean dynamic, Ctx c, boolean[] sends) {
        if (uri == null) {
            return;
        }
        int line = lineOf(c.text, uri, null, c.start);
        String target = strip(uri);
        if (target.equals(RulePlan.ACTION) || (dynamic && target.startsWith("direct:tiktok-event"))) {
            sends[0] = true;
            return;
        }
        int colon = target.indexOf(':');
        String scheme = colon < 0 ? target : target.substring(0, colon);
        if (dynamic && scheme.contains("${")) {
            return;
        }
        if (scheme.equals("direct")) {
            if (!dynamic && !target.contains("${") && !c.directs.contains(target)) {
                c.error(line, "'" + uri + "': no route reads this endpoint"
                        + RuleVocabulary.didYouMean(target, c.directs));
            }
            return;
        }
        boolean exists;
        try {
            exists = camel.getComponent(scheme) != null;
        } catch (RuntimeException e) {
            exists = false;
        }
        if (!exists) {
            c.error(line, "'" + uri + "': no Camel component '" + scheme + "' in the forwarder");
        }
    }

    /** {@code direct:name?x=y} → {@code direct:name}; {@code direct://name} → {@code direct:name}. */
    /** @return the endpoints the routes read ({@code from:}), options stripped, e.g. {@code direct:name} */
    static Set<String> endpointsRead(List<RouteDefinition> routes) {
        Set<String> read = new java.util.HashSet<>();
        for (RouteDefinition r : routes) {
            if (r.getInput() != null && r.getInput().getEndpointUri() != null) {
                read.add(strip(r.getInput().getEndpointUri()));
            }
        }
        return read;
    }

    static String strip(String uri) {
        String u = uri.trim();
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        return u.replace("://", ":");
    }

    /**
     * The first line (1-based) at or after {@code from} that contains {@code token} (and {@code and}, when given),
     * or {@code from} when none does (or there is no text).
     */
    static int lineOf(String text, String token, String and, int from) {
        if (text == null || token == null) {
            return from;
        }
        String[] lines = text.split("\n", -1);
        for (int i = Math.max(0, from - 1); i < lines.length; i++) {
            if (lines[i].contains(token) && (and == null || lines[i].contains(and))) {
                return i + 1;
            }
        }
        if (and != null) {
            for (int i = Math.max(0, from - 1); i < lines.length; i++) {
                if (lines[i].contains(and)) {
                    return i + 1;
                }
            }
        }
        return from;
    }
}
