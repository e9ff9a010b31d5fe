package dev.pasarela.store;

import dev.pasarela.pipeline.errors.TransientException;

/** The backing store could not be reached or gave up; retrying later may succeed. */
public class StoreUnavailableException extends TransientException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
