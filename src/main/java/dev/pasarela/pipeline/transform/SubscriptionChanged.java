package dev.pasarela.pipeline.transform;

import java.time.Instant;

/** A tenant's membership subscription as of {@code occurredAt}. */
public record SubscriptionChanged(String tenantId, String eventKey, String provider, Instant occurredAt,
                                  String externalCustomerId, String externalSubscriptionId,
                                  SubscriptionStatus status, String priceId, String plan,
                                  Instant currentPeriodEnd, Boolean cancelAtPeriodEnd) implements CanonicalEvent {}
