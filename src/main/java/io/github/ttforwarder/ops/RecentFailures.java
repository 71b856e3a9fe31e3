package io.github.ttforwarder.ops;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The last {@code capacity} delivery failures (newest first) for the status page: TikTok's code, message and
 * request_id, the pixel, how many events and what the forwarder did. Never holds a token or event content.
 * Thread-safe.
 */
public final class RecentFailures {

    /**
     * One failure.
     *
     * @param time      when (UTC)
     * @param pixel     pixel name
     * @param code      TikTok's code, {@code http-NNN}, {@code timeout}, {@code io-error}, or the forwarder's reason code
     * @param message   TikTok's message or the forwarder's reason
     * @param requestId TikTok's request_id, or null
     * @param events    events concerned
     * @param action    {@code retry}, {@code dead-lettered}, {@code split}, ...
     */
    @RegisterForReflection
    public record Failure(Instant time, String pixel, String code, String message, String requestId, int events,
            String action) {
    }

    private final int capacity;
    private final Deque<Failure> failures = new ArrayDeque<>();

    /** @param capacity failures kept */
    public RecentFailures(int capacity) {
        this.capacity = capacity;
    }

    /** @param f a failure to keep (the oldest is dropped beyond the capacity) */
    public synchronized void add(Failure f) {
        failures.addFirst(f);
        while (failures.size() > capacity) {
            failures.removeLast();
        }
    }

    /** @return the failures, newest first. */
    public synchronized List<Failure> list() {
        return new ArrayList<>(failures);
    }
}
