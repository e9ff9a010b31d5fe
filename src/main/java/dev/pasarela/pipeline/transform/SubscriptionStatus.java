package dev.pasarela.pipeline.transform;

/** Membership subscription states (Stripe's vocabulary, which covers the others we know). */
public enum SubscriptionStatus {
    INCOMPLETE, INCOMPLETE_EXPIRED, TRIALING, ACTIVE, PAST_DUE, CANCELED, UNPAID, PAUSED;

    /**
     * Where a status sits in a subscription's life, to order facts stamped with the same second:
     * a subscription moves forwards (incomplete → trialing → active → past due → unpaid → ended)
     * far more often than back within one second.
     */
    public int lifecycleStage() {
        return switch (this) {
            case INCOMPLETE -> 0;
            case TRIALING -> 1;
            case ACTIVE -> 2;
            case PAST_DUE -> 3;
            case UNPAID, PAUSED -> 4;
            case INCOMPLETE_EXPIRED -> 5;
            case CANCELED -> 6;
        };
    }

    /** True while the subscription still pays for its plan. */
    public boolean entitles() {
        return this == TRIALING || this == ACTIVE || this == PAST_DUE;
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
