package dev.pasarela.pipeline.errors;

import dev.pasarela.pipeline.Queues;
import dev.pasarela.pipeline.Variables;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsEndpoint;

/**
 * Runs on the original message just before it goes to {@code dlq.<route-id>}: records which
 * route failed, why, when it first and last failed, and which queue a replay goes back to.
 */
public class DeadLetterPreparer implements Processor {

    public static final String H_DEAD_LETTER_QUEUE = "PasarelaDeadLetterQueue";
    private static final String FIRST_FAILURE = "pasarela.firstFailureAt";
    private static final int MAX_CAUSE = 1000;

    private final Clock clock;
    private final java.util.function.Predicate<Exchange> backToItsQueue;

    public DeadLetterPreparer(Clock clock) {
        this(clock, exchange -> false);
    }

    /**
     * @param backToItsQueue a failure about to be retried on the broker rather than dead-lettered:
     *                       Camel prepares every failure alike, and the retry must keep its counts
     */
    public DeadLetterPreparer(Clock clock, java.util.function.Predicate<Exchange> backToItsQueue) {
        this.clock = clock;
        this.backToItsQueue = backToItsQueue;
    }

    /** Runs when an exception first (and again) occurs, before any retry. */
    public void recordFirstFailure(Exchange exchange) {
        if (exchange.getProperty(FIRST_FAILURE) == null) {
            exchange.setProperty(FIRST_FAILURE, clock.instant().toString());
        }
    }

    @Override
    public void process(Exchange exchange) {
        if (backToItsQueue.test(exchange)) {
            return;
        }
        Message msg = exchange.getMessage();
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        if (routeId == null) {
            routeId = exchange.getFromRouteId();
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String now = clock.instant().toString();
        msg.setHeader(Variables.H_FAILED_ROUTE, routeId);
        msg.setHeader(Variables.H_FAILURE_CAUSE, describe(cause));
        if (msg.getHeader(Variables.H_FIRST_FAILURE_AT) == null) { // kept from an earlier dead-lettering
            Long retryingSince = msg.getHeader(ErrorHandling.RETRYING_SINCE, Long.class);
            msg.setHeader(Variables.H_FIRST_FAILURE_AT, retryingSince != null
                    ? java.time.Instant.ofEpochMilli(retryingSince).toString()
                    : exchange.getProperty(FIRST_FAILURE, now, String.class));
        }
        // a replay starts its retries, deferrals and horizon afresh, and is due at once
        ErrorHandling.clearRetryState(msg);
        msg.setHeader(Variables.H_LAST_FAILURE_AT, now);
        if (exchange.getFromEndpoint() instanceof JmsEndpoint jms) {
            msg.setHeader(Variables.H_REPLAY_TO, jms.getDestinationName());
        }
        msg.setHeader(H_DEAD_LETTER_QUEUE, Queues.deadLetter(routeId));
    }

    static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        String text = cause.getClass().getName() + ": " + cause.getMessage();
        return text.length() > MAX_CAUSE ? text.substring(0, MAX_CAUSE) + "…" : text;
    }
}
