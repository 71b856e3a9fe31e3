package io.github.ttforwarder.rules;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Predicate;
import org.apache.camel.Route;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SetHeaderDefinition;
import org.apache.camel.reifier.language.ExpressionReifier;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.jboss.logging.Logger;

/**
 * The forwarding rules: every started Camel route whose group is {@value #GROUP} (the routes of
 * {@code routes/*.yaml}, {@code *.xml} and the compact {@code rule:} form, or any other route that declares the
 * group). Each rule is compiled once into a {@link RulePlan} when it is loaded; a rule the plan cannot express
 * runs as its Camel route.
 *
 * <p>The list is cached and rebuilt when routes are added, removed, started or stopped (rule file reload).
 */
@ApplicationScoped
@Named("ruleRegistry")
public class RuleRegistry extends EventNotifierSupport {

    private static final Logger LOG = Logger.getLogger(RuleRegistry.class);

    /** The route group that marks a route as a forwarding rule. */
    public static final String GROUP = "tiktok-rules";

    /**
     * One active rule.
     *
     * @param id        the route id
     * @param file      where it was loaded from (e.g. {@code routes/xdm-web-rules.yaml}), or null (Java routes)
     * @param endpoint  the route's input endpoint (used when it runs as a route)
     * @param plan      the compiled plan, or null: run as a route
     * @param guard     for routes only: the predicate of the leading filter (an event it rejects is not offered), or null
     * @param condition the leading condition's text, or null
     * @param event     the TikTok event it sets, when a constant, or null
     */
    public record Rule(String id, String file, Endpoint endpoint, RulePlan plan, Predicate guard, String condition,
            String event) {
        /** @return {@code compiled} or {@code route} */
        public String mode() {
            return plan != null ? "compiled" : "route";
        }
    }

    private final CamelContext camel;
    private volatile List<Rule> snapshot;

    public RuleRegistry(CamelContext camel) {
        this.camel = camel;
        setIgnoreExchangeEvents(true);
        setIgnoreCamelContextEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    /** @return the active rules, in route order */
    public List<Rule> rules() {
        List<Rule> s = snapshot;
        return s != null ? s : refresh();
    }

    private synchronized List<Rule> refresh() {
        List<Rule> rules = new ArrayList<>();
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        for (Route route : camel.getRoutes()) {
            org.apache.camel.ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
            if (!GROUP.equals(route.getGroup()) || status == null || !status.isStarted()) {
                continue;
            }
            RouteDefinition def = model == null ? null : model.getRouteDefinition(route.getRouteId());
            rules.add(describe(route, def));
        }
        List<Rule> s = List.copyOf(rules);
        if (snapshot == null || !ids(snapshot).equals(ids(s))) {
            LOG.infof("Forwarding rules active: %s", s.isEmpty() ? "none" : String.join(", ", ids(s)));
        }
        snapshot = s;
        return s;
    }

    private Rule describe(Route route, RouteDefinition def) {
        RulePlan plan = null;
        Predicate guard = null;
        String condition = null;
        String event = null;
        String file = def != null && def.getResource() != null ? RuleFiles.displayName(def.getResource().getLocation()) : null;
        if (def != null) {
            try {
                plan = RulePlan.compile(camel, def);
            } catch (RuntimeException e) {
                LOG.debugf("Rule %s runs as a route: %s", route.getRouteId(), e.getMessage());
            }
            if (!def.getOutputs().isEmpty() && def.getOutputs().get(0) instanceof FilterDefinition f
                    && f.getExpression() != null) {
                condition = RulePlan.text(f.getExpression());
                if (plan == null) {
                    try {
                        guard = ExpressionReifier.reifier(camel, f.getExpression()).createPredicate();
                        guard.init(camel);
                    } catch (RuntimeException e) {
                        guard = null;
                    }
                }
            }
            event = constantEvent(def.getOutputs());
        }
        return new Rule(route.getRouteId(), file, route.getEndpoint(), plan, guard, condition, event);
    }

    /** The constant value of the first {@code setHeader tiktok.event} in the steps, or null. */
    static String constantEvent(List<ProcessorDefinition<?>> outputs) {
        for (ProcessorDefinition<?> p : outputs) {
            if (p instanceof SetHeaderDefinition h && "tiktok.event".equalsIgnoreCase(h.getName())
                    && h.getExpression() != null && "constant".equals(h.getExpression().getLanguage())) {
                return h.getExpression().getExpression();
            }
            String inner = constantEvent(p.getOutputs());
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    private static List<String> ids(List<Rule> rules) {
        List<String> ids = new ArrayList<>(rules.size());
        for (Rule r : rules) {
            ids.add(r.id() + (r.plan() == null ? " (route)" : ""));
        }
        return ids;
    }

    /**
     * @param id a rule's route id
     * @return the rule, or null when it is not (or no longer) active
     */
    public Rule find(String id) {
        for (Rule r : rules()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteEvent;
    }

    private volatile boolean holding;

    /** While a rule file's routes are swapped, events keep the previous rules (no window without the rule). */
    void hold() {
        if (snapshot == null) {
            refresh();
        }
        holding = true;
    }

    /** Ends {@link #hold()}: the next event sees the new rules. */
    void release() {
        holding = false;
        snapshot = null;
    }

    @Override
    public void notify(CamelEvent event) {
        // Rebuilt on the next event: during a reload the route events arrive before the routes report started.
        if (!holding) {
            snapshot = null;
        }
    }

    /** Logs the active rules as soon as Camel has started. */
    void onStarted(@jakarta.enterprise.event.Observes CamelEvent.CamelContextStartedEvent event) {
        refresh();
    }
}
