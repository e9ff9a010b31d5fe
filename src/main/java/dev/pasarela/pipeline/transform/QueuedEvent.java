package dev.pasarela.pipeline.transform;

/** An inbound event as it comes off its queue, tenant already resolved. */
public record QueuedEvent(String provider, String tenantId, String eventKey, String eventType, byte[] payload) {}
