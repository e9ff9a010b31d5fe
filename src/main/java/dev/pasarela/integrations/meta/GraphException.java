package dev.pasarela.integrations.meta;

import dev.pasarela.messaging.RejectedByProviderException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.pipeline.errors.TransientException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A Graph API error answer ({@code {"error":{"code":…,"error_subcode":…,"error_data":{"details":…}}}}),
 * classified as Meta's error-code table says (shared/providers.md §2.6). We key on {@code code}
 * and the details; Meta calls the titles deprecated.
 */
public class GraphException extends RuntimeException {

    public enum Kind {
        /** retry with backoff: rate limits, temporary downtime, maintenance */
        TRANSIENT,
        /** the token was revoked or expired: stop sending with it, an operator must replace it */
        TOKEN,
        /** our side must fix something (permissions, account, template, request): dead letter */
        OPERATOR,
        /** about this recipient or this message (not on WhatsApp, window closed, opted out): ends it */
        RECIPIENT
    }

    /**
     * Meta's throttling codes: the app (4), the user (17), the page (32), a call-count limit (613),
     * the Pages and Instagram business use cases (80001, 80002), the WABA (80007), a number's
     * throughput (130429). Their wait is the answer's {@code Retry-After}, else the business use case
     * header's {@code estimated_time_to_regain_access} (research-next.md §2.4).
     */
    static final Set<Integer> THROTTLING = Set.of(4, 17, 32, 613, 80001, 80002, 80007, 130429);
    private static final Set<Integer> TRANSIENT = Set.of(1, 2, 4, 9, 17, 32, 613, 80001, 80002, 80007, 130429, 131000,
            131016, 131056, 131057, 133016);
    private static final Set<Integer> TOKEN = Set.of(0, 190, 102, 463, 467);
    private static final Set<Integer> RECIPIENT = Set.of(130472, 131021, 131026, 131047, 131049, 131050, 551);
    /** Messenger/Instagram: outside the 24 h window (10/2018278), no such user (100/2018001), user unavailable. */
    private static final Set<Integer> RECIPIENT_SUBCODES = Set.of(2018278, 2018001, 2018108, 1545041);

    private final int httpStatus;
    private final int code;
    private final int subcode;
    private final String details;
    private final String fbtraceId;
    /** The answer's {@code Retry-After}, when Meta sent one. */
    private final Duration retryAfter;

    public GraphException(int httpStatus, int code, int subcode, String message, String details, String fbtraceId) {
        this(httpStatus, code, subcode, message, details, fbtraceId, null);
    }

    public GraphException(int httpStatus, int code, int subcode, String message, String details, String fbtraceId,
                          Duration retryAfter) {
        super(message);
        this.httpStatus = httpStatus;
        this.code = code;
        this.subcode = subcode;
        this.details = details;
        this.fbtraceId = fbtraceId;
        this.retryAfter = retryAfter;
    }

    /** From an answer's {@code error} object (missing when the body was not Meta's, e.g. a proxy's 502). */
    static GraphException of(int httpStatus, JsonNode error, Duration retryAfter) {
        return new GraphException(httpStatus, error.path("code").asInt(-1), error.path("error_subcode").asInt(0),
                error.path("message").asText("HTTP " + httpStatus),
                error.path("error_data").path("details").asText(error.path("error_user_msg").asText(null)),
                error.path("fbtrace_id").asText(null), retryAfter);
    }

    /**
     * A call we did not make: Meta's rate-limit headers said access to {@code key} (an object id or
     * {@code app}) comes back in {@code wait}. Throttling like Meta's own 429, so it is retried.
     */
    static GraphException heldBack(String key, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new GraphException(429, -1, 0, "Not called: Meta's rate-limit headers said access to " + key
                + " comes back in " + seconds + " s", "estimated_time_to_regain_access", null, wait);
    }

    /** One of Meta's throttling codes ({@link #THROTTLING}). */
    public static boolean isThrottling(int code) {
        return THROTTLING.contains(code);
    }

    public int code() {
        return code;
    }

    /** Meta's {@code error_subcode}; 0 when there is none. */
    public int subcode() {
        return subcode;
    }

    /** How long Meta asked us to wait, when its answer said ({@code Retry-After}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public Kind kind() {
        if (RECIPIENT.contains(code) || RECIPIENT_SUBCODES.contains(subcode)) {
            return Kind.RECIPIENT;
        }
        if (TOKEN.contains(code)) {
            return Kind.TOKEN;
        }
        if (TRANSIENT.contains(code) || (code < 0 && (httpStatus >= 500 || httpStatus == 429))) {
            return Kind.TRANSIENT;
        }
        return httpStatus >= 500 && code < 0 ? Kind.TRANSIENT : Kind.OPERATOR;
    }

    /** What the code is, with Meta's details: kept in a status history and a dead letter's cause. */
    public String describe() {
        String what = "Graph error " + code + (subcode != 0 ? "/" + subcode : "") + ": " + getMessage();
        return (details == null || details.isBlank() || what.contains(details) ? what : what + " (" + details + ")")
                + (fbtraceId == null ? "" : " [fbtrace_id " + fbtraceId + "]");
    }

    /** As a delivery failure: retried, or refused with the code (dead-lettered when someone can act). */
    public RuntimeException asDeliveryFailure() {
        return switch (kind()) {
            case TRANSIENT -> new TransientException(describe(), this, retryAfter);
            case RECIPIENT -> new RejectedByProviderException(String.valueOf(code), describe(), false);
            case TOKEN, OPERATOR -> new RejectedByProviderException(String.valueOf(code), describe(), true);
        };
    }
}
