package dev.pasarela.messaging;

/**
 * Told when an outbound message ends without reaching its recipient: refused by the provider at
 * once, or reported failed, undelivered or bounced later by a status webhook. A notification uses
 * it to fall back to its next channel.
 */
public interface MessageFailureListener {

    void messageFailed(String tenantId, String messageId, String notificationId, String channel, String reason);
}
