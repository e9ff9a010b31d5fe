package dev.pasarela.pipeline.transform;

import java.time.Instant;

/**
 * What a provider says became of a message the gateway sent: a normalised {@link DeliveryState}
 * ({@code sent}, {@code delivered}, {@code read}, {@code failed} with the provider's error code and
 * title, …) and, beside it, the provider's own word for it ({@code bounce}, {@code email.opened}). Statuses arrive out of order; {@link #rank()} keeps a message's state from
 * moving backwards.
 *
 * @param providerStatus the word the provider used, for operators and the status history
 * @param bounceType for an email {@code bounced}: {@code hard}, {@code soft}, {@code blocked} or
 *                   {@code undetermined}, as the mapper reads the provider's classification; null otherwise
 */
public record DeliveryStatus(String tenantId, String eventKey, String provider, Instant occurredAt,
                             String channel, String messageId, String recipientId, DeliveryState state,
                             String providerStatus, String errorCode, String errorTitle, String bounceType)
        implements CanonicalEvent {

    public DeliveryStatus {
        state = state == null ? DeliveryState.OTHER : state;
    }

    public DeliveryStatus(String tenantId, String eventKey, String provider, Instant occurredAt, String channel,
                          String messageId, String recipientId, DeliveryState state, String providerStatus,
                          String errorCode, String errorTitle) {
        this(tenantId, eventKey, provider, occurredAt, channel, messageId, recipientId, state, providerStatus,
                errorCode, errorTitle, null);
    }

    /**
     * The status as stored and answered: the state's name, or the provider's word for a state no
     * mapper normalises (so a status history reads as it always did).
     */
    public String status() {
        return state == DeliveryState.OTHER && providerStatus != null ? providerStatus : state.wireName();
    }

    public int rank() {
        return state.rank();
    }
}
