package io.github.ttforwarder.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.hashing.HashingBean;
import io.github.ttforwarder.ingest.InboundBodyReader;
import io.github.ttforwarder.ingest.InputLimits;
import io.github.ttforwarder.ingest.MalformedRequestException;
import io.github.ttforwarder.ingest.RequestLimitException;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.EventRejectedException;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.RequestContext;
import io.github.ttforwarder.support.StrictEventsApiValidator;

/**
 * Coverage-guided fuzzing (Jazzer) of body reading + mapping + validation, the path every HTTP and Kafka input
 * takes before delivery. Each input is read as {@code /events} reads it (sequences allowed) and as the other
 * endpoints read it (one JSON value); it must end as a 4xx for the whole body (a {@link MalformedRequestException}
 * with a reason, or a {@link RequestLimitException} 400/413 naming its setting), or each event as rejected with a
 * field-less-or-named reason, or forwarded with a {@code data[]} item that passes {@link StrictEventsApiValidator}.
 * Any other exception fails the test.
 *
 * <p>{@code mvn verify} runs only the seeds in {@code src/test/resources/io/github/ttforwarder/mapping/IngestFuzzTestInputs/fuzz/}
 * (the shared fixtures, the plain-event cases and hostile bodies: Jazzer's regression mode). {@code .ci/run} fuzzes
 * for a bounded time: {@code JAZZER_FUZZ=1 mvn test -Dtest=IngestFuzzTest} (maxDuration below).
 */
class IngestFuzzTest {

    private static final RequestContext CTX = new RequestContext("fuzz", "/events", "203.0.113.7", "Fuzz/1.0", null,
            1_764_460_800L);
    private static final InboundBodyReader READER = new InboundBodyReader(new ObjectMapper(), InputLimits.DEFAULTS);
    private static final PixelRegistry PIXELS = new PixelRegistry(Map.of(PixelRegistry.DEFAULT,
            new Pixel(PixelRegistry.DEFAULT, "FUZZPIXEL", "t"), "brand2", new Pixel("brand2", "BRAND2", "t2")));
    private static final HashingBean HASHING = new HashingBean("US");
    private static final FreeTextRedactor REDACTOR = new FreeTextRedactor(true, "US");
    // a wide window: the fixtures carry times from 2019 on (the window itself is fuzzed through event_time values)
    private static final WebEventMapper WEB = new WebEventMapper(PIXELS, Optional.empty(), "36500d", "5m");
    private static final UserContextMapper USER = new UserContextMapper(HASHING, Optional.of("CRMID"), REDACTOR);
    private static final PropertiesMapper PROPERTIES = new PropertiesMapper(REDACTOR);
    private static final OutboundEventValidator VALIDATOR = new OutboundEventValidator();

    @FuzzTest(maxDuration = "100s")
    void fuzz(byte[] body) {
        readAndMap(body, true);
        readAndMap(body, false);
    }

    private static void readAndMap(byte[] body, boolean sequence) {
        InboundBodyReader.Result result;
        try {
            result = READER.read(body, CTX, sequence);
        } catch (RequestLimitException e) {
            assertTrue(e.status() == 400 || e.status() == 413, "limit status " + e.status());
            assertTrue(e.setting().startsWith("forwarder.input."), e.setting());
            assertTrue(e.getMessage().contains(e.setting()), e.getMessage());
            return;
        } catch (MalformedRequestException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            return;
        }
        assertEquals(result.total(), result.events().size() + result.rejected().size());
        for (EventOutcome o : result.rejected()) {
            assertEquals(EventOutcome.Status.REJECTED, o.getStatus());
            assertFalse(o.getRejections().get(0).reason().isBlank());
        }
        for (InboundEvent event : result.events()) {
            // the shipped XDM rules always set tiktok.event; plain events carry their own name
            Map<String, Object> overrides = new HashMap<>();
            if (event.format() == InboundEvent.Format.XDM) {
                overrides.put("event", "Purchase");
            }
            EventOutcome outcome = new EventOutcome(event.index());
            TikTokEventDraft d = new TikTokEventDraft(event.format(), event.body(), event.context(), overrides, outcome, "fuzz");
            try {
                WEB.map(d);
                USER.map(d);
                PROPERTIES.map(d);
                VALIDATOR.validate(d.event());
            } catch (EventRejectedException e) {
                assertNotNull(e.getMessage());
                assertFalse(e.getMessage().isBlank());
                continue;
            }
            ObjectNode envelope = JsonNodeFactory.instance.objectNode();
            envelope.put("event_source", "web");
            envelope.put("event_source_id", PIXELS.find(d.pixel()).orElseThrow().code());
            if (d.testEventCode() != null) {
                envelope.put("test_event_code", d.testEventCode());
            }
            envelope.putArray("data").add(d.event());
            List<String> violations = StrictEventsApiValidator.violations(envelope);
            assertTrue(violations.isEmpty(), "forwarded an invalid Events API request: " + violations + " " + envelope);
        }
    }
}
