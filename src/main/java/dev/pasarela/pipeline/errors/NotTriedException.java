package dev.pasarela.pipeline.errors;

import java.time.Duration;

/**
 * A destination not called at all (its breaker is open, or another consumer is trying it): retried as
 * any transient fault, but logged at DEBUG and without a stack trace. The breaker's opening is logged
 * once; a parked endpoint's backlog would otherwise log a WARN line per message at each of its returns
 * (tens of thousands a minute in a tenant's outage, bench/RESULTS.md).
 */
public class NotTriedException extends TransientException {

    public NotTriedException(String message, Duration retryAfter) {
        super(message, retryAfter, false);
    }
}
