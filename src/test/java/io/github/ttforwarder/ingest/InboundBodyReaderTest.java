package io.github.ttforwarder.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.model.RequestContext;

/** Body reading without Quarkus: sequences, trailing content, every limit, errors without a location. */
class InboundBodyReaderTest {

    private static final RequestContext CTX = new RequestContext("r", "/events", null, null, null, 0);
    private final InboundBodyReader reader = new InboundBodyReader(new ObjectMapper(), new InputLimits(1 << 20, 32, 64, 1000, 5));

    private InboundBodyReader.Result read(String body, boolean sequence) {
        return reader.read(body.getBytes(StandardCharsets.UTF_8), CTX, sequence);
    }

    private RequestLimitException limit(String body) {
        return assertThrows(RequestLimitException.class, () -> read(body, true));
    }

    @Test
    void sequenceOfValuesIsOneBatchInOrder() {
        InboundBodyReader.Result r = read("{\"event\":\"A\"}\n\n{\"event\":\"B\"}[{\"event\":\"C\"},7]\r\n{\"events\":[{\"event\":\"D\"}]}", true);
        assertEquals(5, r.total());
        assertEquals(4, r.events().size());
        assertEquals("C", r.events().get(2).body().get("event"));
        assertEquals(2, r.events().get(2).index());
        assertEquals(3, r.rejected().get(0).getIndex());
        assertEquals(4, r.events().get(3).index());
    }

    @Test
    void trailingContentWithoutSequenceNamesWhereTheValueEnds() {
        MalformedRequestException e = assertThrows(MalformedRequestException.class, () -> read("{\"event\":\"A\"}\n{}", false));
        assertEquals("unexpected content after the JSON value, which ends at line 1, column 14 (byte 13); only /events reads a "
                + "sequence of JSON values (newline-delimited JSON) as a batch", e.getMessage());
        e = assertThrows(MalformedRequestException.class, () -> read("[1] ]", false));
        assertEquals("unexpected content after the JSON value, which ends at line 1, column 4 (byte 3); only /events reads a "
                + "sequence of JSON values (newline-delimited JSON) as a batch", e.getMessage());
        assertEquals(1, read("{\"event\":\"A\"}\n  \n", false).events().size());
    }

    @Test
    void limitsNameTheirSetting() {
        long start = System.nanoTime();
        RequestLimitException e = limit("[".repeat(100_000) + "]".repeat(100_000));
        assertEquals("forwarder.input.max-nesting-depth", e.setting());
        assertEquals(400, e.status());
        System.out.println("deep nesting refused in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        e = limit("{\"a\":" + "1".repeat(65) + "}");
        assertEquals("forwarder.input.max-number-length", e.setting());
        e = limit("{\"a\":1." + "1".repeat(65) + "}");
        assertEquals("forwarder.input.max-number-length", e.setting());
        e = limit("{\"a\":\"" + "x".repeat(1001) + "\"}");
        assertEquals("forwarder.input.max-string-length", e.setting());
        e = limit("{\"" + "k".repeat(1001) + "\":1}");
        assertEquals("forwarder.input.max-string-length", e.setting());
        e = limit("[{},{},{},{},{},{}]");
        assertEquals("forwarder.input.max-events", e.setting());
        assertEquals(413, e.status());
        e = limit("{}{}{}{}{}{}");
        assertEquals("forwarder.input.max-events", e.setting());
        InboundBodyReader small = new InboundBodyReader(new ObjectMapper(), new InputLimits(10, 32, 64, 1000, 5));
        e = assertThrows(RequestLimitException.class, () -> small.read("{\"event\":\"Purchase\"}".getBytes(), CTX, true));
        assertEquals("forwarder.input.max-body-size", e.setting());
        assertEquals(413, e.status());
        assertEquals(5, read("[{},{},{},{},{}]", true).total());
    }

    @Test
    void malformedBodiesAre400WithAPositionWhenThereIsOne() {
        assertEquals("body is not valid JSON at line 1, column 8 (byte 7)",
                assertThrows(MalformedRequestException.class, () -> read("{\"a\":1,,}", true)).getMessage());
        assertEquals("body must be a JSON object or array, not a JSON number",
                assertThrows(MalformedRequestException.class, () -> read("42", true)).getMessage());
        assertEquals("body must be a JSON object or array, not a JSON string (value 2 of the sequence)",
                assertThrows(MalformedRequestException.class, () -> read("{} \"x\"", true)).getMessage());
        assertThrows(MalformedRequestException.class, () -> read("   ", true));
        assertThrows(MalformedRequestException.class, () -> read("\u00ff\u00fe", true));
    }
}
