package io.github.ttforwarder.model;

/**
 * Names of the Camel message headers and exchange properties the pipeline uses. Headers are what rules
 * read and write; properties are internal.
 */
public final class Headers {

    private Headers() {
    }

    /** Header for rules: {@code xdm} (Adobe event) or {@code plain}. */
    public static final String INPUT_FORMAT = "ForwarderInputFormat";
    /** Header for rules: the XDM event type (eventType or its classification), or the plain event's name. */
    public static final String EVENT_TYPE = "ForwarderEventType";
    /** Header for rules: the inbound request's endpoint, e.g. {@code /ee/v2/collect}. */
    public static final String ENDPOINT = "ForwarderEndpoint";
    /** Header for rules: the inbound request's id. */
    public static final String REQUEST_ID = "ForwarderRequestId";

    /**
     * Prefix of the headers a rule sets to choose the TikTok event and override fields:
     * {@code tiktok.event}, {@code tiktok.pixel}, {@code tiktok.event_id}, {@code tiktok.event_time},
     * {@code tiktok.test_event_code}, {@code tiktok.limited_data_use}, {@code tiktok.user.<field>},
     * {@code tiktok.page.<field>}, {@code tiktok.properties.<field>}. Values are raw inputs: they are
     * normalised and hashed like the event's own fields.
     */
    public static final String OVERRIDE_PREFIX = "tiktok.";

    /** Property: the {@link RequestContext} of the inbound event. */
    public static final String REQUEST_CONTEXT = "ForwarderRequestContext";
    /** Property: the {@link InboundEvent.Format} of the inbound event. */
    public static final String FORMAT = "ForwarderFormat";
    /** Property: the {@link EventOutcome} of the inbound event, shared by all rule copies. */
    public static final String OUTCOME = "ForwarderOutcome";
    /** Property: the list of {@link EventOutcome}s of the request, shared by all split copies. */
    public static final String OUTCOMES = "ForwarderOutcomes";
    /** Property: the TikTok event being built by the mapping processors. */
    public static final String DRAFT = "ForwarderDraft";
    /** Property: the {@link InboundEvent} as read, before any rule (stored by input dead letters). */
    public static final String INBOUND_EVENT = "ForwarderInboundEvent";
    /** Property: the id of the rule route that fired. */
    public static final String RULE_ID = "ForwarderRuleId";
}
