package io.github.ttforwarder.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class WindowedIdempotentRepositoryTest {

    @Test
    void duplicatesWithinTheWindowOnlyAndRemovable() {
        AtomicLong now = new AtomicLong(1_000_000);
        WindowedIdempotentRepository repo = new WindowedIdempotentRepository(48 * 3600_000L, 100, now::get);
        assertTrue(repo.add("PX\nPurchase\nid-1"));
        assertFalse(repo.add("PX\nPurchase\nid-1"), "duplicate");
        assertTrue(repo.add("PX\nAddToCart\nid-1"), "other event name is another key");
        now.addAndGet(48 * 3600_000L - 1);
        assertFalse(repo.add("PX\nPurchase\nid-1"), "still inside 48 h");
        now.addAndGet(1);
        assertTrue(repo.add("PX\nPurchase\nid-1"), "window over");
        assertTrue(repo.remove("PX\nPurchase\nid-1"));
        assertTrue(repo.add("PX\nPurchase\nid-1"), "removed after a dead letter: a replay passes");
    }

    @Test
    void boundedByMaxEntriesOldestFirst() {
        AtomicLong now = new AtomicLong(0);
        WindowedIdempotentRepository repo = new WindowedIdempotentRepository(1_000_000, 3, now::get);
        for (int i = 0; i < 5; i++) {
            now.incrementAndGet();
            assertTrue(repo.add("k" + i));
        }
        assertEquals(3, repo.size());
        assertFalse(repo.contains("k0"));
        assertFalse(repo.contains("k1"));
        assertTrue(repo.contains("k4"));
    }
}
