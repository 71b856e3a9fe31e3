package io.github.ttforwarder.delivery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;

/**
 * The default local dedup store for the Idempotent Consumer on {@code direct:tiktok-deliver}: an in-memory,
 * time-windowed, size-bounded set of dedup keys (pixel code + {@code event} + {@code event_id}, the key of
 * TikTok Events API 2.0 deduplication, §7).
 *
 * <p>Rules: a key is forgotten {@code forwarder.dedup.window} (default 48 h, TikTok's window) after it was
 * added; when more than {@code forwarder.dedup.max-entries} keys are held the oldest are forgotten first.
 * Keys are kept as 128-bit SHA-256 prefixes (about 100 bytes per entry on the heap, so the default
 * 1,000,000 entries take about 100 MB at most). Not persistent: a restart forgets all keys. Thread-safe.
 *
 * <p>Replaceable: the route looks the repository up by the bean name in {@code forwarder.dedup.repository}
 * (default {@code tiktokDedupRepository}), so a Kafka or JDBC backed {@link IdempotentRepository} can be
 * swapped in without touching the route.
 */
@ApplicationScoped
@Named("tiktokDedupRepository")
public class WindowedIdempotentRepository implements IdempotentRepository {

    private record Key(long hi, long lo) {
    }

    private final LinkedHashMap<Key, Long> addedAt = new LinkedHashMap<>();
    private long windowMs;
    private int maxEntries;
    private LongSupplier clock = System::currentTimeMillis;

    /** CDI constructor. */
    public WindowedIdempotentRepository() {
    }

    @Inject
    WindowedIdempotentRepository(DeliveryConfig config) {
        this(config.dedupWindowMs(), config.dedupMaxEntries(), System::currentTimeMillis);
    }

    /**
     * For tests and tools.
     *
     * @param windowMs   how long a key is remembered, in ms
     * @param maxEntries most keys held
     * @param clock      epoch-ms clock
     */
    public WindowedIdempotentRepository(long windowMs, int maxEntries, LongSupplier clock) {
        this.windowMs = windowMs;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    private static Key key(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.wrap(d);
            return new Key(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void evict(long now) {
        Iterator<Map.Entry<Key, Long>> it = addedAt.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Long> e = it.next();
            if (addedAt.size() > maxEntries || now - e.getValue() >= windowMs) {
                it.remove();
            } else {
                break; // insertion order = time order: the rest is younger
            }
        }
    }

    /**
     * @param key the dedup key
     * @return true when the key was not held (and is now recorded), false for a duplicate within the window
     */
    @Override
    public synchronized boolean add(String key) {
        long now = clock.getAsLong();
        evict(now);
        Key k = key(key);
        Long at = addedAt.get(k);
        if (at != null && now - at < windowMs) {
            return false;
        }
        addedAt.remove(k);
        addedAt.put(k, now);
        evict(now);
        return true;
    }

    /** @return true when the key is held and younger than the window. */
    @Override
    public synchronized boolean contains(String key) {
        Long at = addedAt.get(key(key));
        return at != null && clock.getAsLong() - at < windowMs;
    }

    /** Forgets a key (called when its event is dead-lettered, so a replay is not taken for a duplicate). */
    @Override
    public synchronized boolean remove(String key) {
        return addedAt.remove(key(key)) != null;
    }

    /** No-op: keys are recorded eagerly by {@link #add(String)}. */
    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Forgets all keys. */
    @Override
    public synchronized void clear() {
        addedAt.clear();
    }

    /** @return keys currently held (some may have expired but not yet been evicted). */
    public synchronized int size() {
        return addedAt.size();
    }

    /** No-op (in memory). */
    @Override
    public void start() {
        // nothing to start: in memory
    }

    /** No-op (in memory; keys are kept until the bean is destroyed). */
    @Override
    public void stop() {
        // nothing to stop: in memory
    }
}
