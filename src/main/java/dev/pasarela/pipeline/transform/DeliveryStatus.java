package dev.pasarela.pipeline.transform;

import java.time.Instant;

/**
 * What a provider says became of a message the gateway sent: {@code sent}, {@code delivered},
 * {@code read}, {@code failed} (with the provider's error code and title), … Statuses arrive out
 * of order; {@link #rank()} keeps a message's state from moving backwards.
 */
public record DeliveryStatus(String tenantId, String eventKey, String provider, Instant occurredAt,
                             String channel, String messageId, String recipientId, String status,
                             String errorCode, String errorTitle) implements CanonicalEvent {

    /** accepted (by us), submitted (to the provider) < sent < delivered < read/played; failed ends the message whenever it comes. */
    public int rank() {
        return switch (status) {
            case "accepted", "queued", "submitted" -> 0;
            case "sent" -> 1;
            case "delivered" -> 2;
            case "read", "played" -> 3;
            case "failed", "undelivered" -> 4;
            default -> -1;
        };
    }
}
