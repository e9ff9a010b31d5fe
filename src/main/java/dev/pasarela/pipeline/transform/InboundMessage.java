package dev.pasarela.pipeline.transform;

import java.time.Instant;
import java.util.Map;

/**
 * A message a contact sent to a tenant on a channel ({@code whatsapp}, {@code messenger},
 * {@code instagram}, …). {@code kind} is the message type ({@code text}, {@code image},
 * {@code location}, {@code button_reply}, …); {@code content} holds its fields (text, caption,
 * media id, coordinates, reply id…), {@code media} a provider media reference when there is one.
 */
public record InboundMessage(String tenantId, String eventKey, String provider, Instant occurredAt,
                             String channel, String messageId, String contactId, String contactName,
                             String kind, Map<String, Object> content, String replyTo) implements CanonicalEvent {}
