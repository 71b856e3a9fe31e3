package io.github.ttforwarder.delivery.sending;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ttforwarder.config.Pixel;
import io.github.ttforwarder.config.PixelRegistry;
import io.github.ttforwarder.delivery.DeliveryRoutes;
import io.github.ttforwarder.delivery.batching.BatchItem;
import io.github.ttforwarder.delivery.batching.DeliveryBatch;

/**
 * Builds the TikTok Events API 2.0 request for a {@link DeliveryBatch}.
 *
 * <p>Body (compact JSON, UTF-8, key order fixed):
 * {@code {"event_source":"web","event_source_id":<pixel code>[,"test_event_code":<code>],"data":[<items>]}} —
 * {@code test_event_code} only at envelope level and only when set; never {@code partner_name}
 * (TikTok Events API 2.0 §2). Headers: {@code Access-Token: <pixel token>} (no "Bearer"),
 * {@code Content-Type: application/json}, method POST to {@code /open_api/v1.3/event/track/}.
 */
@ApplicationScoped
@Named("tiktokRequestFactory")
public class TikTokRequestFactory {

    /** Header carrying the token (TikTok Events API 2.0 §1). */
    public static final String ACCESS_TOKEN = "Access-Token";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    PixelRegistry pixels;

    @Inject
    io.github.ttforwarder.ops.ForwarderMetrics meters;

    /**
     * @param batch the batch
     * @return the request body bytes
     * @throws IllegalStateException when the batch's pixel is not configured
     */
    public byte[] body(DeliveryBatch batch) {
        Pixel pixel = pixel(batch);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(batch.bytes() + 64);
            out.writeBytes(("{\"event_source\":\"web\",\"event_source_id\":" + MAPPER.writeValueAsString(pixel.code()))
                    .getBytes(StandardCharsets.UTF_8));
            if (batch.testEventCode() != null) {
                out.writeBytes((",\"test_event_code\":" + MAPPER.writeValueAsString(batch.testEventCode()))
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes(",\"data\":[".getBytes(StandardCharsets.UTF_8));
            boolean first = true;
            for (BatchItem item : batch.items()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                out.writeBytes(item.json());
            }
            out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the envelope", e);
        }
    }

    /**
     * @param batch the batch
     * @return true when its pixel has no access token: write to the dry-run file instead of calling TikTok
     */
    public boolean isDryRun(DeliveryBatch batch) {
        return pixel(batch).dryRun();
    }

    /**
     * Turns the exchange (body: {@link DeliveryBatch}, inbound headers already removed) into the HTTP request:
     * body bytes, {@code Access-Token}, {@code Content-Type}, {@code CamelHttpMethod=POST}; records one
     * attempt on the batch.
     *
     * @param exchange the exchange
     */
    public void prepare(Exchange exchange) {
        DeliveryBatch batch = exchange.getIn().getBody(DeliveryBatch.class);
        Pixel pixel = pixel(batch);
        batch.recordAttempt();
        exchange.setProperty(DeliveryRoutes.PROP_BATCH, batch);
        exchange.getIn().setBody(body(batch));
        exchange.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getIn().setHeader(ACCESS_TOKEN, pixel.accessToken());
        meters.requestStarted(exchange, batch);
    }

    private Pixel pixel(DeliveryBatch batch) {
        return pixels.find(batch.pixel())
                .orElseThrow(() -> new IllegalStateException("pixel " + batch.pixel() + " is not configured"));
    }
}
