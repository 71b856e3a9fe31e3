package io.github.ttforwarder.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.delivery.batching.BatchItem;
import io.github.ttforwarder.delivery.batching.DeliveryBatch;
import io.github.ttforwarder.delivery.dedup.DeliveredKeys;
import io.github.ttforwarder.delivery.sending.TikTokRequestFactory;

/**
 * Dry run (a pixel without access token): does everything but the HTTP call. Appends the exact request body
 * it would have sent (TikTok Events API 2.0 envelope) as ONE JSON line to {@code forwarder.dry-run.file}
 * (default {@code data/dry-run/tiktok-requests.jsonl}, parent folders created), and logs one INFO line per
 * event: event name, event_id, pixel name and code. No token exists to log; user data is not logged.
 * Appends are serialised (thread-safe) and each line is written with a single write call.
 */
@ApplicationScoped
@Named("dryRunWriter")
public class DryRunWriter {

    private static final Logger LOG = Logger.getLogger(DryRunWriter.class);

    @Inject
    DeliveryConfig config;

    @Inject
    TikTokRequestFactory requests;

    @Inject
    PixelRegistry pixels;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    DeliveredKeys deliveredKeys;

    /**
     * @param batch the batch to "send"
     * @throws UncheckedIOException when the file cannot be written (the caller's error handling applies)
     */
    public void write(DeliveryBatch batch) {
        byte[] body = requests.body(batch);
        append(config.dryRunFile(), body);
        String code = pixels.find(batch.pixel()).map(Pixel::code).filter(c -> !c.isBlank()).orElse("no pixel code set");
        for (BatchItem item : batch.items()) {
            LOG.infof("Dry run (no access token): would send event %s event_id %s to pixel %s (%s)",
                    item.eventName(), item.eventId() == null ? "(none)" : item.eventId(), batch.pixel(), code);
        }
        metrics.delivered(batch.pixel(), "dry_run", batch.size());
        deliveredKeys.dryRunWritten(batch.items());
    }

    private static synchronized void append(Path file, byte[] line) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dry-run file " + file, e);
        }
    }
}
