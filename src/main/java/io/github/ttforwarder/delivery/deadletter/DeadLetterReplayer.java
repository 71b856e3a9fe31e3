package io.github.ttforwarder.delivery.deadletter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.delivery.Delivery;
import io.github.ttforwarder.delivery.DeliveryRoutes;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.OutboundEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Replays dead letters, each according to its kind ({@link DeadLetter#kind()}):
 * <ul>
 * <li><b>output</b> letters: the stored TikTok event goes through {@code direct:tiktok-deliver} unchanged (same
 *     pixel, test_event_code and {@code event_id}, so TikTok's dedup keeps it single, TikTok Events API 2.0 §7) —
 *     to the pixel the letter names and no other; if that pixel is not configured nothing is sent;</li>
 * <li><b>input</b> letters: the stored input runs through the rules and mapping again ({@value #REINGEST}), so a
 *     fixed rule or a newly configured pixel takes effect; rejections and rule failures are reported, not sent and
 *     not dead-lettered again;</li>
 * <li>letters without a stored input (written before input letters existed, unreadable Kafka records): skipped.</li>
 * </ul>
 * A letter is marked replayed only when its events were handed to delivery without a problem; otherwise it stays
 * replayable (e.g. until its pixel is configured). A replayed event that later fails at TikTok gets a new line.
 * {@code dry} runs the same steps without handing anything to delivery and lists, per letter, each TikTok event
 * it would send with its pixel. One replay runs at a time.
 */
@ApplicationScoped
@Named("deadLetterReplayer")
public class DeadLetterReplayer {

    /** The ingest package's internal route that re-runs a stored input through rules and mapping. */
    public static final String REINGEST = "direct:reingest";

    private static final Logger LOG = Logger.getLogger(DeadLetterReplayer.class);

    /**
     * One dead letter's replay.
     *
     * @param id       the dead letter's id
     * @param kind     {@code output} or {@code input}
     * @param reason   the letter's reason code
     * @param result   {@code replayed}, {@code would-replay} (dry), {@code failed} (stays replayable) or
     *                 {@code not-replayable}
     * @param events   TikTok events sent or that would be sent: {@code pixel}, {@code pixel_code}, {@code event},
     *                 {@code event_id}, {@code test_event_code}
     * @param problems why it failed (no personal data)
     */
    @RegisterForReflection
    public record Item(String id, String kind, String reason, String result, List<Map<String, Object>> events,
            List<String> problems) {
    }

    /**
     * The answer of a replay.
     *
     * @param matched  dead letters that matched the filter and were neither replayed nor discarded
     * @param replayed how many were handed to delivery (0 for a dry run)
     * @param failed   how many failed again (still replayable)
     * @param skipped  how many cannot be replayed
     * @param items    one entry per matching dead letter
     */
    @RegisterForReflection
    public record Result(int matched, int replayed, int failed, int skipped, List<Item> items) {
    }

    @Inject
    DeadLetterStore store;

    @Inject
    ProducerTemplate producer;

    @Inject
    CamelContext camelContext;

    @Inject
    PixelRegistry pixels;

    /**
     * @param filter which dead letters
     * @param dry    true: send nothing, list what would be sent
     * @return per-letter results and counts
     */
    public synchronized Result replay(DeadLetterFilter filter, boolean dry) {
        List<DeadLetter> matches = store.find(filter, 0);
        List<Item> items = new ArrayList<>();
        int replayed = 0;
        int failed = 0;
        int skipped = 0;
        try {
            for (DeadLetter d : matches) {
                Item item = replayOne(d, dry);
                items.add(item);
                switch (item.result()) {
                    case "replayed" -> {
                        store.markReplayed(List.of(d.id()));
                        replayed++;
                    }
                    case "failed" -> failed++;
                    case "not-replayable" -> skipped++;
                    default -> {
                    }
                }
            }
        } finally {
            if (!dry) {
                LOG.infof("Replayed %d of %d matching dead letter(s); %d failed again (still replayable), %d not "
                        + "replayable", replayed, matches.size(), failed, skipped);
            }
        }
        return new Result(matches.size(), replayed, failed, skipped, items);
    }

    private Item replayOne(DeadLetter d, boolean dry) {
        String kind = d.kind();
        if (!d.replayable()) {
            return new Item(d.id(), kind, d.reason().code(), "not-replayable", List.of(),
                    List.of("no input event was stored with this dead letter"));
        }
        ReplayContext ctx = new ReplayContext(dry);
        Exchange ex = new DefaultExchange(camelContext);
        ex.setProperty(Delivery.REPLAY, ctx);
        if (DeadLetter.INPUT.equals(kind)) {
            ex.getIn().setBody(DeadLetterStore.readInput(d.input()));
            producer.send(REINGEST, ex);
            EventOutcome outcome = ex.getMessage().getBody(EventOutcome.class);
            if (outcome != null && outcome.getStatus() == EventOutcome.Status.UNMATCHED && ctx.events().isEmpty()) {
                ctx.problem("no rule matched the event");
            }
        } else {
            ex.getIn().setBody(new OutboundEvent(d.pixelName(), d.testEventCode(), d.event()));
            producer.send(DeliveryRoutes.DELIVER, ex);
        }
        List<String> problems = new ArrayList<>(ctx.problems());
        if (ex.getException() != null) {
            problems.add(ex.getException().getClass().getSimpleName() + ": " + ex.getException().getMessage());
        }
        if (problems.isEmpty() && ctx.events().isEmpty()) {
            problems.add("nothing to send");
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (OutboundEvent e : ctx.events()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pixel", e.pixel());
            m.put("pixel_code", pixels.find(e.pixel()).map(Pixel::code).orElse(null));
            m.put("event", e.eventName());
            m.put("event_id", e.eventId());
            m.put("test_event_code", e.testEventCode());
            events.add(m);
        }
        String result = !problems.isEmpty() ? "failed" : dry ? "would-replay" : "replayed";
        return new Item(d.id(), kind, d.reason().code(), result, events, problems);
    }
}
