package io.github.ttforwarder.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ttforwarder.delivery.dedup.DeliveredKeyJournal;
import io.github.ttforwarder.delivery.dedup.WindowedIdempotentRepository;

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

    @Test
    void deliveredKeysSurviveARestartUndeliveredOnesDoNot(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("data/delivered-keys.bin");
        AtomicLong now = new AtomicLong(1_000_000_000L);
        long window = 48 * 3600_000L;
        WindowedIdempotentRepository first = new WindowedIdempotentRepository(window, 100, now::get, journal);
        assertTrue(first.add("PX\nPurchase\ndelivered-1"));
        assertTrue(first.add("PX\nPurchase\ndelivered-2"));
        assertTrue(first.add("PX\nPurchase\nin-flight"), "accepted, never delivered (the process dies first)");
        first.delivered(List.of("PX\nPurchase\ndelivered-1", "PX\nPurchase\ndelivered-2"));
        assertEquals(2 * DeliveredKeyJournal.RECORD, Files.size(journal), "24 bytes per delivered key, nothing else");
        assertFalse(new String(Files.readAllBytes(journal), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("delivered"), "hashes only: no event_id in clear");
        // no close(): a kill -9 does not close files either

        now.addAndGet(60_000);
        WindowedIdempotentRepository second = new WindowedIdempotentRepository(window, 100, now::get, journal);
        assertFalse(second.add("PX\nPurchase\ndelivered-1"), "delivered before the restart: duplicate");
        assertTrue(second.contains("PX\nPurchase\ndelivered-2"));
        assertTrue(second.add("PX\nPurchase\nin-flight"), "not delivered before the crash: sent again, not lost");
        assertTrue(second.add("PX\nAddToCart\ndelivered-1"), "other event name, other key");

        now.addAndGet(window);
        WindowedIdempotentRepository third = new WindowedIdempotentRepository(window, 100, now::get, journal);
        assertTrue(third.add("PX\nPurchase\ndelivered-1"), "outside TikTok's 48 h window: forgotten");
    }

    @Test
    void aTornLastRecordIsIgnoredAndOverwritten(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("keys.bin");
        AtomicLong now = new AtomicLong(5_000_000L);
        WindowedIdempotentRepository first = new WindowedIdempotentRepository(3_600_000L, 100, now::get, journal);
        first.delivered(List.of("a", "b"));
        Files.write(journal, new byte[] {1, 2, 3, 4, 5}, StandardOpenOption.APPEND); // a crash mid-write
        WindowedIdempotentRepository second = new WindowedIdempotentRepository(3_600_000L, 100, now::get, journal);
        assertTrue(second.contains("a"));
        assertTrue(second.contains("b"));
        second.delivered(List.of("c"));
        assertEquals(3 * DeliveredKeyJournal.RECORD, Files.size(journal), "torn bytes cut, new record appended");
        WindowedIdempotentRepository third = new WindowedIdempotentRepository(3_600_000L, 100, now::get, journal);
        assertTrue(third.contains("c"));
    }

    @Test
    void theJournalRotatesAndKeepsTwoGenerations(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("keys.bin");
        AtomicLong now = new AtomicLong(5_000_000L);
        int max = 10;
        WindowedIdempotentRepository repo = new WindowedIdempotentRepository(3_600_000L, max, now::get, journal);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            now.incrementAndGet();
            all.add("k" + i);
            repo.delivered(List.of("k" + i));
        }
        long records = (Files.size(journal) + Files.size(dir.resolve("keys.bin.old"))) / DeliveredKeyJournal.RECORD;
        assertTrue(records <= 2L * max, "at most two generations of max-entries records, was " + records);
        WindowedIdempotentRepository restarted = new WindowedIdempotentRepository(3_600_000L, max, now::get, journal);
        for (String k : all.subList(all.size() - max, all.size())) {
            assertTrue(restarted.contains(k), k + ": the newest max-entries keys are known after the restart");
        }
        assertFalse(restarted.contains("k0"), "older than max-entries: forgotten, as in memory");
        assertEquals(max, restarted.size());
    }
}
