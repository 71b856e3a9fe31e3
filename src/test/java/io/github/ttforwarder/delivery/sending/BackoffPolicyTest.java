package io.github.ttforwarder.delivery.sending;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Exponential backoff with jitter and Retry-After (RFC 9110 §10.2.3). */
class BackoffPolicyTest {

    @Test
    void exponentialWithEqualJitterCappedByMaxDelay() {
        for (int i = 0; i < 200; i++) {
            long d1 = BackoffPolicy.delayMs(1, -1, 1000, 60000);
            assertTrue(d1 >= 500 && d1 <= 1000, "attempt 1: " + d1);
            long d3 = BackoffPolicy.delayMs(3, -1, 1000, 60000);
            assertTrue(d3 >= 2000 && d3 <= 4000, "attempt 3: " + d3);
            long d20 = BackoffPolicy.delayMs(20, -1, 1000, 60000);
            assertTrue(d20 >= 30000 && d20 <= 60000, "attempt 20: " + d20);
        }
    }

    @Test
    void retryAfterIsAFloor() {
        assertEquals(120_000, BackoffPolicy.delayMs(1, 120_000, 1000, 60000));
    }

    @Test
    void parsesRetryAfterSecondsAndHttpDate() {
        Instant now = Instant.parse("2026-11-29T10:00:00Z");
        assertEquals(5000, BackoffPolicy.parseRetryAfter("5", now));
        assertEquals(30_000, BackoffPolicy.parseRetryAfter("Sun, 29 Nov 2026 10:00:30 GMT", now));
        assertEquals(0, BackoffPolicy.parseRetryAfter("Sun, 29 Nov 2026 09:00:00 GMT", now));
        assertEquals(-1, BackoffPolicy.parseRetryAfter(null, now));
        assertEquals(-1, BackoffPolicy.parseRetryAfter("soon", now));
    }
}
