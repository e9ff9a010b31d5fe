package dev.pasarela.messaging;

/**
 * Sends queued messages of one channel through its provider. Throws
 * {@link dev.pasarela.pipeline.errors.TransientException} for what a retry may fix and
 * {@link dev.pasarela.messaging.RejectedByProviderException} for a refusal with a code.
 */
public interface OutboundSender {

    String channel();

    /** What the provider rate-limits sends by (a WhatsApp phone number id, a page): the shaping key. */
    String senderKey(OutboundMessage message);

    /** Whether the tenant has what this channel needs to send (an account, a token); false skips the channel. */
    default boolean canSend(String tenantId) {
        return true;
    }

    /** @return the provider's id for the message (a WhatsApp wamid, a Messenger mid, a Twilio SID) */
    String send(OutboundMessage message);
}
