package io.github.ttforwarder.delivery.dedup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;
import org.jboss.logging.Logger;

import io.github.ttforwarder.delivery.DeliveryConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * The default local dedup store for the Idempotent Consumer on {@code direct:tiktok-deliver}: an in-memory,
 * time-windowed, size-bounded set of dedup keys (pixel code + {@code event} + {@code event_id}, the key of
 * TikTok Events API 2.0 deduplication, §7).
 *
 * <p>Rules: a key is forgotten {@code forwarder.dedup.window} (default 48 h, TikTok's window) after it was
 * added; when more than {@code forwarder.dedup.max-entries} keys are held the oldest are forgotten first.
 * Keys are kept as 128-bit SHA-256 prefixes (about 100 bytes per entry on the heap, so the default
 * 1,000,000 entries take about 100 MB at most). Thread-safe.
 *
 * <p>Across restarts: keys of events TikTok ACCEPTED are also appended to a journal ({@link DeliveredKeyJournal},
 * {@code forwarder.dedup.journal}, default {@code data/delivered-keys.bin}) and read back at start, so an event
 * redelivered after a stop or a {@code kill -9} (an unacknowledged bus message, a re-read file, a client's retry)
 * is {@code deduplicated}, not sent twice. Keys of events still in flight are in memory only: after a crash those
 * events are sent again (same {@code event_id}: TikTok drops the repeat within 48 h).
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

    private static final Logger LOG = Logger.getLogger(WindowedIdempotentRepository.class);

    private final LinkedHashMap<Key, Long> addedAt = new LinkedHashMap<>();
    private long windowMs;
    private int maxEntries;
    private LongSupplier clock = System::currentTimeMillis;
    private DeliveredKeyJournal journal;
    private boolean loaded;

    /** CDI constructor. */
    public WindowedIdempotentRepository() {
    }

    @Inject
    WindowedIdempotentRepository(DeliveryConfig config) {
        this(config.dedupWindowMs(), config.dedupMaxEntries(), System::currentTimeMillis);
        config.dedupJournal().ifPresent(f -> journal = new DeliveredKeyJournal(f, config.dedupMaxEntries(), clock));
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

    /**
     * For tests and tools: a store that journals delivered keys to {@code journalFile} and reads it back on first use.
     *
     * @param windowMs    how long a key is remembered, in ms
     * @param maxEntries  most keys held (and records per journal generation)
     * @param clock       epoch-ms clock
     * @param journalFile the journal ({@link DeliveredKeyJournal})
     */
    public WindowedIdempotentRepository(long windowMs, int maxEntries, LongSupplier clock, Path journalFile) {
        this(windowMs, maxEntries, clock);
        this.journal = new DeliveredKeyJournal(journalFile, maxEntries, clock);
    }

    /** Reads the journal before the first event arrives (also done lazily on first use). */
    void onStart(@Observes @Priority(10) StartupEvent ev) {
        load();
    }

    /** Reads the journal once: keys delivered within the window become known again. */
    private synchronized void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        if (journal == null) {
            return;
        }
        long now = clock.getAsLong();
        try {
            long kept = journal.load(now - windowMs, (at, hi, lo) -> {
                Key k = new Key(hi, lo);
                addedAt.remove(k);
                addedAt.put(k, at);
            });
            evict(now);
            if (kept > 0) {
                LOG.infof("Local dedup: %d delivered event key(s) of the last %d h read back from %s", kept,
                        windowMs / 3_600_000, journal.file());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("forwarder.dedup.journal: cannot read or create " + journal.file() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Records keys of events TikTok accepted (or the dry run wrote): held in memory and appended to the journal so
     * they survive a restart. A failed write is logged (a possible repeat after a restart, never a loss).
     *
     * @param keys dedup keys (pixel code, event, event_id)
     */
    public void delivered(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        long[] hashes = new long[keys.size() * 2];
        int n = 0;
        for (String key : keys) {
            Key k = key(key);
            hashes[2 * n] = k.hi();
            hashes[2 * n + 1] = k.lo();
            n++;
        }
        synchronized (this) {
            load();
            long now = clock.getAsLong();
            for (int i = 0; i < n; i++) {
                Key k = new Key(hashes[2 * i], hashes[2 * i + 1]);
                if (!addedAt.containsKey(k)) {
                    addedAt.put(k, now);
                }
            }
            evict(now);
            if (journal != null) {
                try {
                    journal.append(hashes, n);
                } catch (IOException e) {
                    LOG.warnf("Local dedup: could not journal %d delivered key(s) to %s: %s", n, journal.file(),
                            e.getMessage());
                }
            }
        }
    }

    /** Closes the journal. */
    @PreDestroy
    synchronized void closeJournal() {
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.debugf("closing %s: %s", journal.file(), e.getMessage());
            }
        }
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
        load();
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
        load();
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

    /** Forgets all keys held in memory (the journal is kept). */
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
