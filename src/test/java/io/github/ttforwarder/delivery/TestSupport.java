package io.github.ttforwarder.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Test helpers: events, polling, JSON files. */
final class TestSupport {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String TRACK_PATH = "/open_api/v1.3/event/track/";

    private TestSupport() {
    }

    /** @return a finished, hashed TikTok data[] item with a fresh event_id. */
    static ObjectNode event(String name) {
        return event(name, UUID.randomUUID().toString());
    }

    /** @return a finished, hashed TikTok data[] item. */
    static ObjectNode event(String name, String eventId) {
        ObjectNode e = MAPPER.createObjectNode();
        e.put("event", name);
        e.put("event_time", 1764460800L);
        e.put("event_id", eventId);
        ObjectNode user = e.putObject("user");
        user.put("email", "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b");
        user.put("ip", "203.0.113.5");
        user.put("user_agent", "Mozilla/5.0 (X11; Linux x86_64)");
        e.putObject("page").put("url", "https://shop.example/checkout");
        ObjectNode props = e.putObject("properties");
        props.put("currency", "EUR");
        props.put("value", 19.99);
        props.put("content_type", "product");
        ObjectNode c = props.putArray("contents").addObject();
        c.put("content_id", "sku-1");
        c.put("price", 19.99);
        c.put("quantity", 1);
        return e;
    }

    /** Polls until the condition holds, failing after the timeout. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** @return the node as it reads back from JSON text (number node types normalised for equals). */
    static JsonNode norm(JsonNode n) {
        return json(n.toString());
    }

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return all JSON lines of the files in a folder matching the glob (empty when absent). */
    static List<JsonNode> jsonLines(Path dir, String glob) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        out.add(json(line));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Sleeps briefly (only used to let a batch window pass before asserting that nothing more was sent). */
    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
