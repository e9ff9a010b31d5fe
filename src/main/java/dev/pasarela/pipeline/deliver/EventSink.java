package dev.pasarela.pipeline.deliver;

import dev.pasarela.pipeline.transform.CanonicalEvent;

/** Where canonical events take effect (the store, a tenant callback, a provider API). */
public interface EventSink {

    boolean accepts(CanonicalEvent event);

    /** Must be idempotent per {@link CanonicalEvent#eventKey()}: queues deliver at least once. */
    void deliver(CanonicalEvent event);
}
