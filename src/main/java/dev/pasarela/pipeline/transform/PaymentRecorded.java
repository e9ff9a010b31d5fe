package dev.pasarela.pipeline.transform;

import java.time.Instant;

/** The outcome of a subscription payment attempt. */
public record PaymentRecorded(String tenantId, String eventKey, String provider, Instant occurredAt,
                              String externalCustomerId, String externalSubscriptionId, String invoiceId,
                              boolean succeeded, Long amount, String currency, Long attemptCount)
        implements CanonicalEvent {}
