package dev.pasarela.pipeline;

/**
 * Names of the state the pipeline keeps. Exchange variables stay inside the process; the
 * {@code Pasarela*} message headers are the same facts carried on queue messages (JMS
 * properties), never sent to a provider.
 */
public final class Variables {
    private Variables() {}

    // exchange variables
    public static final String PROVIDER = "provider";
    public static final String TENANT_ID = "tenantId";
    public static final String EVENT_KEY = "eventKey";
    public static final String EVENT_TYPE = "eventType";
    public static final String RAW_BODY = "rawBody";
    public static final String EVENTS = "events";

    // queue message headers
    public static final String H_PROVIDER = "PasarelaProvider";
    public static final String H_TENANT_ID = "PasarelaTenantId";
    public static final String H_EVENT_KEY = "PasarelaEventKey";
    public static final String H_EVENT_TYPE = "PasarelaEventType";
    public static final String H_RECEIVED_AT = "PasarelaReceivedAt";

    // dead-letter and parking headers
    public static final String H_FAILED_ROUTE = "PasarelaFailedRoute";
    public static final String H_FAILURE_CAUSE = "PasarelaFailureCause";
    public static final String H_FIRST_FAILURE_AT = "PasarelaFirstFailureAt";
    public static final String H_LAST_FAILURE_AT = "PasarelaLastFailureAt";
    public static final String H_REPLAY_TO = "PasarelaReplayTo";
    public static final String H_REPLAY_COUNT = "PasarelaReplayCount";
    public static final String H_PARKED_REASON = "PasarelaParkedReason";
}
