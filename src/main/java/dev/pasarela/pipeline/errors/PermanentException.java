package dev.pasarela.pipeline.errors;

/** A fault that retrying cannot fix (4xx, invalid payload, missing mapping): straight to the dead-letter queue. */
public class PermanentException extends RuntimeException {
    public PermanentException(String message) {
        super(message);
    }

    public PermanentException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A short code for a status history ({@code credential-unreadable}), when the fault has one. */
    public String failureCode() {
        return null;
    }
}
