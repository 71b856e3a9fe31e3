package io.github.ttforwarder.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.InboundEvent.Format;
import io.github.ttforwarder.model.RequestContext;

/**
 * Reads an inbound request body into events, whatever wire format it is in.
 *
 * <p>Recognised shapes (Adobe shapes per ../docs/adobe-edge-input.md §1):
 * <ul>
 * <li>{@code {"events": [ev, ...]}} — Edge Server API batch ({@code /ee/v2/collect}) and Web SDK
 *     ({@code /ee/v1/interact}); each element is read as below</li>
 * <li>{@code {"event": ev, "data": {...}}} — Server API interact; a root {@code data} is merged under the
 *     event's own {@code data}</li>
 * <li>{@code {"xdm": {...}, "data": {...}}} — one Adobe event (what event forwarding relays; extra keys
 *     such as {@code datasetId} or Web SDK {@code sendEvent} options are ignored)</li>
 * <li>{@code {"header": {"httpHeaders": {...}}, "body": {"xdm": ...}}} — Adobe event forwarding's request
 *     shape; {@code user-agent} from {@code header.httpHeaders} fills the request context</li>
 * <li>{@code {"header": ..., "body": {"xdmEntity": {...}}}} — Streaming Ingestion API</li>
 * <li>a bare XDM ExperienceEvent (top-level keys such as {@code eventType}, {@code commerce},
 *     {@code productListItems}, {@code _tenant}, or {@code xdm:}-prefixed keys)</li>
 * <li>a plain event ({@code event}, {@code event_time}, {@code event_id}, {@code user}, {@code page},
 *     {@code properties}, ...) — one object or, on {@code /events}, a JSON array of them</li>
 * </ul>
 * XDM keys written with the {@code xdm:} JSON-LD prefix are read without it, and a root {@code @id} as
 * {@code _id}. Shapes are told apart by their keys only, never by the Content-Type (the Web SDK sends JSON
 * as {@code text/plain}).
 */
@ApplicationScoped
@Named("inboundBodyReader")
public class InboundBodyReader implements Processor {

    /** Keys that make an object a plain event (the seed's web event fields). */
    private static final Set<String> PLAIN_KEYS = Set.of("event", "event_time", "event_id", "user", "page",
            "properties", "pixel", "test_event_code", "limited_data_use");

    /** Top-level fields of the XDM ExperienceEvent class and its common field groups. */
    private static final Set<String> XDM_KEYS = Set.of("_id", "timestamp", "eventType", "eventMergeId",
            "identityMap", "commerce", "productListItems", "web", "environment", "device", "placeContext",
            "implementationDetails", "application", "marketing", "media", "order", "shipping", "search",
            "siteSearch", "channel", "dataSource", "advertising", "pushNotificationTracking", "endUserIDs",
            "locationContext", "directMarketing", "userActivityRegion", "segmentMembership");

    private static final String XDM_PREFIX = "xdm:";

    private final ObjectReader reader;

    public InboundBodyReader(ObjectMapper mapper) {
        // Decimals as BigDecimal: prices and values are summed and divided without binary rounding.
        this.reader = mapper.readerFor(Object.class).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /**
     * Camel step: reads the body ({@code byte[]}) with the request context of property
     * {@value Headers#REQUEST_CONTEXT}; the body becomes the {@code List<InboundEvent>} to split, and the
     * rejected elements are added to the request's outcomes ({@value Headers#OUTCOMES}).
     */
    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        RequestContext ctx = exchange.getProperty(Headers.REQUEST_CONTEXT, RequestContext.class);
        Result result = read(exchange.getMessage().getBody(byte[].class), ctx);
        List<EventOutcome> outcomes = exchange.getProperty(Headers.OUTCOMES, List.class);
        outcomes.addAll(result.rejected());
        exchange.getMessage().setBody(result.events());
    }

    /**
     * The events of one request, and the elements that could not be read as events.
     *
     * @param events   readable events, in request order
     * @param rejected outcomes for elements that are no event (wrong type, unknown shape), by index
     * @param total    how many elements the request had
     */
    public record Result(List<InboundEvent> events, List<EventOutcome> rejected, int total) {
    }

    /**
     * Parses a request body.
     *
     * @param body    the raw body (UTF-8 JSON, any Content-Type)
     * @param context the request context every event inherits
     * @return the events and the rejected elements
     * @throws MalformedRequestException when the body is empty, not JSON, or no event container at all
     *                                   (the whole request is answered 400)
     */
    public Result read(byte[] body, RequestContext context) {
        if (body == null || body.length == 0) {
            throw new MalformedRequestException("empty body: expected a JSON event, array of events or {\"events\": [...]}");
        }
        Object root;
        try {
            root = reader.readValue(body);
        } catch (JsonProcessingException e) {
            throw new MalformedRequestException("body is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new MalformedRequestException("body could not be read");
        }
        List<InboundEvent> events = new ArrayList<>();
        List<EventOutcome> rejected = new ArrayList<>();
        List<?> elements;
        if (root instanceof List<?> list) {
            elements = list;
        } else if (root instanceof Map<?, ?> map && map.get("events") instanceof List<?> list) {
            elements = list;
        } else if (root instanceof Map<?, ?>) {
            elements = List.of(root);
        } else {
            throw new MalformedRequestException("body must be a JSON object or array, not a JSON " + kind(root));
        }
        if (elements.isEmpty()) {
            return new Result(events, rejected, 0);
        }
        for (int i = 0; i < elements.size(); i++) {
            Object element = elements.get(i);
            if (!(element instanceof Map<?, ?>)) {
                rejected.add(reject(i, "events[" + i + "]", "must be a JSON object, not a JSON " + kind(element)));
                continue;
            }
            InboundEvent event = readOne(i, asMap(element), context);
            if (event == null) {
                rejected.add(reject(i, null, "not a recognised event: expected a plain event (\"event\", \"event_time\", "
                        + "\"user\", ...) or an Adobe event (\"xdm\", \"data\")"));
            } else {
                events.add(event);
            }
        }
        return new Result(events, rejected, elements.size());
    }

    private InboundEvent readOne(int index, Map<String, Object> obj, RequestContext context) {
        // Server API interact: {"event": {...}, "data": {...}}
        if (obj.get("event") instanceof Map<?, ?> inner) {
            Map<String, Object> event = asMap(inner);
            if (obj.get("data") instanceof Map<?, ?> rootData) {
                Map<String, Object> merged = new LinkedHashMap<>(asMap(rootData));
                if (event.get("data") instanceof Map<?, ?> own) {
                    merged.putAll(asMap(own));
                }
                event = new LinkedHashMap<>(event);
                event.put("data", merged);
            }
            return readOne(index, event, context);
        }
        if (obj.get("xdm") instanceof Map<?, ?> xdm) {
            return xdmEvent(index, asMap(xdm), obj.get("data"), context);
        }
        if (obj.get("body") instanceof Map<?, ?> wrapped) {
            Map<String, Object> body = asMap(wrapped);
            RequestContext ctx = withForwardedHeaders(obj.get("header"), context);
            if (body.get("xdm") instanceof Map<?, ?> xdm) {
                return xdmEvent(index, asMap(xdm), body.get("data"), ctx);
            }
            if (body.get("xdmEntity") instanceof Map<?, ?> entity) {
                return xdmEvent(index, asMap(entity), body.get("data"), ctx);
            }
        }
        for (String key : obj.keySet()) {
            if (PLAIN_KEYS.contains(key)) {
                return new InboundEvent(index, Format.PLAIN, obj, context);
            }
        }
        for (String key : obj.keySet()) {
            if (XDM_KEYS.contains(key) || key.startsWith(XDM_PREFIX) || key.startsWith("_") || key.equals("@id")) {
                return xdmEvent(index, obj, null, context);
            }
        }
        return null;
    }

    private InboundEvent xdmEvent(int index, Map<String, Object> xdm, Object data, RequestContext context) {
        Map<String, Object> body = new LinkedHashMap<>(4);
        body.put("xdm", stripPrefixes(xdm, true));
        body.put("data", data instanceof Map<?, ?> d ? d : new LinkedHashMap<>());
        return new InboundEvent(index, Format.XDM, body, context);
    }

    /** Adobe event forwarding's {@code header.httpHeaders} carry the browser's User-Agent as an array. */
    private static RequestContext withForwardedHeaders(Object header, RequestContext context) {
        if (header instanceof Map<?, ?> h && h.get("httpHeaders") instanceof Map<?, ?> headers) {
            Object ua = headers.get("user-agent");
            if (ua instanceof List<?> list && !list.isEmpty()) {
                ua = list.get(0);
            }
            if (ua instanceof String s && !s.isBlank()) {
                return new RequestContext(context.requestId(), context.endpoint(), context.clientIp(), s,
                        context.ttpCookie(), context.receivedAt());
            }
        }
        return context;
    }

    /** Returns the map with {@code xdm:} key prefixes removed (and a root {@code @id} as {@code _id}), copying only when needed. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> stripPrefixes(Map<String, Object> map, boolean root) {
        boolean needed = false;
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (e.getKey().startsWith(XDM_PREFIX) || (root && e.getKey().equals("@id")) || hasPrefixedKeys(e.getValue())) {
                needed = true;
                break;
            }
        }
        if (!needed) {
            return map;
        }
        Map<String, Object> out = new LinkedHashMap<>(map.size() * 2);
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(XDM_PREFIX)) {
                key = key.substring(XDM_PREFIX.length());
            } else if (root && key.equals("@id")) {
                if (map.containsKey("_id") || map.containsKey("xdm:_id")) {
                    continue;
                }
                key = "_id";
            }
            out.put(key, stripValue(e.getValue()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object stripValue(Object value) {
        if (value instanceof Map<?, ?> m) {
            return stripPrefixes((Map<String, Object>) m, false);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(stripValue(o));
            }
            return out;
        }
        return value;
    }

    private static boolean hasPrefixedKeys(Object value) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getKey() instanceof String k && k.startsWith(XDM_PREFIX) || hasPrefixedKeys(e.getValue())) {
                    return true;
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object o : list) {
                if (hasPrefixedKeys(o)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static EventOutcome reject(int index, String field, String reason) {
        EventOutcome outcome = new EventOutcome(index);
        outcome.getRejections().add(new EventOutcome.Rejection(null, field, reason));
        return outcome;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static String kind(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof String) {
            return "string";
        }
        if (o instanceof Number) {
            return "number";
        }
        if (o instanceof Boolean) {
            return "boolean";
        }
        if (o instanceof List) {
            return "array";
        }
        return "object";
    }
}
