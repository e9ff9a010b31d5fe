package dev.pasarela.pipeline.transform;

import java.time.Instant;

/**
 * One membership subscription of a tenant, as of {@code occurredAt}. {@code phase} orders facts
 * that carry the same time (providers stamp events in whole seconds, and a subscription is often
 * created and activated within one): 0 created, 1 changed, 2 ended.
 */
public record SubscriptionChanged(String tenantId, String eventKey, String provider, Instant occurredAt, int phase,
                                  String externalCustomerId, String externalSubscriptionId,
                                  SubscriptionStatus status, String priceId, String plan,
                                  Instant currentPeriodEnd, Boolean cancelAtPeriodEnd) implements CanonicalEvent {

    public static final int CREATED = 0;
    public static final int CHANGED = 1;
    public static final int ENDED = 2;

    /** Orders two facts about the same subscription: time, then phase, then lifecycle stage. */
    public long order() {
        return occurredAt.getEpochSecond() * 100 + phase * 10L + status.lifecycleStage();
    }
}
