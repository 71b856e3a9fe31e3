package io.github.ttforwarder.security;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Token buckets (Bucket4j) per client key, held in a bounded Caffeine cache (a client idle for {@code idleExpiry} is
 * forgotten; at most {@code maxClients} buckets are held, the least recently used dropped first). Each client may send
 * {@code burst} requests at once and {@code perSecond} requests per second on average. Thread-safe.
 */
public final class RateLimiter {

    private final long perSecond;
    private final long burst;
    private final Cache<String, Bucket> buckets;

    /**
     * @param perSecond  sustained requests per second per client; 0 disables the limit
     * @param burst      bucket capacity (at least 1 when enabled)
     * @param maxClients most clients tracked at once
     * @param idleExpiry how long an unused bucket is kept (a full refill needs at most {@code burst / perSecond} s)
     */
    public RateLimiter(long perSecond, long burst, long maxClients, Duration idleExpiry) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.buckets = Caffeine.newBuilder().maximumSize(maxClients).expireAfterAccess(idleExpiry).build();
    }

    /** @return false when the limit is disabled ({@code perSecond = 0}) */
    public boolean enabled() {
        return perSecond > 0;
    }

    /**
     * Takes one token for a client.
     *
     * @param client the client's key (source name, IP address or IPv6 /64 prefix)
     * @return 0 when allowed, else the whole seconds to wait before the next request (at least 1, for Retry-After)
     */
    public long acquire(String client) {
        if (perSecond <= 0) {
            return 0;
        }
        Bucket bucket = buckets.get(client, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil(probe.getNanosToWaitForRefill() / (double) TimeUnit.SECONDS.toNanos(1)));
    }
}
