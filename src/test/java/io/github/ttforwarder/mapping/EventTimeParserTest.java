package io.github.ttforwarder.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;

import io.github.ttforwarder.model.EventRejectedException;

/** Expected values computed with GNU date: {@code date -u -d '2020-09-17T19:49:27Z' +%s}. */
class EventTimeParserTest {

    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final ObjectMapper M = new ObjectMapper();

    static long text(String s) {
        return EventTimeParser.toEpochSeconds(TextNode.valueOf(s), "event_time");
    }

    @Test
    void isoWithZ() {
        assertEquals(1600372167L, text("2020-09-17T19:49:27Z"));
        assertEquals(1741945460L, text("2025-03-14T09:44:20Z"));
        assertEquals(1600372167L, text("2020-09-17T19:49:27z"));
        assertEquals(1600372167L, text(" 2020-09-17T19:49:27Z "));
    }

    @Test
    void isoWithOffset() {
        assertEquals(1600372167L, text("2020-09-17T21:49:27+02:00"));
        assertEquals(1600372167L, text("2020-09-17T21:49:27+0200"));
        assertEquals(1600397367L, text("2020-09-17T21:49:27-05:00"));
        assertEquals(1600397367L, text("2020-09-17T21:49:27-0500"));
    }

    @Test
    void isoFractions() {
        assertEquals(1600372167L, text("2020-09-17T19:49:27.8Z"));
        assertEquals(1600372167L, text("2020-09-17T19:49:27.859Z"));
        assertEquals(1600372167L, text("2020-09-17T19:49:27.123456Z"));
        assertEquals(1600372167L, text("2020-09-17T21:49:27.123456789+02:00"));
        assertEquals(1600372167L, text("2020-09-17T21:49:27.999+0200"));
    }

    @Test
    void isoWithoutSeconds() {
        assertEquals(1600372140L, text("2020-09-17T19:49Z"));
    }

    @Test
    void adobeFormat() {
        assertEquals(1600372167L, text("2020-09-17T21:49:27:000+0200"));
        assertEquals(1600372167L, text("2020-09-17T19:49:27:999Z"));
        assertEquals(1600372167L, text("2020-09-17T21:49:27:000+02:00"));
    }

    @Test
    void localDateTimeIsUtc() {
        assertEquals(1600372167L, text("2020-09-17T19:49:27"));
        assertEquals(1600372167L, text("2020-09-17T19:49:27.5"));
        assertEquals(1709208000L, text("2024-02-29T12:00:00"));
    }

    @Test
    void epochNumbers() {
        assertEquals(1700000000L, EventTimeParser.toEpochSeconds(F.numberNode(1700000000000L), "t"));
        assertEquals(1700000000L, EventTimeParser.toEpochSeconds(F.numberNode(1700000000), "t"));
        assertEquals(1700000000L, EventTimeParser.toEpochSeconds(F.numberNode(1700000000.5), "t"));
        assertEquals(1700000000L, EventTimeParser.toEpochSeconds(F.numberNode(1700000000999.9), "t"));
        assertEquals(1700000000L, EventTimeParser.toEpochSeconds(F.numberNode(new BigDecimal("1700000000.5")), "t"));
        assertEquals(99999999999L, EventTimeParser.toEpochSeconds(F.numberNode(99999999999L), "t"));
        assertEquals(100000000L, EventTimeParser.toEpochSeconds(F.numberNode(100000000000L), "t"));
    }

    @Test
    void epochFromParsedJson() throws Exception {
        JsonNode n = M.readTree("{\"a\":1700000000000,\"b\":1700000000.5,\"c\":1.7e9}");
        assertEquals(1700000000L, EventTimeParser.toEpochSeconds(n.get("a"), "a"));
        assertEquals(1700000000L, EventTimeParser.toEpochSeconds(n.get("b"), "b"));
        assertEquals(1700000000L, EventTimeParser.toEpochSeconds(n.get("c"), "c"));
    }

    @Test
    void epochStrings() {
        assertEquals(1700000000L, text("1700000000000"));
        assertEquals(1700000000L, text("1700000000"));
        assertEquals(1700000000L, text("1700000000.5"));
        assertEquals(1700000000L, text("1700000000000.25"));
    }

    @Test
    void rejectsWithoutEchoingTheValue() {
        String secret = "jane.doe@example.com";
        EventRejectedException e = assertThrows(EventRejectedException.class, () -> text(secret));
        assertEquals("event_time", e.field());
        assertEquals("event_time: " + EventTimeParser.REASON, e.getMessage());
        assertFalse(e.getMessage().contains(secret));
        assertEquals("not a readable time: expected ISO 8601, yyyy-MM-dd'T'HH:mm:ss:SSSZ, epoch seconds or epoch milliseconds",
                EventTimeParser.REASON);
    }

    @Test
    void rejectsGarbage() {
        for (String s : new String[] {"yesterday", "YYYY-08-09T14:09:20.859Z", "", "  ", "-1700000000",
                "1700000000.", "1.7e9", "2020-09-17", "2020-02-30T00:00:00Z", "2020-09-17T25:00:00Z",
                "2020-09-17T19:49:27+02", "2020-09-17T19:49:27Zjunk", "2020-09-17 19:49:27Z", "1969-12-31T23:59:59Z",
                "2020-09-17T19:49:27:Z", "0x1700000000", "１７００００００００"}) {
            assertThrows(EventRejectedException.class, () -> text(s), s);
        }
        JsonNode[] nodes = {null, F.nullNode(), F.missingNode(), F.booleanNode(true), F.objectNode(), F.arrayNode(),
                F.numberNode(-1), F.numberNode(-0.5), F.numberNode(Double.NaN), F.numberNode(Double.POSITIVE_INFINITY),
                F.numberNode(new BigInteger("123456789012345678901234567890123"))};
        for (JsonNode n : nodes) {
            assertThrows(EventRejectedException.class, () -> EventTimeParser.toEpochSeconds(n, "event_time"), String.valueOf(n));
        }
    }
}
