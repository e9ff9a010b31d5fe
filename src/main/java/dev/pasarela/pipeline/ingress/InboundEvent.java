package dev.pasarela.pipeline.ingress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 * @param unreadable      why this event of a batch cannot be read (field and length, never a value), or null:
 *                        it goes to its dead-letter queue at once, the rest of the batch is processed
 */
public record InboundEvent(String eventKey, String type, boolean processable, List<String> routingKeys,
                           String claimedTenantId, byte[] payload, String unreadable) {

    public InboundEvent(String eventKey, String type, boolean processable, List<String> routingKeys,
                        String claimedTenantId, byte[] payload) {
        this(eventKey, type, processable, routingKeys, claimedTenantId, payload, null);
    }

    /**
     * An event of a batch the door would refuse were it alone. Its ids are what is wrong, so its
     * key is its payload's hash ({@code <provider>:unreadable:<sha-256>}), which a replay reads the same.
     */
    public static InboundEvent deadLetter(String provider, String cause, byte[] payload) {
        return new InboundEvent(provider + ":unreadable:" + sha256(payload), provider + ".unreadable", false,
                List.of(), null, payload, cause);
    }

    public static InboundEvent deadLetter(String provider, String cause, String payload) {
        return deadLetter(provider, cause, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
