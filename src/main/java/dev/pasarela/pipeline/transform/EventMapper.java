package dev.pasarela.pipeline.transform;

import java.util.List;

/**
 * Provider payload → canonical events. Pure: no I/O. Throws
 * {@link dev.pasarela.pipeline.errors.PermanentException} for a payload it cannot map.
 */
public interface EventMapper {

    String provider();

    List<CanonicalEvent> map(QueuedEvent event);
}
