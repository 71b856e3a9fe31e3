package io.github.ttforwarder.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.reifier.language.ExpressionReifier;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.jboss.logging.Logger;

/**
 * The forwarding rules: every Camel route whose group is {@value #GROUP} (the routes in {@code routes/*.yaml}
 * and {@code routes/*.xml} declare {@code group: tiktok-rules}). Every inbound event is offered to every rule
 * (Camel recipient list EIP), like Adobe's rule engine.
 *
 * <p>The list is cached and rebuilt when routes are added, removed, started or stopped (route reload), so
 * editing a rule file takes effect without a rebuild.
 */
@ApplicationScoped
@Named("ruleRegistry")
public class RuleRegistry extends EventNotifierSupport {

    private static final Logger LOG = Logger.getLogger(RuleRegistry.class);

    /** The route group that marks a route as a forwarding rule. */
    public static final String GROUP = "tiktok-rules";

    private final CamelContext camel;
    private volatile Snapshot snapshot;

    /** The active rules: endpoints in route order, each with its guard (the predicate of its leading filter, or null). */
    private record Snapshot(List<String> endpoints, List<Predicate> guards, Map<String, String> ruleByEndpoint) {
    }

    public RuleRegistry(CamelContext camel) {
        this.camel = camel;
        // Only route lifecycle events matter: no event objects per exchange.
        setIgnoreExchangeEvents(true);
        setIgnoreCamelContextEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    /**
     * The recipient list for one event: the endpoints of the rules that can fire on it. A rule whose first
     * step is a filter is offered the event only when that filter's predicate (compiled once, when the rule
     * was loaded) matches the event, so a non-matching rule costs one predicate evaluation instead of a copy
     * of the exchange and a trip through its route. The rule still runs its own filter; the result is the
     * same as offering every event to every rule.
     *
     * @param exchange the event, as {@link RuleInputPreparer} left it
     * @return endpoint URIs, in route order
     */
    public List<String> endpointsFor(Exchange exchange) {
        Snapshot s = current();
        List<String> out = null;
        for (int i = 0; i < s.endpoints.size(); i++) {
            Predicate guard = s.guards.get(i);
            if (guard == null || guard.matches(exchange)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(s.endpoints.get(i));
            }
        }
        return out == null ? List.of() : out;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        return s != null ? s : refresh();
    }

    /**
     * @param endpointUri a rule's endpoint URI, as the recipient list reports it
     * @return the rule's route id, or the URI itself when it is not (or no longer) a rule
     */
    public String ruleFor(String endpointUri) {
        if (endpointUri == null) {
            return null;
        }
        Snapshot s = snapshot;
        String id = s == null ? null : s.ruleByEndpoint.get(endpointUri);
        return id != null ? id : endpointUri;
    }

    private synchronized Snapshot refresh() {
        List<String> endpoints = new ArrayList<>();
        List<Predicate> guards = new ArrayList<>();
        Map<String, String> byEndpoint = new HashMap<>();
        for (Route route : camel.getRoutes()) {
            org.apache.camel.ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
            if (GROUP.equals(route.getGroup()) && status != null && status.isStarted()) {
                String uri = route.getEndpoint().getEndpointUri();
                endpoints.add(uri);
                guards.add(guard(route.getRouteId()));
                byEndpoint.put(uri, route.getRouteId());
            }
        }
        Snapshot s = new Snapshot(List.copyOf(endpoints), java.util.Collections.unmodifiableList(guards), Map.copyOf(byEndpoint));
        if (snapshot == null || !snapshot.endpoints.equals(s.endpoints)) {
            LOG.infof("Forwarding rules active: %s", byEndpoint.isEmpty() ? "none" : String.join(", ", ruleIds(s)));
        }
        snapshot = s;
        return s;
    }

    /** The compiled predicate of the rule's leading filter step, or null when its first step is no filter. */
    private Predicate guard(String routeId) {
        try {
            Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
            RouteDefinition def = model == null ? null : model.getRouteDefinition(routeId);
            if (def != null && !def.getOutputs().isEmpty() && def.getOutputs().get(0) instanceof FilterDefinition filter
                    && filter.getExpression() != null) {
                return ExpressionReifier.reifier(camel, filter.getExpression()).createPredicate();
            }
        } catch (RuntimeException e) {
            LOG.debugf("Rule %s: no guard (%s); it is offered every event", routeId, e.getClass().getSimpleName());
        }
        return null;
    }

    private static List<String> ruleIds(Snapshot s) {
        List<String> ids = new ArrayList<>();
        for (String e : s.endpoints) {
            ids.add(s.ruleByEndpoint.get(e));
        }
        return ids;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        // Rebuilt on the next event: during a reload the route events arrive before the routes report started.
        snapshot = null;
    }

    /** Logs the active rules as soon as Camel has started. */
    void onStarted(@jakarta.enterprise.event.Observes CamelEvent.CamelContextStartedEvent event) {
        refresh();
    }
}
