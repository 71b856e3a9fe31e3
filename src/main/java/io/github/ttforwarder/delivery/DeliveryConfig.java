package io.github.ttforwarder.delivery;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The delivery stage's settings (MicroProfile Config, defaults in the top-level
 * {@code application.properties}), parsed and checked once at start.
 *
 * <p>Durations accept {@code 5ms}, {@code 1s}, {@code 10m}, {@code 48h} (see {@link Durations});
 * all getters return milliseconds unless their name says otherwise. An invalid value fails the start
 * with an {@link IllegalArgumentException} naming the key.
 */
@ApplicationScoped
@Named("deliveryConfig")
public class DeliveryConfig {

    /** TikTok Events API 2.0: one call carries 1 to 1000 events in {@code data[]}. */
    public static final int TIKTOK_MAX_EVENTS = 1000;

    private static final Logger LOG = Logger.getLogger(DeliveryConfig.class);

    @Inject
    @ConfigProperty(name = "tiktok.api.base-url", defaultValue = "https://business-api.tiktok.com")
    String baseUrl;

    @Inject
    @ConfigProperty(name = "forwarder.dry-run.file", defaultValue = "data/dry-run/tiktok-requests.jsonl")
    String dryRunFile;

    @Inject
    @ConfigProperty(name = "forwarder.batch.max-events", defaultValue = "1000")
    int batchMaxEventsRaw;

    @Inject
    @ConfigProperty(name = "forwarder.batch.max-wait", defaultValue = "1s")
    String batchMaxWaitRaw;

    @Inject
    @ConfigProperty(name = "forwarder.batch.max-bytes", defaultValue = "524288")
    int batchMaxBytes;

    @Inject
    @ConfigProperty(name = "forwarder.http.connect-timeout", defaultValue = "5s")
    String connectTimeoutRaw;

    @Inject
    @ConfigProperty(name = "forwarder.http.read-timeout", defaultValue = "30s")
    String readTimeoutRaw;

    @Inject
    @ConfigProperty(name = "forwarder.http.concurrency", defaultValue = "16")
    int httpConcurrency;

    @Inject
    @ConfigProperty(name = "forwarder.backlog.max-events", defaultValue = "50000")
    int backlogMaxEvents;

    @Inject
    @ConfigProperty(name = "forwarder.tiktok.max-requests-per-second", defaultValue = "900")
    double maxRequestsPerSecond;

    @Inject
    @ConfigProperty(name = "forwarder.retry.max-attempts", defaultValue = "8")
    int retryMaxAttempts;

    @Inject
    @ConfigProperty(name = "forwarder.retry.max-elapsed", defaultValue = "10m")
    String retryMaxElapsedRaw;

    @Inject
    @ConfigProperty(name = "forwarder.retry.initial-delay", defaultValue = "1s")
    String retryInitialDelayRaw;

    @Inject
    @ConfigProperty(name = "forwarder.retry.max-delay", defaultValue = "60s")
    String retryMaxDelayRaw;

    @Inject
    @ConfigProperty(name = "forwarder.dead-letter.dir", defaultValue = "data/dead-letters")
    String deadLetterDir;

    @Inject
    @ConfigProperty(name = "forwarder.dedup.window", defaultValue = "48h")
    String dedupWindowRaw;

    @Inject
    @ConfigProperty(name = "forwarder.dedup.max-entries", defaultValue = "1000000")
    int dedupMaxEntries;

    @Inject
    @ConfigProperty(name = "forwarder.dedup.repository", defaultValue = "tiktokDedupRepository")
    String dedupRepository;

    @Inject
    @ConfigProperty(name = "forwarder.dedup.journal")
    java.util.Optional<String> dedupJournal;

    private int batchMaxEvents;
    private Duration batchMaxWait;
    private Duration connectTimeout;
    private Duration readTimeout;
    private Duration retryMaxElapsed;
    private Duration retryInitialDelay;
    private Duration retryMaxDelay;
    private Duration dedupWindow;

    @PostConstruct
    void init() {
        batchMaxEvents = batchMaxEventsRaw;
        if (batchMaxEvents > TIKTOK_MAX_EVENTS) {
            LOG.warnf("forwarder.batch.max-events=%d is above TikTok's limit of %d events per request "
                    + "(TikTok Events API 2.0); using %d", batchMaxEvents, TIKTOK_MAX_EVENTS, TIKTOK_MAX_EVENTS);
            batchMaxEvents = TIKTOK_MAX_EVENTS;
        }
        if (batchMaxEvents < 1) {
            throw new IllegalArgumentException("forwarder.batch.max-events must be 1 to 1000, was " + batchMaxEventsRaw);
        }
        if (batchMaxBytes < 1024) {
            throw new IllegalArgumentException("forwarder.batch.max-bytes must be at least 1024, was " + batchMaxBytes);
        }
        if (retryMaxAttempts < 1) {
            throw new IllegalArgumentException("forwarder.retry.max-attempts must be at least 1, was " + retryMaxAttempts);
        }
        if (httpConcurrency < 1 || backlogMaxEvents < 1 || dedupMaxEntries < 1) {
            throw new IllegalArgumentException("forwarder.http.concurrency, forwarder.backlog.max-events and "
                    + "forwarder.dedup.max-entries must be positive");
        }
        if (!(maxRequestsPerSecond >= 1)) {
            throw new IllegalArgumentException("forwarder.tiktok.max-requests-per-second must be at least 1, was "
                    + maxRequestsPerSecond);
        }
        batchMaxWait = positive("forwarder.batch.max-wait", batchMaxWaitRaw);
        connectTimeout = positive("forwarder.http.connect-timeout", connectTimeoutRaw);
        readTimeout = positive("forwarder.http.read-timeout", readTimeoutRaw);
        retryMaxElapsed = Durations.parse("forwarder.retry.max-elapsed", retryMaxElapsedRaw);
        retryInitialDelay = positive("forwarder.retry.initial-delay", retryInitialDelayRaw);
        retryMaxDelay = positive("forwarder.retry.max-delay", retryMaxDelayRaw);
        dedupWindow = positive("forwarder.dedup.window", dedupWindowRaw);
    }

    private static Duration positive(String key, String raw) {
        Duration d = Durations.parse(key, raw);
        if (d.isZero()) {
            throw new IllegalArgumentException(key + " must be greater than 0");
        }
        return d;
    }

    /** @return the TikTok API base URL without trailing slash ({@code tiktok.api.base-url}). */
    public String baseUrl() {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** @return the Events API 2.0 track URL: {@code {base}/open_api/v1.3/event/track/} (trailing slash kept). */
    public String trackUrl() {
        return baseUrl() + "/open_api/v1.3/event/track/";
    }

    /** @return the dry-run JSON-lines file ({@code forwarder.dry-run.file}). */
    public Path dryRunFile() {
        return Path.of(dryRunFile);
    }

    /** @return events per request, 1..1000 ({@code forwarder.batch.max-events}, clamped to 1000). */
    public int batchMaxEvents() {
        return batchMaxEvents;
    }

    /** @return longest time in ms an event waits in an open batch ({@code forwarder.batch.max-wait}). */
    public long batchMaxWaitMs() {
        return batchMaxWait.toMillis();
    }

    /** @return largest request body in bytes ({@code forwarder.batch.max-bytes}); a single larger event is sent alone. */
    public int batchMaxBytes() {
        return batchMaxBytes;
    }

    /** @return TCP connect timeout in ms ({@code forwarder.http.connect-timeout}). */
    public long connectTimeoutMs() {
        return connectTimeout.toMillis();
    }

    /** @return response (read) timeout in ms ({@code forwarder.http.read-timeout}). */
    public long readTimeoutMs() {
        return readTimeout.toMillis();
    }

    /** @return TikTok requests in flight at most, per process: the sender threads ({@code forwarder.http.concurrency}). */
    public int httpConcurrency() {
        return httpConcurrency;
    }

    /**
     * @return events held in memory (accepted, not yet delivered or dead-lettered) from which ingest answers 503
     *         and the Kafka consumer waits ({@code forwarder.backlog.max-events})
     */
    public int backlogMaxEvents() {
        return backlogMaxEvents;
    }

    /** @return most TikTok requests per second per access token ({@code forwarder.tiktok.max-requests-per-second}; TikTok allows 1,000). */
    public double maxRequestsPerSecond() {
        return maxRequestsPerSecond;
    }

    /** @return HTTP attempts per batch before it is dead-lettered ({@code forwarder.retry.max-attempts}). */
    public int retryMaxAttempts() {
        return retryMaxAttempts;
    }

    /** @return ms after the first attempt after which no retry is scheduled ({@code forwarder.retry.max-elapsed}). */
    public long retryMaxElapsedMs() {
        return retryMaxElapsed.toMillis();
    }

    /** @return first retry delay in ms, doubled per attempt ({@code forwarder.retry.initial-delay}). */
    public long retryInitialDelayMs() {
        return retryInitialDelay.toMillis();
    }

    /** @return cap of the exponential backoff in ms, not of Retry-After ({@code forwarder.retry.max-delay}). */
    public long retryMaxDelayMs() {
        return retryMaxDelay.toMillis();
    }

    /** @return the dead-letter folder ({@code forwarder.dead-letter.dir}). */
    public Path deadLetterDir() {
        return Path.of(deadLetterDir);
    }

    /** @return local dedup window in ms ({@code forwarder.dedup.window}; TikTok Events API 2.0 dedups for 48 h). */
    public long dedupWindowMs() {
        return dedupWindow.toMillis();
    }

    /** @return most event ids the local dedup store keeps ({@code forwarder.dedup.max-entries}). */
    public int dedupMaxEntries() {
        return dedupMaxEntries;
    }

    /**
     * @return the journal of delivered dedup keys read back at start ({@code forwarder.dedup.journal}; empty = off,
     *         keys are then forgotten at a restart)
     */
    public java.util.Optional<Path> dedupJournal() {
        return dedupJournal.filter(s -> !s.isBlank()).map(Path::of);
    }

    /** @return bean name of the {@code IdempotentRepository} used for dedup ({@code forwarder.dedup.repository}). */
    public String dedupRepository() {
        return dedupRepository;
    }
}
