package io.github.ttforwarder.delivery.batching;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Events for one TikTok request: same pixel, {@code event_source} {@code web} and {@code test_event_code}
 * (TikTok Events API 2.0: these are envelope fields, so they must be equal for every {@code data[]} item).
 *
 * <p>Carries the retry state: {@link #attempts()} counts every HTTP request that carried these events
 * (reported in dead letters); {@link #chainAttempts()} and {@link #chainStartMs()} count the current retry
 * chain only (bounded by {@code forwarder.retry.max-attempts} / {@code forwarder.retry.max-elapsed}) and are
 * reset when a batch is split. Not thread-safe: a batch is owned by one thread at a time.
 */
@RegisterForReflection
public class DeliveryBatch {

    private final String pixel;
    private final String testEventCode;
    private final List<BatchItem> items = new ArrayList<>();
    private final long createdMs;
    private int bytes;
    private int attempts;
    private int chainAttempts;
    private long chainStartMs;

    /**
     * @param pixel         pixel name (see {@code PixelRegistry})
     * @param testEventCode the envelope's {@code test_event_code}, null or blank for none
     */
    public DeliveryBatch(String pixel, String testEventCode) {
        this.pixel = pixel;
        this.testEventCode = testEventCode == null || testEventCode.isBlank() ? null : testEventCode;
        this.createdMs = System.currentTimeMillis();
        this.bytes = envelopeOverhead(this.testEventCode);
    }

    /** Upper bound, in bytes, of the envelope around {@code data[]} (pixel codes are short). */
    private static int envelopeOverhead(String testEventCode) {
        return 128 + (testEventCode == null ? 0 : testEventCode.getBytes(StandardCharsets.UTF_8).length * 2 + 24);
    }

    /**
     * @param items events to copy into a new batch
     * @return a batch of the same pixel and test code with these items, inheriting {@link #attempts()} but
     *         starting a new retry chain (used when a batch is split)
     */
    public DeliveryBatch subBatch(List<BatchItem> items) {
        DeliveryBatch b = new DeliveryBatch(pixel, testEventCode);
        items.forEach(b::add);
        b.attempts = attempts;
        return b;
    }

    /** @param item event to append; no size check here (the aggregation strategy checks first). */
    public void add(BatchItem item) {
        if (!items.isEmpty()) {
            bytes += 1; // the comma
        }
        items.add(item);
        bytes += item.json().length;
    }

    /**
     * @param item a candidate event
     * @return the request body size in bytes if it were added (an upper bound)
     */
    public int bytesWith(BatchItem item) {
        return bytes + 1 + item.json().length;
    }

    /** Records one more HTTP attempt (total and in the current retry chain). */
    public void recordAttempt() {
        if (chainAttempts == 0) {
            chainStartMs = System.currentTimeMillis();
        }
        attempts++;
        chainAttempts++;
    }

    /** @return the pixel name. */
    public String pixel() {
        return pixel;
    }

    /** @return the envelope's test_event_code, or null. */
    public String testEventCode() {
        return testEventCode;
    }

    /** @return the events, in request order (index = TikTok's {@code Batch.N}). */
    public List<BatchItem> items() {
        return Collections.unmodifiableList(items);
    }

    /** @return number of events. */
    public int size() {
        return items.size();
    }

    /** @return upper bound of the request body size in bytes. */
    public int bytes() {
        return bytes;
    }

    /** @return creation time, epoch ms (start of the aggregation window). */
    public long createdMs() {
        return createdMs;
    }

    /** @return HTTP requests made so far for these events. */
    public int attempts() {
        return attempts;
    }

    /** @return HTTP requests in the current retry chain. */
    public int chainAttempts() {
        return chainAttempts;
    }

    /** @return epoch ms of the first request of the current retry chain (0 before the first). */
    public long chainStartMs() {
        return chainStartMs;
    }

    /** @return pixel, count, size and attempts; never event contents. */
    @Override
    public String toString() {
        return "DeliveryBatch[pixel=" + pixel + ", events=" + items.size() + ", bytes=" + bytes
                + ", attempts=" + attempts + "]";
    }
}
