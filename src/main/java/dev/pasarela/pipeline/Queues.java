package dev.pasarela.pipeline;

/**
 * Queue names: {@code in.<provider>}, {@code out.<channel>}, {@code dlq.<route-id>}, {@code parked.<reason>};
 * and the one topic, {@link #TENANT_ROUTES_CHANGED}.
 */
public final class Queues {
    private Queues() {}

    public static final String DLQ_PREFIX = "dlq.";
    public static final String PARKED_PREFIX = "parked.";
    public static final String PARKED_UNKNOWN_TENANT = PARKED_PREFIX + "unknown-tenant";
    /** The waiting queues ({@code wait.0}…) of messages put back for much later ({@code pipeline/errors/LongWaits}). */
    public static final String WAITING_PREFIX = "wait.";

    /** Topic: the id of a tenant whose routing entries changed, for every replica to drop its cached routes. */
    public static final String TENANT_ROUTES_CHANGED = "tenants.routes-changed";

    public static String deadLetter(String routeId) {
        return DLQ_PREFIX + routeId;
    }
}
