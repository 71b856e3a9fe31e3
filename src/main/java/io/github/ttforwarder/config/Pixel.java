package io.github.ttforwarder.config;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One TikTok pixel the forwarder can send to.
 *
 * @param name        the name rules and plain events use to select it ({@code default} for
 *                    {@code tiktok.pixel-code}, else the {@code <name>} of {@code tiktok.pixels.<name>.code})
 * @param code        the pixel code, sent as {@code event_source_id} (TikTok Events API 2.0 envelope)
 * @param accessToken the Events API access token sent in the {@code Access-Token} header; empty means
 *                    dry run for this pixel. Never logged: {@link #toString()} masks it.
 */
@RegisterForReflection
public record Pixel(String name, String code, String accessToken) {

    /** @return true when no access token is configured: requests are written to the dry-run file instead of sent. */
    public boolean dryRun() {
        return accessToken == null || accessToken.isBlank();
    }

    @Override
    public String toString() {
        return "Pixel[name=" + name + ", code=" + code + ", accessToken=" + (dryRun() ? "<none>" : "<set>") + "]";
    }
}
