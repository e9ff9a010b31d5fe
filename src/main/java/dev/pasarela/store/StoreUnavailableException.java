package dev.pasarela.store;

/**
 * The backing store could not be reached or gave up; retrying later may succeed. Not a pipeline
 * exception: the store depends on nothing of the gateway, and every retry policy treats an
 * unchecked exception that is not permanent as retryable.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
