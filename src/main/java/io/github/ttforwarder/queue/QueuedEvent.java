package io.github.ttforwarder.queue;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.RequestContext;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One inbound event as a record value on the queue topic ({@code forwarder.kafka.topic}), JSON:
 * <pre>
 * {"v":1,"index":0,"format":"PLAIN","context":{"requestId":"…","endpoint":"/events","clientIp":"203.0.113.7",
 *  "userAgent":"…","ttpCookie":null,"receivedAt":1764460800},"body":{…the event as read…}}
 * </pre>
 * The body is the event exactly as {@code InboundBodyReader} produced it (plain event, or Adobe
 * {@code {"xdm","data"}} with the {@code xdm:} prefixes removed), so the consumer runs the rules on the same input
 * the embedded mode would. It holds personal data in plain text, like the HTTP request did: protect the topic
 * as you protect the ingest endpoint.
 *
 * @param v       format version, {@value #VERSION}
 * @param index   position of the event in its request (0-based)
 * @param format  {@code XDM} or {@code PLAIN}
 * @param context the request context (client IP, User-Agent, {@code _ttp} cookie, receivedAt in Unix seconds)
 * @param body    the event as parsed JSON
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.ALWAYS)
public record QueuedEvent(int v, int index, InboundEvent.Format format, RequestContext context, Map<String, Object> body) {

    /** Current format version. */
    public static final int VERSION = 1;

    /** @return the queued form of an inbound event */
    public static QueuedEvent of(InboundEvent e) {
        return new QueuedEvent(VERSION, e.index(), e.format(), e.context(), e.body());
    }

    /** @return the inbound event again */
    public InboundEvent toInbound() {
        return new InboundEvent(index, format, body, context);
    }
}
