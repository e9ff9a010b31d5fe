package dev.pasarela.messaging;

import java.util.Map;

/**
 * A message a tenant asked the gateway to send, as queued on {@code out.<channel>}: our id, the
 * recipient on that channel, and the validated request ({@code type} and its fields) the
 * channel's {@link Channel} reads back as its request record and turns into a provider call.
 */
public record OutboundMessage(String id, String tenantId, String channel, String to, Map<String, Object> request,
                              String createdAt) {}
