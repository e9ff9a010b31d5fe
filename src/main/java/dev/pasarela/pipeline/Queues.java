package dev.pasarela.pipeline;

/** Queue names: {@code in.<provider>}, {@code out.<channel>}, {@code dlq.<route-id>}, {@code parked.<reason>}. */
public final class Queues {
    private Queues() {}

    public static final String DLQ_PREFIX = "dlq.";
    public static final String PARKED_PREFIX = "parked.";
    public static final String PARKED_UNKNOWN_TENANT = PARKED_PREFIX + "unknown-tenant";

    public static String deadLetter(String routeId) {
        return DLQ_PREFIX + routeId;
    }
}
