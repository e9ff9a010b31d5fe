package dev.pasarela.pipeline.ingress;

import java.util.List;

/**
 * One event found in a webhook request (a request may carry several, for several tenants).
 *
 * @param eventKey        the provider's unique id for dedupe, prefixed by provider ({@code stripe:evt_…})
 * @param type            the provider's event type
 * @param processable     false for event types the gateway acknowledges and counts but does not process
 * @param routingKeys     {@code provider:externalId} keys to look up in the routing index, in order
 * @param claimedTenantId a tenant id carried in the signed payload itself (metadata), or null
 * @param payload         the bytes to enqueue for this event
 */
public record InboundEvent(String eventKey, String type, boolean processable, List<String> routingKeys,
                           String claimedTenantId, byte[] payload) {}
