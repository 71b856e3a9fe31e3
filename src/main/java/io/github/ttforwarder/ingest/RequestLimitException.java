package io.github.ttforwarder.ingest;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A request body over one of the {@link InputLimits}: the whole request is answered with {@link #status()}
 * ({@code 413} for size and event count, {@code 400} for the shape limits) as RFC 7807 problem+json whose
 * {@code detail} is this message and whose {@code limit} member names the setting.
 */
@RegisterForReflection
public class RequestLimitException extends MalformedRequestException {

    private final int status;
    private final String setting;

    /**
     * @param status  HTTP status (400 or 413)
     * @param setting the configuration key of the limit, e.g. {@code forwarder.input.max-events}
     * @param detail  what was over the limit, and the limit (never quoting the body)
     */
    public RequestLimitException(int status, String setting, String detail) {
        super(detail);
        this.status = status;
        this.setting = setting;
    }

    /** @return the HTTP status to answer with. */
    public int status() {
        return status;
    }

    /** @return the configuration key of the limit. */
    public String setting() {
        return setting;
    }
}
