package bench.fake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the fake TikTok. Thread-safe and cheap: LongAdders for counts, a striped
 * primitive open-addressing set of 64-bit hashes for distinct event_ids.
 */
final class Stats {
    static final JsonFactory JSON = new JsonFactory();

    final LongAdder requests = new LongAdder();
    final LongAdder events = new LongAdder();
    final LongAdder badRequests = new LongAdder();
    final LongAdder missingToken = new LongAdder();
    final LongAdder eventsWithoutId = new LongAdder();
    final LongAdder duplicateIds = new LongAdder();
    final AtomicLong maxBatch = new AtomicLong();
    final AtomicLong firstAtMs = new AtomicLong();
    final AtomicLong lastAtMs = new AtomicLong();
    // "sink" counters: POSTs on any other path (used only to measure the load generator itself)
    final LongAdder ingestRequests = new LongAdder();
    final LongAdder ingestEvents = new LongAdder();
    final AtomicLong ingestFirstAtMs = new AtomicLong();
    final AtomicLong ingestLastAtMs = new AtomicLong();
    final AtomicLong seq = new AtomicLong();

    final boolean trackIds;
    private final LongSet[] stripes = new LongSet[16];

    Stats(boolean trackIds) {
        this.trackIds = trackIds;
        for (int i = 0; i < stripes.length; i++) stripes[i] = new LongSet();
    }

    void reset() {
        requests.reset(); events.reset(); badRequests.reset(); missingToken.reset();
        eventsWithoutId.reset(); duplicateIds.reset(); maxBatch.set(0);
        firstAtMs.set(0); lastAtMs.set(0);
        ingestRequests.reset(); ingestEvents.reset(); ingestFirstAtMs.set(0); ingestLastAtMs.set(0);
        for (LongSet s : stripes) s.clear();
    }

    long distinct() {
        long n = 0;
        for (LongSet s : stripes) n += s.size();
        return n;
    }

    String json() {
        return "{\"requests\":" + requests.sum()
                + ",\"events\":" + events.sum()
                + ",\"distinct_event_ids\":" + (trackIds ? distinct() : -1)
                + ",\"duplicate_event_ids\":" + (trackIds ? duplicateIds.sum() : -1)
                + ",\"events_without_id\":" + eventsWithoutId.sum()
                + ",\"max_batch\":" + maxBatch.get()
                + ",\"bad_requests\":" + badRequests.sum()
                + ",\"missing_token\":" + missingToken.sum()
                + ",\"first_at_ms\":" + firstAtMs.get()
                + ",\"last_at_ms\":" + lastAtMs.get()
                + ",\"ingest_requests\":" + ingestRequests.sum()
                + ",\"ingest_events\":" + ingestEvents.sum()
                + ",\"ingest_first_at_ms\":" + ingestFirstAtMs.get()
                + ",\"ingest_last_at_ms\":" + ingestLastAtMs.get()
                + ",\"now_ms\":" + System.currentTimeMillis()
                + "}";
    }

    private static void stamp(AtomicLong first, AtomicLong last) {
        long now = System.currentTimeMillis();
        if (first.get() == 0) first.compareAndSet(0, now);
        last.set(now);
    }

    /** Counts one Events API request body. Returns the number of events, or -1 if unparsable. */
    int trackRequest(byte[] buf, int off, int len, boolean hasToken) {
        int n;
        try {
            n = scanTrack(buf, off, len);
        } catch (Exception e) {
            n = -1;
        }
        requests.increment();
        if (!hasToken) missingToken.increment();
        if (n < 0) {
            badRequests.increment();
        } else {
            events.add(n);
            long m;
            while (n > (m = maxBatch.get()) && !maxBatch.compareAndSet(m, n)) { /* retry */ }
        }
        stamp(firstAtMs, lastAtMs);
        return n;
    }

    /** Streams the body: counts data[] items; hashes each item's top-level event_id. No tree binding. */
    private int scanTrack(byte[] buf, int off, int len) throws Exception {
        int count = 0;
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return -1;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("data".equals(name) && v == JsonToken.START_ARRAY) {
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        count++;
                        if (t == JsonToken.START_OBJECT) {
                            boolean sawId = false;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                boolean isId = "event_id".equals(p.currentName());
                                JsonToken fv = p.nextToken();
                                if (isId && fv == JsonToken.VALUE_STRING) {
                                    sawId = true;
                                    if (trackIds) addId(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                                } else if (fv == JsonToken.START_OBJECT || fv == JsonToken.START_ARRAY) {
                                    p.skipChildren();
                                }
                            }
                            if (!sawId) eventsWithoutId.increment();
                        } else if (t == JsonToken.START_ARRAY) {
                            p.skipChildren();
                        }
                    }
                } else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
            }
            return t == JsonToken.END_OBJECT ? count : -1;
        }
    }

    private void addId(char[] c, int off, int len) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (int i = off, e = off + len; i < e; i++) {
            h ^= c[i];
            h *= 0x100000001b3L;
        }
        h ^= (h >>> 29); h *= 0xbf58476d1ce4e5b9L; h ^= (h >>> 32); // mix
        LongSet s = stripes[(int) (h >>> 60)];
        boolean added;
        synchronized (s) {
            added = s.add(h);
        }
        if (!added) duplicateIds.increment();
    }

    /** Counts a POST on any other path (sink mode): events[] length if present, else 1. */
    int ingestRequest(byte[] buf, int off, int len) {
        int n = 1;
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("events".equals(name) && v == JsonToken.START_ARRAY) {
                        n = 0;
                        JsonToken t;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            n++;
                            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) p.skipChildren();
                        }
                    } else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                        p.skipChildren();
                    }
                }
            }
        } catch (Exception e) {
            // body not JSON: count the request as one event
        }
        ingestRequests.increment();
        ingestEvents.add(n);
        stamp(ingestFirstAtMs, ingestLastAtMs);
        return n;
    }

    String okBody() {
        return "{\"code\":0,\"message\":\"OK\",\"request_id\":\"" + seq.incrementAndGet() + "\",\"data\":{}}";
    }

    /** Open-addressing set of non-zero longs (0 is remapped). Not thread-safe; callers lock. */
    static final class LongSet {
        private long[] table = new long[1 << 12];
        private int size;

        int size() { return size; }

        void clear() {
            synchronized (this) { table = new long[1 << 12]; size = 0; }
        }

        boolean add(long h) {
            if (h == 0) h = 1;
            if (size * 2 >= table.length) grow();
            int mask = table.length - 1;
            int i = (int) (h ^ (h >>> 32)) & mask;
            while (true) {
                long v = table[i];
                if (v == 0) { table[i] = h; size++; return true; }
                if (v == h) return false;
                i = (i + 1) & mask;
            }
        }

        private void grow() {
            long[] old = table;
            table = new long[old.length * 2];
            size = 0;
            for (long v : old) if (v != 0) add(v);
        }
    }
}
