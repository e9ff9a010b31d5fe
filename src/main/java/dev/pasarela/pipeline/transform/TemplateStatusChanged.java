package dev.pasarela.pipeline.transform;

import java.time.Instant;

/**
 * A provider's review of a message template moved ({@code APPROVED}, {@code REJECTED},
 * {@code PAUSED}, {@code DISABLED}, …), with its reason when it gives one.
 */
public record TemplateStatusChanged(String tenantId, String eventKey, String provider, Instant occurredAt,
                                    String channel, String templateId, String name, String language,
                                    String status, String reason) implements CanonicalEvent {}
