package dev.pasarela.pipeline.transform;

/** Membership subscription states (Stripe's vocabulary, which covers the others we know). */
public enum SubscriptionStatus {
    INCOMPLETE, INCOMPLETE_EXPIRED, TRIALING, ACTIVE, PAST_DUE, CANCELED, UNPAID, PAUSED;

    /** True while the subscription still pays for its plan. */
    public boolean entitles() {
        return this == TRIALING || this == ACTIVE || this == PAST_DUE;
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
