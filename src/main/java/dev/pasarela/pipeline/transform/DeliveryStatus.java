package dev.pasarela.pipeline.transform;

import java.time.Instant;

/**
 * What a provider says became of a message the gateway sent: {@code sent}, {@code delivered},
 * {@code read}, {@code failed} (with the provider's error code and title), … Statuses arrive out
 * of order; {@link #rank()} keeps a message's state from moving backwards.
 *
 * @param bounceType for an email {@code bounced}: {@code hard}, {@code soft}, {@code blocked} or
 *                   {@code undetermined}, as the mapper reads the provider's classification; null otherwise
 */
public record DeliveryStatus(String tenantId, String eventKey, String provider, Instant occurredAt,
                             String channel, String messageId, String recipientId, String status,
                             String errorCode, String errorTitle, String bounceType) implements CanonicalEvent {

    public DeliveryStatus(String tenantId, String eventKey, String provider, Instant occurredAt, String channel,
                          String messageId, String recipientId, String status, String errorCode, String errorTitle) {
        this(tenantId, eventKey, provider, occurredAt, channel, messageId, recipientId, status, errorCode, errorTitle,
                null);
    }

    /**
     * accepted/submitted/queued/processed/deferred &lt; sent &lt; delivered &lt; read/opened/clicked; a failure
     * (failed, undelivered, bounced, dropped, complained, canceled) ends the message whenever it comes.
     */
    public int rank() {
        return switch (status) {
            case "accepted", "queued", "submitted", "scheduled", "sending", "processed", "deferred" -> 0;
            case "sent" -> 1;
            case "delivered", "partially_delivered" -> 2;
            case "read", "played", "opened", "clicked" -> 3;
            case "failed", "undelivered", "canceled", "bounced", "dropped", "complained" -> 4;
            default -> -1;
        };
    }
}
