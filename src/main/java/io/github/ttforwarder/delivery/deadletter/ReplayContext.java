package io.github.ttforwarder.delivery.deadletter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.github.ttforwarder.delivery.Delivery;
import io.github.ttforwarder.model.OutboundEvent;

/**
 * One dead letter's replay in progress, carried in exchange property {@value Delivery#REPLAY} through
 * {@code direct:reingest} → rules → mapping → {@code direct:tiktok-deliver}: collects the TikTok events the replay
 * sent (or, dry, would send) and the problems met. While it is present, rejections and rule failures are recorded
 * here instead of being dead-lettered again, and an unknown pixel is reported instead of dead-lettered: the
 * original dead letter stays replayable. Thread-safe.
 */
public final class ReplayContext {

    private final boolean dry;
    private final List<OutboundEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    /** @param dry true: nothing is sent, events are only collected */
    public ReplayContext(boolean dry) {
        this.dry = dry;
    }

    /** @return true for a dry run */
    public boolean dry() {
        return dry;
    }

    /** @param event a TikTok event sent (or that would be sent) */
    public void sent(OutboundEvent event) {
        events.add(event);
    }

    /** @param problem why (part of) the replay failed; no personal data */
    public void problem(String problem) {
        problems.add(problem);
    }

    /** @return the events sent or that would be sent */
    public List<OutboundEvent> events() {
        return List.copyOf(events);
    }

    /** @return the problems met */
    public List<String> problems() {
        return List.copyOf(problems);
    }
}
