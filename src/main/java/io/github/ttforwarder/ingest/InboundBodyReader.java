package io.github.ttforwarder.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.Headers;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.Values;
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
    private final InputLimits limits;

    /** With the {@link InputLimits#DEFAULTS default limits} (tools and benchmarks). */
    public InboundBodyReader(ObjectMapper mapper) {
        this(mapper, InputLimits.DEFAULTS);
    }

    /**
     * @param mapper only its configuration matters; bodies are read with a parser bound by {@code limits}
     * @param limits nesting depth, number and string length, events per request
     */
    @Inject
    public InboundBodyReader(ObjectMapper mapper, InputLimits limits) {
        this.limits = limits;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxStringLength(limits.maxStringLength())
                        .maxNameLength(limits.maxStringLength())
                        .maxDocumentLength(limits.maxBodyBytes())
                        .build())
                .build();
        // Decimals as BigDecimal: prices and values are summed and divided without binary rounding.
        this.reader = JsonMapper.builder(factory).build().readerFor(Object.class)
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
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
        // A sequence of JSON values (NDJSON) is a batch on /events (and Kafka ingest topics) only.
        Object style = exchange.getProperty(IngestResponseWriter.STYLE);
        Result result = read(exchange.getMessage().getBody(byte[].class), ctx,
                style == null || style == IngestResponseWriter.Style.EVENTS);
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
     * Parses a request body; a sequence of JSON values (newline-delimited JSON) is a batch.
     *
     * @see #read(byte[], RequestContext, boolean)
     */
    public Result read(byte[] body, RequestContext context) {
        return read(body, context, true);
    }

    /**
     * Parses a request body.
     *
     * @param body     the raw body (UTF-8 JSON, any Content-Type)
     * @param context  the request context every event inherits
     * @param sequence whether a sequence of JSON values (newline-delimited JSON, {@code application/x-ndjson}, or
     *                 values back to back) is read as one batch — each value an event, an array of events or
     *                 {@code {"events": [...]}}, flattened in order; when false, anything after the first JSON
     *                 value is refused
     * @return the events and the rejected elements
     * @throws RequestLimitException     when the body breaks one of the {@link InputLimits} (400 / 413)
     * @throws MalformedRequestException when the body is empty, not JSON, has content after its JSON value
     *                                   (without {@code sequence}), or holds no event container at all (400)
     */
    public Result read(byte[] body, RequestContext context, boolean sequence) {
        if (body == null || body.length == 0) {
            throw new MalformedRequestException("empty body: expected a JSON event, array of events or {\"events\": [...]}");
        }
        if (body.length > limits.maxBodyBytes()) {
            throw tooLarge(body.length);
        }
        List<Object> roots = parse(body, sequence);
        List<InboundEvent> events = new ArrayList<>();
        List<EventOutcome> rejected = new ArrayList<>();
        List<Object> elements = new ArrayList<>();
        for (Object root : roots) {
            if (root instanceof List<?> list) {
                elements.addAll(list);
            } else if (root instanceof Map<?, ?> map && map.get("events") instanceof List<?> list) {
                elements.addAll(list);
            } else if (root instanceof Map<?, ?>) {
                elements.add(root);
            } else {
                throw new MalformedRequestException("body must be a JSON object or array, not a JSON " + Values.jsonKind(root)
                        + (roots.size() > 1 ? " (value " + (roots.indexOf(root) + 1) + " of the sequence)" : ""));
            }
        }
        if (elements.size() > limits.maxEvents()) {
            throw new RequestLimitException(413, "forwarder.input.max-events", "the request holds " + elements.size()
                    + " events, more than forwarder.input.max-events (" + limits.maxEvents() + "); send them in smaller requests");
        }
        if (elements.isEmpty()) {
            return new Result(events, rejected, 0);
        }
        for (int i = 0; i < elements.size(); i++) {
            Object element = elements.get(i);
            if (!(element instanceof Map<?, ?>)) {
                rejected.add(reject(i, "events[" + i + "]", "must be a JSON object, not a JSON " + Values.jsonKind(element)));
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

    /** The JSON values of the body: one, or (with {@code sequence}) every value of a sequence. */
    private List<Object> parse(byte[] body, boolean sequence) {
        List<Object> roots = new ArrayList<>(1);
        try (JsonParser parser = reader.createParser(body)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new MalformedRequestException("empty body: expected a JSON event, array of events or {\"events\": [...]}");
            }
            while (token != null) {
                roots.add(reader.readValue(parser));
                if (roots.size() > limits.maxEvents()) {
                    throw new RequestLimitException(413, "forwarder.input.max-events", "the request holds more than "
                            + "forwarder.input.max-events (" + limits.maxEvents() + ") JSON values; send them in smaller requests");
                }
                JsonLocation end = parser.currentLocation();
                try {
                    token = parser.nextToken();
                } catch (StreamConstraintsException e) {
                    throw e;
                } catch (JsonProcessingException e) {
                    if (!sequence) {
                        throw trailing(end);
                    }
                    throw e;
                }
                if (token != null && !sequence) {
                    throw trailing(end);
                }
            }
        } catch (StreamConstraintsException e) {
            throw limit(e);
        } catch (JsonProcessingException e) {
            throw new MalformedRequestException("body is not valid JSON" + at(e.getLocation()));
        } catch (IOException e) {
            throw new MalformedRequestException("body could not be read");
        } catch (NumberFormatException e) {
            // e.g. 1e99999999999999: a number literal no decimal can hold (found by IngestFuzzTest)
            throw new MalformedRequestException("body holds a number that cannot be read (exponent or digits out of range)");
        }
        return roots;
    }

    /** Which limit a parser constraint is, from Jackson's message (which never quotes the value). */
    private RequestLimitException limit(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.contains("nesting depth")) {
            return new RequestLimitException(400, "forwarder.input.max-nesting-depth", "the body nests objects/arrays "
                    + "deeper than forwarder.input.max-nesting-depth (" + limits.maxDepth() + ")");
        }
        if (m.contains("Number value length") || m.contains("number length")) {
            return new RequestLimitException(400, "forwarder.input.max-number-length", "a number in the body is longer than "
                    + "forwarder.input.max-number-length (" + limits.maxNumberLength() + " characters)");
        }
        if (m.contains("Document length") || m.contains("document length")) {
            return tooLarge(-1);
        }
        return new RequestLimitException(400, "forwarder.input.max-string-length", "a string or key in the body is longer "
                + "than forwarder.input.max-string-length (" + limits.maxStringLength() + " characters)");
    }

    private RequestLimitException tooLarge(long size) {
        return new RequestLimitException(413, "forwarder.input.max-body-size", "the body" + (size < 0 ? "" : " (" + size
                + " bytes)") + " is larger than forwarder.input.max-body-size (" + limits.maxBodyBytes() + " bytes)");
    }

    private static MalformedRequestException trailing(JsonLocation end) {
        return new MalformedRequestException("unexpected content after the JSON value, which ends" + at(end)
                + "; only /events reads a sequence of JSON values (newline-delimited JSON) as a batch");
    }

    /** {@code " at line L, column C (byte B)"}, or {@code ""} when the parser gave no location. */
    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr()
                + (location.getByteOffset() >= 0 ? " (byte " + location.getByteOffset() + ")" : "");
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

}
