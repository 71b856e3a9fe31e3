package io.github.ttforwarder.ingest;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A request body that is not JSON or holds no events at all: the whole request is answered
 * {@code 400} with an RFC 7807 {@code application/problem+json} body whose {@code detail} is this message.
 * Messages never quote the body (it may hold personal data).
 */
@RegisterForReflection
public class MalformedRequestException extends RuntimeException {

    /** @param detail what is wrong with the body, for the problem's {@code detail} */
    public MalformedRequestException(String detail) {
        super(detail, null, false, false);
    }
}
