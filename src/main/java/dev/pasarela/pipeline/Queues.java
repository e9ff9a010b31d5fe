package dev.pasarela.pipeline;

/** Queue names: {@code in.<provider>}, {@code out.<channel>}, {@code dlq.<route-id>}, {@code parked.<reason>}. */
public final class Queues {
    private Queues() {}

    public static final String DLQ_PREFIX = "dlq.";
    public static final String PARKED_PREFIX = "parked.";
    public static final String PARKED_UNKNOWN_TENANT = "parked.unknown-tenant";

    public static String inbound(String provider) {
        return "in." + provider;
    }

    public static String deadLetter(String routeId) {
        return DLQ_PREFIX + routeId;
    }

    public static boolean isOperatorQueue(String name) {
        return name.startsWith(DLQ_PREFIX) || name.startsWith(PARKED_PREFIX);
    }
}
