package io.github.ttforwarder.delivery;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import io.github.ttforwarder.model.OutboundEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Replays dead letters: sends each matching, not yet replayed line's event again through
 * {@code direct:tiktok-deliver} (same pixel, test_event_code and {@code event_id}, so TikTok's dedup keeps
 * it single, TikTok Events API 2.0 §7), then marks the line replayed. One replay runs at a time.
 * A replayed event that fails again becomes a new dead-letter line.
 */
@ApplicationScoped
@Named("deadLetterReplayer")
public class DeadLetterReplayer {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplayer.class);

    /**
     * The answer of a replay.
     *
     * @param matched  dead letters that matched the filter and were not yet replayed
     * @param replayed how many of them were sent again (0 for a dry run)
     */
    @RegisterForReflection
    public record Result(int matched, int replayed) {
    }

    @Inject
    DeadLetterStore store;

    @Inject
    ProducerTemplate producer;

    /**
     * @param filter which dead letters
     * @param dry    true: only count
     * @return counts
     */
    public synchronized Result replay(DeadLetterFilter filter, boolean dry) {
        List<DeadLetter> matches = store.find(filter, 0);
        if (dry) {
            return new Result(matches.size(), 0);
        }
        int replayed = 0;
        try {
            for (DeadLetter d : matches) {
                producer.sendBody(DeliveryRoutes.DELIVER, new OutboundEvent(d.pixelName(), d.testEventCode(), d.event()));
                store.markReplayed(List.of(d.id()));
                replayed++;
            }
        } finally {
            LOG.infof("Replayed %d of %d matching dead letter(s)", replayed, matches.size());
        }
        return new Result(matches.size(), replayed);
    }
}
