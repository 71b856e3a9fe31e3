package io.github.ttforwarder.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
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

    private record Snapshot(List<String> endpoints, Map<String, String> ruleByEndpoint) {
    }

    public RuleRegistry(CamelContext camel) {
        this.camel = camel;
        // Only route lifecycle events matter: no event objects per exchange.
        setIgnoreExchangeEvents(true);
        setIgnoreCamelContextEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    /** @return the endpoint URIs of the active rules, in route order (the recipient list). */
    public List<String> endpoints() {
        Snapshot s = snapshot;
        if (s == null) {
            s = refresh();
        }
        return s.endpoints;
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
        Map<String, String> byEndpoint = new HashMap<>();
        for (Route route : camel.getRoutes()) {
            if (GROUP.equals(route.getGroup()) && camel.getRouteController().getRouteStatus(route.getRouteId()).isStarted()) {
                String uri = route.getEndpoint().getEndpointUri();
                endpoints.add(uri);
                byEndpoint.put(uri, route.getRouteId());
            }
        }
        Snapshot s = new Snapshot(List.copyOf(endpoints), Map.copyOf(byEndpoint));
        if (snapshot == null || !snapshot.endpoints.equals(s.endpoints)) {
            LOG.infof("Forwarding rules active: %s", byEndpoint.isEmpty() ? "none" : String.join(", ", ruleIds(s)));
        }
        snapshot = s;
        return s;
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
        snapshot = null;
    }
}
