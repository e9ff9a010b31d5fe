package dev.pasarela.pipeline.transform;

/**
 * Completes a provider's canonical events with what only a call can tell (a media URL, a
 * profile): the I/O an {@link EventMapper} must not do. Optional, at most one per provider; the
 * inbound-delivery template runs it after transform (node id {@code enrich}), under the
 * delivery error handling, so a {@link dev.pasarela.pipeline.errors.TransientException} is
 * retried and a {@link dev.pasarela.pipeline.errors.PermanentException} dead-letters the event.
 */
public interface EventEnricher {

    String provider();

    /** The event itself when there is nothing to add. */
    CanonicalEvent enrich(CanonicalEvent event);
}
