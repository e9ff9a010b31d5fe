package dev.pasarela.pipeline.errors;

/** A fault that may clear by itself (timeout, 5xx, 429, store unavailable): retried with backoff. */
public class TransientException extends RuntimeException {
    public TransientException(String message) {
        super(message);
    }

    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
