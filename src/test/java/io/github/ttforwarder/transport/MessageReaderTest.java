package io.github.ttforwarder.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.ingest.InboundBodyReader;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.RequestContext;

/** How a bus message becomes events: NDJSON, CSV with a column mapping, /events bodies, and what is refused. */
class MessageReaderTest {

    private static final RequestContext CTX = new RequestContext("t/1", "bus:t", null, null, null, 1);
    private final MessageReader reader = new MessageReader(new InboundBodyReader(new ObjectMapper()), new ObjectMapper());

    private record Read(List<InboundEvent> events, MessageReader.Result result) {
    }

    private Read read(IngestEndpoint.Format format, String content, Charset cs, IngestEndpoint.Csv csv) throws Exception {
        byte[] bytes = content.getBytes(cs);
        IngestEndpoint ep = new IngestEndpoint("t", "direct:t", format, cs,
                csv == null ? new IngestEndpoint.Csv(',', Map.of(), Map.of()) : csv, ".error");
        List<InboundEvent> events = new ArrayList<>();
        MessageReader.Result r = reader.read(ep, () -> new ByteArrayInputStream(bytes), CTX, events::add);
        return new Read(events, r);
    }

    private Read read(IngestEndpoint.Format format, String content) throws Exception {
        return read(format, content, StandardCharsets.UTF_8, null);
    }

    @Test
    void ndjsonLinesInAnyEventsShapeBlankLinesSkippedIndexesAcrossTheMessage() throws Exception {
        Read r = read(IngestEndpoint.Format.NDJSON, "\uFEFF{\"event\":\"Purchase\",\"event_id\":\"a\"}\r\n\r\n"
                + "[{\"event\":\"Lead\",\"event_id\":\"b\"},{\"event\":\"Lead\",\"event_id\":\"c\"}]\n"
                + "{\"xdm\":{\"eventType\":\"commerce.purchases\"},\"data\":{}}\n   \n");
        assertEquals(List.of(), r.result().problems());
        assertEquals(4, r.events().size());
        assertEquals(List.of(0, 1, 2, 3), r.events().stream().map(InboundEvent::index).toList());
        assertEquals("a", r.events().get(0).body().get("event_id"));
        assertEquals("c", r.events().get(2).body().get("event_id"));
        assertEquals(InboundEvent.Format.XDM, r.events().get(3).format());
    }

    @Test
    void ndjsonBadLinesAreNamedWithoutQuotingThem() throws Exception {
        Read r = read(IngestEndpoint.Format.NDJSON, "{\"event\":\"Purchase\"}\n{\"event\": jane@example.com}\n"
                + "{\"event\":\"Lead\"} {\"event\":\"Lead\"}\n42\n{\"foo\":1}\n");
        List<String> problems = r.result().problems().stream().map(Object::toString).toList();
        assertEquals(4, r.result().problemCount(), problems.toString());
        assertTrue(problems.get(0).startsWith("line 2: not valid JSON"), problems.get(0));
        assertEquals("line 3: more than one JSON value on the line", problems.get(1));
        assertTrue(problems.get(2).startsWith("line 4: "), problems.get(2));
        assertTrue(problems.get(3).startsWith("line 5: not a recognised event"), problems.get(3));
        assertTrue(problems.stream().noneMatch(p -> p.contains("jane")), "content is never quoted");
    }

    @Test
    void autoReadsWhatEventsAcceptsAndSeveralValuesAsNdjson() throws Exception {
        Read one = read(IngestEndpoint.Format.AUTO, "{\"events\":[{\"event\":\"Lead\",\"event_id\":\"x\"},"
                + "{\"event\":\"Lead\",\"event_id\":\"y\"}]}");
        assertEquals(2, one.events().size());
        // several JSON values one after another: never only the first one
        Read many = read(IngestEndpoint.Format.AUTO, "{\"event\":\"Lead\",\"event_id\":\"x\"}\n{\"event\":\"Lead\",\"event_id\":\"y\"}\n");
        assertEquals(List.of("x", "y"), many.events().stream().map(e -> e.body().get("event_id")).toList());
        Read bad = read(IngestEndpoint.Format.AUTO, "[{\"event\":\"Lead\"},");
        assertEquals(1, bad.result().problemCount());
        assertTrue(bad.result().problems().get(0).toString().startsWith("body: not valid JSON"));
        Read blank = read(IngestEndpoint.Format.AUTO, "  \n");
        assertEquals(0, blank.events().size());
        assertEquals(0, blank.result().problemCount());
    }

    @Test
    void csvWithColumnMappingConstantsQuotesSemicolonsAndLatin1() throws Exception {
        IngestEndpoint.Csv csv = new IngestEndpoint.Csv(';',
                IngestEndpointSettings.pairs("k", "event_id=Order ID,event_time=Date,user.email=E-Mail,"
                        + "properties.value=Total,properties.contents.0.content_id=SKU"),
                IngestEndpointSettings.pairs("k", "event=Purchase,properties.currency=EUR"));
        String content = "Order ID;Date;e-mail ;Total;SKU;Notes\r\n"
                + "A-1;2025-03-14T09:44:20Z;Jane@Example.com;12,50 \u20ac;S1;\"Größe; rot\"\r\n"
                + "A-2;1741945460;;7.5;;\r\n";
        Read r = read(IngestEndpoint.Format.CSV, content, StandardCharsets.ISO_8859_1, csv);
        assertEquals(List.of(), r.result().problems());
        assertEquals(List.of("Notes"), r.result().ignoredColumns());
        assertEquals(2, r.events().size());
        Map<String, Object> first = r.events().get(0).body();
        assertEquals("Purchase", first.get("event"));
        assertEquals("A-1", first.get("event_id"));
        assertEquals(Map.of("email", "Jane@Example.com"), first.get("user"));
        assertEquals("EUR", ((Map<?, ?>) first.get("properties")).get("currency"));
        assertEquals(List.of(Map.of("content_id", "S1")), ((Map<?, ?>) first.get("properties")).get("contents"));
        Map<String, Object> second = r.events().get(1).body();
        assertEquals(null, second.get("user"), "empty cells set nothing");
        assertEquals("1741945460", second.get("event_time"));
    }

    @Test
    void csvHeaderNamesAreTheFieldsWhenNoMappingIsGiven() throws Exception {
        Read r = read(IngestEndpoint.Format.CSV, "event,event_id,user.phone,extra\nLead,L1,+14155550123,x\n");
        assertEquals(1, r.events().size());
        assertEquals(Map.of("phone", "+14155550123"), r.events().get(0).body().get("user"));
        assertEquals(List.of("extra"), r.result().ignoredColumns());
        Read noEvent = read(IngestEndpoint.Format.CSV, "event_id,user.email\nL1,a@b.c\n");
        assertTrue(noEvent.result().problems().get(0).toString().startsWith("header: no 'event' column"));
        assertEquals(0, noEvent.events().size());
    }

    @Test
    void csvRefusedWhenAMappedColumnIsMissingOrARecordIsBroken() throws Exception {
        IngestEndpoint.Csv csv = new IngestEndpoint.Csv(',', IngestEndpointSettings.pairs("k", "event=Type,user.email=Email"), Map.of());
        Read missing = read(IngestEndpoint.Format.CSV, "Type,Mail\nLead,a@b.c\n", StandardCharsets.UTF_8, csv);
        assertEquals("header: no column 'Email' for user.email (header: [Type, Mail])",
                missing.result().problems().get(0).toString());
        Read tooMany = read(IngestEndpoint.Format.CSV, "Type,Email\nLead,a@b.c\nLead,x@y.z,secret\n", StandardCharsets.UTF_8, csv);
        assertEquals(1, tooMany.result().problemCount());
        assertEquals("line 3: more values than the header has columns", tooMany.result().problems().get(0).toString());
        Read empty = read(IngestEndpoint.Format.CSV, "", StandardCharsets.UTF_8, csv);
        assertEquals(0, empty.result().problemCount());
        assertEquals(0, empty.events().size());
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> IngestEndpointSettings.pairs("k", "email=Email"));
        assertThrows(IllegalArgumentException.class, () -> IngestEndpointSettings.pairs("k", "user.email"));
        assertThrows(IllegalArgumentException.class, () -> IngestEndpoint.Format.parse("k", "xml"));
    }
}
