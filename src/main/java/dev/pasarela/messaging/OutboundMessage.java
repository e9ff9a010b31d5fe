package dev.pasarela.messaging;

import java.util.Map;

/**
 * A message a tenant asked the gateway to send, as queued on {@code out.<channel>}: our id, the
 * recipient on that channel, and the validated request ({@code type} and its fields) the
 * channel's {@link Channel} reads back as its request record and turns into a provider call.
 *
 * @param copy which queueing of the message this is: the {@link Outbox} names each one, as a
 *             retried Idempotency-Key may queue a message again; the first copy to attempt the
 *             send owns it and any other is not sent. Null in messages queued before copies were
 *             named.
 */
public record OutboundMessage(String id, String tenantId, String channel, String to, Map<String, Object> request,
                              String createdAt, String copy) {}
