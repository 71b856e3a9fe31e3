package io.github.ttforwarder.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

import io.github.ttforwarder.mapping.TikTokEventRoutes;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.queue.RejectedEventRecorder;

/**
 * Runs a request's events through the rules: one exchange per request, and per event every active rule in
 * turn — compiled rules ({@link RulePlan}) evaluated on that exchange, rules that need their Camel route sent a
 * copy of it. Between rules the message is reset to the event (body, the four {@code Forwarder*} headers), so
 * one rule's headers never reach another.
 *
 * <p><b>Isolation:</b> a rule that throws (predicate, expression, bean, missing endpoint ...) fails only for
 * that event: the other rules still run, the answer lists a rejection with the rule id, one WARN line names the
 * rule, its file and the error, and the input event (personal data hashed) is
 * dead-lettered (an input dead letter, {@link RejectedEventRecorder}) so it can be replayed once the rule is fixed.
 * Never a 5xx.
 *
 * <p>Each event is counted in {@link io.github.ttforwarder.ops.ForwarderMetrics} (received, unmatched, rule errors).
 */
@ApplicationScoped
@Named("ruleEngine")
public class RuleEngine implements Processor {

    private static final Logger LOG = Logger.getLogger(RuleEngine.class);

    /** Exchange property (preview only): a {@code List<RuleRun>} that receives what each rule did. */
    public static final String TRACE = "ForwarderRuleTrace";

    /** What one rule did with one event (preview). */
    public record RuleRun(String rule, String file, String result, String detail) {
    }

    @Inject
    CamelContext camel;
    @Inject
    RuleRegistry rules;
    @Inject
    RuleInputPreparer input;
    @Inject
    TikTokEventRoutes action;
    @Inject
    RejectedEventRecorder rejectedEvents;
    /** Null when the engine is built by hand ({@link #init}: tests, benchmarks). */
    @Inject
    io.github.ttforwarder.ops.ForwarderMetrics metrics;
    /** Null when the engine is built by hand: the rule loader whose first load every event waits for. */
    @Inject
    RuleFiles files;

    private volatile ProducerTemplate producer;

    /**
     * The request's events (body: {@code List<InboundEvent>}) through the rules, each outcome added to
     * {@value Headers#OUTCOMES}. The request exchange itself is left as it was.
     */
    @Override
    public void process(Exchange request) {
        @SuppressWarnings("unchecked")
        List<InboundEvent> events = request.getMessage().getBody(List.class);
        if (events == null || events.isEmpty()) {
            return;
        }
        Exchange work = new DefaultExchange(camel);
        // as the split did: the request's properties (outcomes, tracker, source, preview, web SDK context ...)
        work.getProperties().putAll(request.getProperties());
        for (InboundEvent event : events) {
            offer(work, event);
        }
    }

    /**
     * Offers one event to every rule, on the given exchange (its message is replaced by the event).
     *
     * @return the event's outcome
     */
    @SuppressWarnings("unchecked")
    public EventOutcome offer(Exchange work, InboundEvent event) {
        if (files != null) {
            // An event consumed before the rule files are loaded (a bus or Kafka consumer starts with the Camel
            // context, the files are read just after) would find no rule, come out "unmatched" and be acknowledged:
            // a silent loss. It waits for the first load instead; past a minute the exception leaves it unacknowledged.
            files.awaitInitialLoad(60_000L);
        }
        work.setException(null);
        try {
            work.getMessage().setBody(event);
            input.process(work);
        } catch (RuntimeException e) {
            EventOutcome outcome = new EventOutcome(event.index());
            LOG.warnf("Event %d could not be prepared for the rules: %s", event.index(), describe(e));
            outcome.getRejections().add(new EventOutcome.Rejection(null, null, "could not be read: " + describe(e)));
            List<EventOutcome> all = work.getProperty(Headers.OUTCOMES, List.class);
            if (all != null) {
                all.add(outcome); // never a silent drop
            }
            return outcome;
        }
        if (metrics != null && work.getProperty(TikTokEventRoutes.PREVIEW) == null) {
            metrics.received(work);
        }
        EventOutcome outcome = work.getProperty(Headers.OUTCOME, EventOutcome.class);
        Message m = work.getMessage();
        Map<String, Object> base = new java.util.HashMap<>(m.getHeaders());
        List<RuleRun> trace = work.getProperty(TRACE, List.class);
        boolean first = true;
        for (RuleRegistry.Rule rule : rules.rules()) {
            if (!first) {
                m.getHeaders().clear();
                m.getHeaders().putAll(base);
                m.setBody(event.body());
            }
            first = false;
            int before = outcome.getSent().size() + outcome.getRejections().size();
            String[] notMatched = new String[1];
            try {
                if (rule.plan() != null) {
                    work.setProperty(Headers.RULE_ID, rule.id());
                    work.getExchangeExtension().setFromRouteId(rule.id()); // ${routeId} as in the route
                    rule.plan().run(work, this::send, trace == null ? null : c -> {
                        if (notMatched[0] == null) {
                            notMatched[0] = c;
                        }
                    });
                } else if (rule.guard() == null || rule.guard().matches(work)) {
                    runRoute(rule, work);
                } else {
                    notMatched[0] = rule.condition();
                }
                if (trace != null) {
                    trace.add(run(rule, outcome, before, notMatched[0]));
                }
            } catch (Exception e) {
                failed(rule, work, event, outcome, e);
                if (trace != null) {
                    trace.add(new RuleRun(rule.id(), rule.file(), "failed", describe(e)));
                }
            } finally {
                work.setException(null);
                work.removeProperty(Headers.DRAFT);
                work.removeProperty(Headers.RULE_ID);
                if (rule.plan() != null) {
                    for (String p : rule.plan().properties()) {
                        work.removeProperty(p);
                    }
                }
            }
        }
        count(outcome, work);
        return outcome;
    }

    private void send(Exchange work) throws Exception {
        action.send(work);
    }

    /** A rule that needs its route: a copy of the exchange through it (properties shared, headers copied). */
    private void runRoute(RuleRegistry.Rule rule, Exchange work) throws Exception {
        Exchange copy = work.copy();
        copy.setProperty(Headers.RULE_ID, rule.id());
        ProducerTemplate p = producer;
        if (p == null) {
            p = producer = camel.createProducerTemplate();
        }
        p.send(rule.endpoint(), copy);
        Exception e = copy.getException();
        if (e != null) {
            throw e;
        }
    }

    private static RuleRun run(RuleRegistry.Rule rule, EventOutcome outcome, int before, String notMatched) {
        List<EventOutcome.Rejection> rejections = outcome.getRejections();
        for (int i = Math.max(0, before - outcome.getSent().size()); i < rejections.size(); i++) {
            EventOutcome.Rejection r = rejections.get(i);
            if (rule.id().equals(r.rule())) {
                return new RuleRun(rule.id(), rule.file(), "rejected",
                        r.field() == null ? r.reason() : r.field() + ": " + r.reason());
            }
        }
        for (EventOutcome.Sent s : outcome.getSent()) {
            if (rule.id().equals(s.rule())) {
                return new RuleRun(rule.id(), rule.file(), "fired", s.event());
            }
        }
        if (notMatched != null) {
            return new RuleRun(rule.id(), rule.file(), "not-matched", "condition false: " + notMatched);
        }
        return new RuleRun(rule.id(), rule.file(), "not-matched", rule.plan() == null
                ? "the route ran but sent no TikTok event" : "the rule sent no TikTok event");
    }

    private void failed(RuleRegistry.Rule rule, Exchange work, InboundEvent event, EventOutcome outcome, Exception e) {
        String why = describe(e);
        String where = rule.file() == null ? "" : " (" + rule.file() + ")";
        outcome.getRejections().add(new EventOutcome.Rejection(rule.id(), null,
                "the rule failed: " + why + "; the event is kept in the dead letter for replay"));
        if (work.getProperty(TikTokEventRoutes.PREVIEW) != null) {
            return;
        }
        if (metrics != null) {
            metrics.rejected(rule.id(), null, true);
        }
        LOG.warnf("Rule %s%s failed on event %d of request %s: %s", rule.id(), where, event.index(),
                event.context() == null ? null : event.context().requestId(), why);
        try {
            work.setProperty(Headers.RULE_ID, rule.id());
            // an input dead letter: the event (personal data hashed) and the rule, replayable once the rule is fixed
            rejectedEvents.rejected(work, "rule-failed", "rule " + rule.id() + where + " failed: " + why);
        } catch (RuntimeException dl) {
            LOG.errorf("Rule %s failed and the event could not be dead-lettered: %s", rule.id(), describe(dl));
        }
    }

    /** The error, without stack trace or personal data: exception type and a scrubbed first line of its message. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        if (root != e) {
            sb.append(" caused by ").append(root.getClass().getSimpleName());
        }
        String msg = root.getMessage() != null ? root.getMessage() : e.getMessage();
        if (msg != null) {
            msg = msg.lines().findFirst().orElse("");
            int v = msg.toLowerCase(Locale.ROOT).indexOf("with value");
            if (v >= 0) {
                msg = msg.substring(0, v) + "with value (hidden)";
            }
            msg = msg.replaceAll("[^\\s'\"]+@[^\\s'\"]+", "(hidden)").replaceAll("\\+?\\d[\\d \\-]{6,}\\d", "(hidden)");
            if (msg.length() > 200) {
                msg = msg.substring(0, 200) + "...";
            }
            sb.append(": ").append(msg);
        }
        return sb.toString();
    }

    private void count(EventOutcome outcome, Exchange work) {
        if (work.getProperty(TikTokEventRoutes.PREVIEW) != null) {
            return;
        }
        if (metrics != null) {
            metrics.ruled(work);
        }
        if (outcome.getStatus() == EventOutcome.Status.UNMATCHED && LOG.isDebugEnabled()) {
            LOG.debugf("No rule matched event %d (type %s)", outcome.getIndex(), outcome.getEventType());
        }
    }

    /** For tests and benchmarks that build the engine by hand. */
    public RuleEngine init(CamelContext camel, RuleRegistry rules, RuleInputPreparer input, TikTokEventRoutes action,
            RejectedEventRecorder rejectedEvents) {
        this.camel = camel;
        this.rules = rules;
        this.input = input;
        this.action = action;
        this.rejectedEvents = rejectedEvents;
        return this;
    }

    /** @return a new list for {@link #TRACE} */
    public static List<RuleRun> newTrace() {
        return new ArrayList<>();
    }
}
