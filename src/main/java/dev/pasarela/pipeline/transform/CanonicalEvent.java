package dev.pasarela.pipeline.transform;

import java.time.Instant;

/** What providers tell the gateway, in the gateway's own words. One record per kind of fact. */
public sealed interface CanonicalEvent permits SubscriptionChanged, PaymentRecorded, InboundMessage, DeliveryStatus,
        TemplateStatusChanged, PostActivity {

    String tenantId();

    /** The provider's event id, prefixed by provider; applied at most once per tenant. */
    String eventKey();

    String provider();

    /** When the provider says it happened: the order in which facts are applied. */
    Instant occurredAt();
}
