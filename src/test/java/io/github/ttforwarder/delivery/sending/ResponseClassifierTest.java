package io.github.ttforwarder.delivery.sending;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.SocketTimeoutException;
import java.net.ConnectException;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.ttforwarder.delivery.sending.DeliveryOutcome.Kind;

/** TikTok Events API 2.0 §6 response codes → what the forwarder does. */
class ResponseClassifierTest {

    private final ResponseClassifier classifier = new ResponseClassifier();

    private DeliveryOutcome code(int code) {
        return classifier.classify(200, "{\"code\":" + code + ",\"message\":\"m\",\"request_id\":\"r\"}", null, -1);
    }

    @Test
    void tiktokCodes() {
        assertEquals(Kind.DELIVERED, code(0).kind());
        assertEquals(Kind.PARTIAL, code(20001).kind());
        for (int c : new int[] {40100, 50000, 50002, 51000, 51234, 52999, 60001}) {
            assertEquals(Kind.RETRY, code(c).kind(), "code " + c);
        }
        assertEquals(Kind.INVALID_EVENTS, code(40002).kind());
        assertEquals(Kind.SPLIT, code(40061).kind());
        for (int c : new int[] {40102, 40104, 40105, 40101}) {
            assertEquals(Kind.TOKEN_REJECTED, code(c).kind(), "code " + c);
        }
        for (int c : new int[] {40001, 40062, 40063, 40000, 40300, 12345}) {
            assertEquals(Kind.REJECTED, code(c).kind(), "code " + c);
        }
        DeliveryOutcome o = code(40105);
        assertEquals("40105", o.code());
        assertEquals("m", o.message());
        assertEquals("r", o.requestId());
    }

    @Test
    void batchIndexesAreReadFrom40002() {
        DeliveryOutcome o = classifier.classify(200, "{\"code\":40002,\"message\":\"Batch.537.properties.contents.0."
                + "content_id: Not a valid string; Batch.12.event_id: Not a valid string\",\"request_id\":\"r\"}", null, -1);
        assertEquals(Kind.INVALID_EVENTS, o.kind());
        assertEquals(List.of(537, 12), o.badIndexes());
        assertEquals(List.of(), ResponseClassifier.badIndexes("event_time: Missing data for required field."));
    }

    @Test
    void transportFailuresAndHtmlBodiesAreRetried() {
        String html = "<html><body>502 Bad Gateway</body></html>";
        DeliveryOutcome o = classifier.classify(502, html, null, 3000);
        assertEquals(Kind.RETRY, o.kind());
        assertEquals("http-502", o.code());
        assertEquals(3000, o.retryAfterMs());
        assertEquals(Kind.RETRY, classifier.classify(500, html, null, -1).kind());
        assertEquals(Kind.RETRY, classifier.classify(429, "", null, -1).kind());
        assertEquals(Kind.RETRY, classifier.classify(503, null, null, -1).kind());
        assertEquals("unreadable-response", classifier.classify(200, html, null, -1).code());
        assertEquals("timeout", classifier.classify(0, null, new SocketTimeoutException("Read timed out"), -1).code());
        assertEquals("io-error", classifier.classify(0, null, new ConnectException("refused"), -1).code());
        assertEquals(Kind.RETRY, classifier.classify(0, null, new ConnectException("refused"), -1).kind());
    }

    @Test
    void other4xxArePermanent() {
        assertEquals(Kind.REJECTED, classifier.classify(404, "<html>not found</html>", null, -1).kind());
        assertEquals(Kind.TOKEN_REJECTED,
                classifier.classify(401, "{\"code\":40105,\"message\":\"bad token\"}", null, -1).kind());
    }
}
