package io.github.ttforwarder.websdk;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The Web SDK's {@code requestId}s seen lately (a bounded Caffeine cache: {@code forwarder.websdk.request-id-cache.*}),
 * so that the SDK's own retries (same {@code requestId}, same body) forward nothing twice and get the same answer.
 *
 * <p>Per key: whether the request's events were already handed to the rules, and its answer once that answer is
 * final (any status except 429 and 5xx, which the SDK retries). A repeat of a request still being processed waits
 * for it (up to {@code wait}); a repeat of a request whose answer was not final is processed again, without its
 * events when they were already forwarded (e.g. the relay to Adobe failed after the events went out).
 */
final class RequestIdCache {

    /** A stored answer: status, response headers (values are strings or lists of strings) and body. */
    record Answer(int status, Map<String, Object> headers, byte[] body) {
    }

    /** One request's slot. */
    static final class Entry {
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile Answer answer;
        private volatile boolean forwarded;
    }

    /**
     * The result of {@link #claim}: either an answer to replay, or the caller's own entry to complete.
     *
     * @param replay           the final answer of an earlier attempt, or null
     * @param entry            the caller's entry (null when replaying)
     * @param alreadyForwarded the events of this requestId were handed to the rules before
     */
    record Claim(Answer replay, Entry entry, boolean alreadyForwarded) {
    }

    private final ConcurrentMap<String, Entry> entries;
    private final Duration wait;

    RequestIdCache(long maxEntries, Duration ttl, Duration wait) {
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).<String, Entry>build().asMap();
        this.wait = wait;
    }

    /** Claims a key: the first attempt gets a fresh entry; a repeat gets the earlier final answer or takes over. */
    Claim claim(String key) {
        Entry mine = new Entry();
        Entry prior = entries.putIfAbsent(key, mine);
        if (prior == null) {
            return new Claim(null, mine, false);
        }
        boolean finished;
        try {
            finished = prior.done.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (finished && prior.answer != null) {
            return new Claim(prior.answer, null, true);
        }
        // not final (or still running): process again, but never forward its events twice
        boolean forwarded = prior.forwarded || !finished;
        mine.forwarded = forwarded;
        entries.put(key, mine);
        return new Claim(null, mine, forwarded);
    }

    /**
     * Completes an entry.
     *
     * @param answer    the final answer to replay to repeats, or null when the answer is one the SDK retries
     * @param forwarded the request's events were handed to the rules
     */
    static void complete(Entry entry, Answer answer, boolean forwarded) {
        entry.forwarded |= forwarded;
        entry.answer = answer;
        entry.done.countDown();
    }

    /** @return true for answers a client should not repeat: anything but 429 and 5xx. */
    static boolean isFinal(int status) {
        return status != 429 && status < 500;
    }

    /** @return a copy of header values safe to keep (lists copied). */
    static Object copy(Object value) {
        return value instanceof List<?> l ? List.copyOf(l) : value;
    }
}
