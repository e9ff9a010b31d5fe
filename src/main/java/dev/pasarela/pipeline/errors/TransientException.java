package dev.pasarela.pipeline.errors;

import java.time.Duration;
import java.util.Optional;

/** A fault that may clear by itself (timeout, 5xx, 429, store unavailable): retried with backoff. */
public class TransientException extends RuntimeException {

    /** How long the other side asked us to wait (its {@code Retry-After}), when it said. */
    private final Duration retryAfter;

    public TransientException(String message) {
        this(message, null, null);
    }

    public TransientException(String message, Throwable cause) {
        this(message, cause, null);
    }

    public TransientException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** For a fault whose stack says nothing (a call not made): filling it in costs more than the rest. */
    protected TransientException(String message, Duration retryAfter, boolean writableStackTrace) {
        super(message, null, false, writableStackTrace);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
