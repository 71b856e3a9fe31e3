package io.github.ttforwarder.mapping;

import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.InboundEvent.Format;
import io.github.ttforwarder.model.RequestContext;
import io.github.ttforwarder.model.Values;

/**
 * The TikTok event one rule is building from one inbound event, passed from mapping processor to mapping
 * processor (web event → user context → properties → validation).
 */
public final class TikTokEventDraft {

    private final Format format;
    private final Map<String, Object> source;
    private final RequestContext context;
    private final Map<String, Object> overrides;
    private final EventOutcome outcome;
    private final String rule;
    private final ObjectNode event = JsonNodeFactory.instance.objectNode();
    private String pixel;
    private String testEventCode;

    /**
     * @param format    the inbound event's shape
     * @param source    the inbound event body ({@code {"xdm":..,"data":..}} or the plain event)
     * @param context   the request it came in
     * @param overrides the rule's {@code tiktok.*} headers, keyed without the prefix ({@code user.email})
     * @param outcome   where warnings go
     * @param rule      the rule's route id
     */
    public TikTokEventDraft(Format format, Map<String, Object> source, RequestContext context,
            Map<String, Object> overrides, EventOutcome outcome, String rule) {
        this.format = format;
        this.source = source;
        this.context = context;
        this.overrides = overrides;
        this.outcome = outcome;
        this.rule = rule;
    }

    public boolean isXdm() {
        return format == Format.XDM;
    }

    /** @return the inbound event body. */
    public Map<String, Object> source() {
        return source;
    }

    /** @return the {@code xdm} object of an Adobe event, or null for plain events. */
    public Map<String, Object> xdm() {
        return isXdm() ? Values.map(source, "xdm") : null;
    }

    /** @return the {@code data} object of an Adobe event, or null. */
    public Map<String, Object> data() {
        return isXdm() ? Values.map(source, "data") : null;
    }

    public RequestContext context() {
        return context;
    }

    /** @return the rule's override for a field path such as {@code user.email}, or null. */
    public Object override(String path) {
        return overrides.get(path);
    }

    /** @return true when the rule set an override for the path (even to an empty value). */
    public boolean hasOverride(String path) {
        return overrides.containsKey(path);
    }

    public EventOutcome outcome() {
        return outcome;
    }

    public String rule() {
        return rule;
    }

    /** @return the {@code data[]} item being built. */
    public ObjectNode event() {
        return event;
    }

    /** @return the {@code user} object, created on first use. */
    public ObjectNode user() {
        return event.has("user") ? (ObjectNode) event.get("user") : event.putObject("user");
    }

    /** @return the {@code page} object, created on first use. */
    public ObjectNode page() {
        return event.has("page") ? (ObjectNode) event.get("page") : event.putObject("page");
    }

    /** @return the {@code properties} object, created on first use. */
    public ObjectNode properties() {
        return event.has("properties") ? (ObjectNode) event.get("properties") : event.putObject("properties");
    }

    /** Records that a field was left out, and why (no personal data in {@code reason}). */
    public void warn(String field, String reason) {
        outcome.warn(field + ": " + reason);
    }

    public String pixel() {
        return pixel;
    }

    public void pixel(String pixel) {
        this.pixel = pixel;
    }

    public String testEventCode() {
        return testEventCode;
    }

    public void testEventCode(String testEventCode) {
        this.testEventCode = testEventCode;
    }
}
