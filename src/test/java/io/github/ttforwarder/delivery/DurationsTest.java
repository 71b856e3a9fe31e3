package io.github.ttforwarder.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void acceptedShapes() {
        assertEquals(Duration.ofMillis(5), Durations.parse("k", "5ms"));
        assertEquals(Duration.ofMillis(500), Durations.parse("k", "500ms"));
        assertEquals(Duration.ofSeconds(1), Durations.parse("k", "1s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("k", "10m"));
        assertEquals(Duration.ofHours(48), Durations.parse("k", "48h"));
        assertEquals(Duration.ofDays(2), Durations.parse("k", "2d"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("k", "30"));
        assertEquals(Duration.ofSeconds(1), Durations.parse("k", "PT1S"));
    }

    @Test
    void rejectsGarbageNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parse("forwarder.batch.max-wait", "soon"));
        assertEquals(true, e.getMessage().startsWith("forwarder.batch.max-wait"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("k", "-1s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("k", ""));
    }
}
