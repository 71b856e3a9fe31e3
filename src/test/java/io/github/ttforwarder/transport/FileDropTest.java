package io.github.ttforwarder.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * File drops through the running forwarder: an NDJSON file and a CSV export are forwarded (rules, mapping, hashing,
 * delivery as for HTTP) and moved to {@code .done} once every event is terminal; an unreadable file goes to
 * {@code .error} with a reason file and nothing of it is sent; an event the delivery refuses (unknown pixel) is
 * dead-lettered and its file still counts as done.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
@WithTestResource(FileDropEndpoints.class)
class FileDropTest {

    @Test
    void ndjsonFileIsForwardedThenMovedToDone() throws Exception {
        Path drop = FileDropEndpoints.root.resolve("drop");
        drop(drop, "web-1.ndjson", "{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"nd-1\","
                + "\"user\":{\"email\":\" Jane.Doe@Example.COM \"},\"properties\":{\"currency\":\"USD\",\"value\":19.99}}\n"
                + "\n"
                + "[{\"event\":\"Lead\",\"event_time\":1741945461,\"event_id\":\"nd-2\"},"
                + "{\"event\":\"Lead\",\"event_time\":1741945462,\"event_id\":\"nd-3\"}]\n");
        TikTokFake.Received first = TikTokFake.byEventId("nd-1");
        assertEquals("Purchase", first.event().path("event").asText());
        assertEquals(sha256("jane.doe@example.com"), first.event().path("user").path("email").asText());
        assertEquals("19.99", first.event().path("properties").path("value").asText());
        TikTokFake.byEventId("nd-2");
        TikTokFake.byEventId("nd-3");
        awaitFile(drop.resolve(".done/web-1.ndjson"));
        assertFalse(Files.exists(drop.resolve("web-1.ndjson")));
    }

    @Test
    void csvExportIsMappedForwardedThenMovedToDone() throws Exception {
        Path crm = FileDropEndpoints.root.resolve("crm");
        drop(crm, "orders.csv", "\uFEFFOrder ID;Date;E-Mail;Phone;Total;Store\r\n"
                + "csv-1;2025-03-14T09:44:20Z;Jane.Doe@Example.COM;+1 (415) 555-0123;12.50;\"Berlin; Mitte\"\r\n"
                + "csv-2;1741945460;;;7;\r\n");
        TikTokFake.Received one = TikTokFake.byEventId("csv-1");
        assertEquals("Purchase", one.event().path("event").asText());
        assertEquals(1741945460L, one.event().path("event_time").asLong());
        assertEquals(sha256("jane.doe@example.com"), one.event().path("user").path("email").asText());
        assertEquals(sha256("+14155550123"), one.event().path("user").path("phone").asText());
        assertEquals("EUR", one.event().path("properties").path("currency").asText());
        assertEquals("12.5", one.event().path("properties").path("value").asText());
        TikTokFake.Received two = TikTokFake.byEventId("csv-2");
        assertFalse(two.event().path("user").has("email"));
        awaitFile(crm.resolve(".done/orders.csv"));
    }

    @Test
    void unreadableFileGoesToErrorWithItsReasonAndNothingIsSent() throws Exception {
        Path drop = FileDropEndpoints.root.resolve("drop");
        drop(drop, "broken.ndjson", "{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"bad-1\"}\n"
                + "{\"event\":\"Purchase\",\"event_id\":\"bad-2\",\"user\":{\"email\":jane@example.com}}\n");
        Path reason = drop.resolve(".error/broken.ndjson.reason.txt");
        awaitFile(reason);
        assertTrue(Files.exists(drop.resolve(".error/broken.ndjson")));
        assertFalse(Files.exists(drop.resolve(".done/broken.ndjson")));
        String text = Files.readString(reason);
        assertTrue(text.contains("broken.ndjson could not be read as ndjson (endpoint drop"), text);
        assertTrue(text.contains("line 2: not valid JSON (column"), text);
        assertFalse(text.contains("jane"), "the reason never quotes the content");
        assertEquals(List.of(), TikTokFake.await(r -> r.event().path("event_id").asText().startsWith("bad-"), 1,
                Duration.ofSeconds(2)), "nothing of an unreadable file is sent");

        Path crm = FileDropEndpoints.root.resolve("crm");
        drop(crm, "wrong-export.csv", "Order;Mail\ncsv-9;a@b.c\n");
        Path csvReason = crm.resolve(".error/wrong-export.csv.reason.txt");
        awaitFile(csvReason);
        assertTrue(Files.readString(csvReason).contains("header: no column 'Order ID' for event_id"), Files.readString(csvReason));
    }

    @Test
    void anEventTheDeliveryRefusesIsDeadLetteredAndTheFileIsDone() throws Exception {
        Path drop = FileDropEndpoints.root.resolve("drop");
        drop(drop, "mixed.ndjson", "{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"mx-1\"}\n"
                + "{\"event\":\"Purchase\",\"event_time\":1741945460,\"event_id\":\"mx-2\",\"pixel\":\"no-such-pixel\"}\n");
        TikTokFake.byEventId("mx-1");
        awaitFile(drop.resolve(".done/mixed.ndjson"));
        assertEquals(List.of(), TikTokFake.await(r -> "mx-2".equals(r.event().path("event_id").asText()), 1,
                Duration.ofMillis(500)));
        Path deadLetters = Path.of(io.smallrye.config.SmallRyeConfigProviderResolver.instance().getConfig()
                .getValue("forwarder.dead-letter.dir", String.class));
        try (Stream<Path> files = Files.list(deadLetters)) {
            String all = files.map(FileDropTest::read).reduce("", String::concat);
            assertTrue(all.contains("\"event_id\":\"mx-2\"") && all.contains("no pixel named 'no-such-pixel'"), "mx-2 dead-lettered: " + all);
        }
    }

    /** Writes the file beside the folder, then moves it in (what a batch system should do). */
    private static void drop(Path dir, String name, String content) throws Exception {
        Files.createDirectories(dir);
        Path tmp = dir.getParent().resolve(name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name));
    }

    private static void awaitFile(Path p) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!Files.exists(p) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(p), p + " exists");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
