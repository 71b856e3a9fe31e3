package io.github.ttforwarder.rules;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.OtherwiseDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RemoveHeaderDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SetHeaderDefinition;
import org.apache.camel.model.SetPropertyDefinition;
import org.apache.camel.model.StopDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.reifier.language.ExpressionReifier;

/**
 * A rule compiled once, when it is loaded: its route's steps as Camel {@link Predicate} and {@link Expression}
 * objects that {@link RuleEngine} evaluates on one exchange per request — no exchange copy, no route trip.
 *
 * <p>Compiled steps: {@code filter}, {@code choice}/{@code when}/{@code otherwise}, {@code setHeader},
 * {@code setProperty}, {@code removeHeader}, {@code stop} and {@code to: direct:tiktok-event} (the action).
 * A rule with any other step (a bean, a log, an enrich, another endpoint ...) is not compiled: it runs as the
 * Camel route it is ({@link #compile} returns null).
 */
public final class RulePlan {

    /** The action endpoint: map, hash, validate and deliver one TikTok event. */
    public static final String ACTION = "direct:tiktok-event";

    /** What the plan does when it reaches the action; may throw. */
    public interface Action {
        void send(Exchange exchange) throws Exception;
    }

    /** Records, for preview, why a rule did not fire (null outside preview). */
    public interface Trace {
        void notMatched(String condition);
    }

    interface Step {
        /** @return false to stop the rule ({@code stop}) */
        boolean run(Exchange exchange, Action action, Trace trace) throws Exception;
    }

    private final List<Step> steps;
    private final String condition;
    private final List<String> properties;

    private RulePlan(List<Step> steps, String condition, List<String> properties) {
        this.steps = steps;
        this.condition = condition;
        this.properties = properties;
    }

    /** @return the exchange properties the rule sets (removed after it ran, so they never reach the next rule) */
    public List<String> properties() {
        return properties;
    }

    /** @return the text of the rule's leading condition (its first filter), or null */
    public String condition() {
        return condition;
    }

    /**
     * Runs the rule on the exchange: headers it sets stay on the exchange's message until the engine resets it.
     *
     * @throws Exception whatever a predicate, expression or the action throws
     */
    public void run(Exchange exchange, Action action, Trace trace) throws Exception {
        runAll(steps, exchange, action, trace);
    }

    private static boolean runAll(List<Step> steps, Exchange exchange, Action action, Trace trace) throws Exception {
        for (Step s : steps) {
            if (!s.run(exchange, action, trace)) {
                return false;
            }
            Exception e = exchange.getException();
            if (e != null) {
                exchange.setException(null);
                throw e;
            }
        }
        return true;
    }

    /**
     * @return the compiled plan, or null when the route does something a plan cannot say (it then runs as a route)
     * @throws RuntimeException when an expression does not compile (the rule checker reports it at load)
     */
    public static RulePlan compile(CamelContext camel, RouteDefinition route) {
        if (route.getInput() == null || route.getInput().getEndpointUri() == null
                || !route.getInput().getEndpointUri().startsWith("direct:")) {
            return null;
        }
        List<Step> steps = compileAll(camel, route.getOutputs());
        if (steps == null) {
            return null;
        }
        String condition = null;
        if (!route.getOutputs().isEmpty() && route.getOutputs().get(0) instanceof FilterDefinition f) {
            condition = text(f.getExpression());
        }
        List<String> props = new ArrayList<>();
        collectProperties(route.getOutputs(), props);
        return new RulePlan(steps, condition, List.copyOf(props));
    }

    private static void collectProperties(List<ProcessorDefinition<?>> outputs, List<String> names) {
        for (ProcessorDefinition<?> p : outputs) {
            if (p instanceof SetPropertyDefinition sp) {
                names.add(sp.getName());
            }
            if (p instanceof ChoiceDefinition c) {
                c.getWhenClauses().forEach(w -> collectProperties(w.getOutputs(), names));
                if (c.getOtherwise() != null) {
                    collectProperties(c.getOtherwise().getOutputs(), names);
                }
            } else {
                collectProperties(p.getOutputs(), names);
            }
        }
    }

    /** @return the expression's text as written, e.g. {@code ${header.ForwarderEventType} == 'x'} */
    static String text(ExpressionDefinition e) {
        return e == null ? null : e.getExpression() != null ? e.getExpression() : e.toString();
    }

    private static List<Step> compileAll(CamelContext camel, List<ProcessorDefinition<?>> outputs) {
        List<Step> out = new ArrayList<>(outputs.size());
        for (ProcessorDefinition<?> def : outputs) {
            Step s = compileOne(camel, def);
            if (s == null) {
                return null;
            }
            out.add(s);
        }
        return out;
    }

    private static Step compileOne(CamelContext camel, ProcessorDefinition<?> def) {
        if (def.getInterceptStrategies() != null && !def.getInterceptStrategies().isEmpty()) {
            return null;
        }
        if (def instanceof FilterDefinition f) {
            Predicate p = predicate(camel, f.getExpression());
            List<Step> body = compileAll(camel, f.getOutputs());
            String text = text(f.getExpression());
            return body == null ? null : (ex, action, trace) -> {
                if (p.matches(ex)) {
                    return runAll(body, ex, action, trace);
                }
                if (trace != null) {
                    trace.notMatched(text);
                }
                return true;
            };
        }
        if (def instanceof ChoiceDefinition c) {
            List<Predicate> whens = new ArrayList<>();
            List<List<Step>> bodies = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (WhenDefinition w : c.getWhenClauses()) {
                List<Step> body = compileAll(camel, w.getOutputs());
                if (body == null) {
                    return null;
                }
                whens.add(predicate(camel, w.getExpression()));
                bodies.add(body);
                texts.add(text(w.getExpression()));
            }
            OtherwiseDefinition o = c.getOtherwise();
            List<Step> otherwise = o == null ? List.of() : compileAll(camel, o.getOutputs());
            if (otherwise == null) {
                return null;
            }
            return (ex, action, trace) -> {
                for (int i = 0; i < whens.size(); i++) {
                    if (whens.get(i).matches(ex)) {
                        return runAll(bodies.get(i), ex, action, trace);
                    }
                }
                if (o == null && trace != null) {
                    trace.notMatched(String.join(" / ", texts));
                }
                return runAll(otherwise, ex, action, trace);
            };
        }
        if (def instanceof SetHeaderDefinition h) {
            String name = h.getName();
            if (name == null || name.contains("${")) {
                return null;
            }
            Expression e = expression(camel, h.getExpression());
            return (ex, action, trace) -> {
                Object v = e.evaluate(ex, Object.class);
                ex.getMessage().setHeader(name, v);
                return true;
            };
        }
        if (def instanceof SetPropertyDefinition p) {
            String name = p.getName();
            if (name == null || name.contains("${")) {
                return null;
            }
            Expression e = expression(camel, p.getExpression());
            return (ex, action, trace) -> {
                ex.setProperty(name, e.evaluate(ex, Object.class));
                return true;
            };
        }
        if (def instanceof RemoveHeaderDefinition r) {
            String name = r.getName();
            return name == null || name.contains("${") ? null : (ex, action, trace) -> {
                ex.getMessage().removeHeader(name);
                return true;
            };
        }
        if (def instanceof StopDefinition) {
            return (ex, action, trace) -> false;
        }
        if ((def instanceof ToDefinition || def instanceof ToDynamicDefinition) && def.getClass() != null) {
            String uri = def instanceof ToDefinition t ? t.getEndpointUri() : ((ToDynamicDefinition) def).getUri();
            if (ACTION.equals(uri) && (!(def instanceof ToDefinition t2) || t2.getPattern() == null)) {
                return (ex, action, trace) -> {
                    action.send(ex);
                    return true;
                };
            }
        }
        return null;
    }

    private static Predicate predicate(CamelContext camel, ExpressionDefinition def) {
        Predicate p = ExpressionReifier.reifier(camel, def).createPredicate();
        p.init(camel);
        return p;
    }

    private static Expression expression(CamelContext camel, ExpressionDefinition def) {
        Expression e = ExpressionReifier.reifier(camel, def).createExpression();
        e.init(camel);
        return e;
    }
}
