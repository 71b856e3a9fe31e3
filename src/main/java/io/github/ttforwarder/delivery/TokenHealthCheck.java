package io.github.ttforwarder.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.jboss.logging.Logger;

import io.smallrye.health.api.Wellness;

/**
 * Wellness check {@value #NAME} (SmallRye Health, {@code /q/health/well}; not part of readiness or liveness, so a
 * rejected token never stops traffic INTO the forwarder — its events are dead-lettered and replayable once the
 * token is replaced): DOWN while TikTok rejects
 * the access token of at least one pixel (TikTok Events API 2.0 codes 401xx other than 40100: token
 * expired, missing or invalid — permanent until the token is replaced). The response data lists each such
 * pixel name with TikTok's code; never the token.
 *
 * <p>Logs ONE error line per pixel when its token is first rejected (not one per request), and one info
 * line when a later request for that pixel succeeds again.
 */
@Wellness
@ApplicationScoped
@Named("tokenHealthCheck")
public class TokenHealthCheck implements HealthCheck {

    /** Name of the health check. */
    public static final String NAME = "tiktok-access-tokens";

    private static final Logger LOG = Logger.getLogger(TokenHealthCheck.class);

    private final Map<String, String> rejected = new ConcurrentHashMap<>();

    /**
     * Records that TikTok rejected the pixel's token.
     *
     * @param pixelName pixel name
     * @param pixelCode pixel code
     * @param code      TikTok's code (e.g. 40105)
     * @param message   TikTok's message
     */
    public void tokenRejected(String pixelName, String pixelCode, String code, String message) {
        if (rejected.putIfAbsent(pixelName, code) == null) {
            LOG.errorf("TikTok rejected the access token of pixel %s (%s): code %s, %s. The token for pixel %s must be "
                    + "replaced (tiktok.access-token / tiktok.pixels.%s.access-token) and the forwarder restarted; "
                    + "until then its events are dead-lettered.", pixelName, pixelCode, code, message, pixelName,
                    pixelName);
        }
    }

    /** @param pixelName pixel whose request just succeeded: its token works (again). */
    public void tokenAccepted(String pixelName) {
        if (!rejected.isEmpty() && rejected.remove(pixelName) != null) {
            LOG.infof("TikTok accepts the access token of pixel %s again", pixelName);
        }
    }

    /** @return pixel names whose token is currently rejected, with TikTok's code. */
    public Map<String, String> rejectedPixels() {
        return Map.copyOf(rejected);
    }

    /** @return UP when no pixel's token is rejected; DOWN with {@code <pixel name>: token rejected by TikTok (code N)} data otherwise. */
    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME).status(rejected.isEmpty());
        rejected.forEach((pixel, code) -> b.withData(pixel, "token rejected by TikTok (code " + code + ")"));
        return b.build();
    }
}
