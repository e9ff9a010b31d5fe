package dev.pasarela.pipeline.errors;

import dev.pasarela.api.ProblemException;
import dev.pasarela.api.Problems;
import dev.pasarela.pipeline.Variables;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * All error handling, in one place. Routes name one of these configurations:
 * <ul>
 *   <li>{@code pasarela-delivery}: queue consumers. Transient faults are retried with
 *       exponential backoff and jitter, in place or, for the consumers named in
 *       {@code pasarela.retry.broker-retries}, on the broker (see {@link RetryProperties});
 *       permanent ones (and transient ones out of retries) go to {@code dlq.<route-id>} as the
 *       original message with the cause in headers.</li>
 *   <li>{@code pasarela-ingress}: HTTP receive routes. Refusals become problem+json; anything
 *       else is a 503 so the provider retries, since nothing was acknowledged.</li>
 *   <li>{@code pasarela-dead-letter}: the dead-letter route itself. No handler: if a dead
 *       letter cannot be written, the consumer's transaction rolls back and the broker redelivers.</li>
 * </ul>
 */
@Component
public class ErrorHandling extends RouteConfigurationBuilder {

    public static final String DELIVERY = "pasarela-delivery";
    public static final String INGRESS = "pasarela-ingress";
    public static final String DEAD_LETTER = "pasarela-dead-letter";
    public static final String DEAD_LETTER_ENDPOINT = "direct:pasarela.dead-letter";

    private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

    private final int maxRedeliveries;
    private final long initialDelay;
    private final long maxDelay;
    private final DeadLetterPreparer deadLetterPreparer;
    private final RetryProperties retry;
    private final Clock clock;

    public ErrorHandling(RetryProperties retry, Clock clock) {
        this.clock = clock;
        this.maxRedeliveries = retry.maxRedeliveries();
        this.initialDelay = retry.initialDelayMs();
        this.maxDelay = retry.maxDelayMs();
        this.deadLetterPreparer = new DeadLetterPreparer(clock,
                e -> transientFailure(e) && (retryOnBroker(e) || deferrable(e)));
        this.retry = retry;
    }

    @Override
    public void configuration() {
        routeConfiguration(DELIVERY)
                .errorHandler(deadLetterChannel(DEAD_LETTER_ENDPOINT)
                        .deadLetterHandleNewException(false)
                        .useOriginalMessage()
                        .maximumRedeliveries(maxRedeliveries)
                        .redeliveryDelay(initialDelay)
                        .useExponentialBackOff()
                        .backOffMultiplier(2)
                        .useCollisionAvoidance() // ±15 % jitter, so retries of a burst spread out
                        .maximumRedeliveryDelay(maxDelay)
                        .retryAttemptedLogLevel(LoggingLevel.WARN)
                        .logStackTrace(false)
                        .onExceptionOccurred(e -> {
                            deadLetterPreparer.recordFirstFailure(e);
                            honourRetryAfter(e, maxDelay);
                        })
                        .onPrepareFailure(deadLetterPreparer))
                // an onException clause has its own policy: it must keep the original message too
                .onException(PermanentException.class).maximumRedeliveries(0).useOriginalMessage().end()
                // a consumer retried on the broker never sleeps on a retry: the message goes back on its
                // queue for later, in the consumer's transaction, so one tenant's dead destination holds
                // no consumer that another tenant's messages wait for
                .onException(TransientException.class).onWhen(this::retryOnBroker).maximumRedeliveries(0)
                    .handled(true).useOriginalMessage()
                    .process(this::retryLater)
                    .to(LongWaits.PUT_BACK)
                .end()
                // ... until it was retried enough and its horizon passed: then a dead letter at once
                .onException(TransientException.class).onWhen(this::brokerRetriesExhausted).maximumRedeliveries(0)
                    .useOriginalMessage()
                .end()
                // a wait longer than a redelivery may hold the consumer: back on the queue for then,
                // in the consumer's transaction (the message is never in two places or none)
                .onException(TransientException.class).onWhen(this::deferrable).handled(true).useOriginalMessage()
                    .process(this::defer)
                    .to(LongWaits.PUT_BACK)
                .end();

        routeConfiguration(INGRESS)
                .onException(ProblemException.class).handled(true)
                .process(e -> {
                    ProblemException p = e.getProperty(Exchange.EXCEPTION_CAUGHT, ProblemException.class);
                    problem(e, p.status(), p.type(), p.title(), p.detail());
                    if (p.retryAfterSeconds() > 0) {
                        e.getMessage().setHeader("Retry-After", String.valueOf(p.retryAfterSeconds()));
                    }
                })
                .end()
                .onException(Exception.class).handled(true)
                .process(e -> {
                    Throwable cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
                    // the exception types only: a message may quote the request (a URL, a header, a field)
                    log.error("Webhook for {} not accepted: {} (message {})", e.getVariable(Variables.PROVIDER),
                            causeTypes(cause), dev.pasarela.api.RefusedValues.fingerprint(cause.getMessage()));
                    problem(e, 503, "temporarily-unavailable", "Temporarily unavailable",
                            "The event could not be stored; it was not accepted. Retry later.");
                    e.getMessage().setHeader("Retry-After", "5");
                })
                .end();

        routeConfiguration(DEAD_LETTER).errorHandler(noErrorHandler());
    }

    static final String DEFERRALS = "PasarelaDeferrals";
    /** Retries of a consumer retried on the broker so far (a JMS property on the re-queued message). */
    static final String RETRIES = "PasarelaRetries";
    /** When (epoch millis, injected clock) a message retried on the broker first failed: its horizon starts there. */
    static final String RETRYING_SINCE = "PasarelaRetryingSince";
    /** The JMS delivery count Artemis sets: above 1 after a rollback (a crash, a failed dead-lettering). */
    private static final String JMS_DELIVERY_COUNT = "JMSXDeliveryCount";
    private static final double JITTER = 0.15;
    /** Artemis' scheduled delivery time (epoch millis) as a JMS property: a message sent with it is due then. */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    /** A JMS consumer's transient failure asking for more than {@code maxDelay}, deferrals left. */
    boolean deferrable(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof JmsEndpoint
                && advertisedWait(exchange) > maxDelay
                && exchange.getIn().getHeader(DEFERRALS, 0, Integer.class) < retry.maxDeferrals();
    }

    void defer(Exchange exchange) {
        long wait = Math.min(advertisedWait(exchange), retry.maxDeferralMs());
        int deferrals = exchange.getIn().getHeader(DEFERRALS, 0, Integer.class) + 1;
        String queue = ((JmsEndpoint) exchange.getFromEndpoint()).getDestinationName();
        exchange.getIn().setHeader(DEFERRALS, deferrals);
        // an instant on the broker's clock, not the gateway's injected one: the wait is what we decide
        exchange.getIn().setHeader(SCHEDULED_DELIVERY, System.currentTimeMillis() + wait);
        log.atLevel(retryLogLevel(exchange)).log("{} on {} deferred {} s (deferral {} of {}): the provider asked to wait that long",
                exchange.getIn().getHeader(Variables.H_EVENT_KEY), queue, wait / 1000, deferrals, retry.maxDeferrals());
    }

    /** A JMS consumer named in {@code pasarela.retry.broker-retries} whose message has retries left. */
    boolean retryOnBroker(Exchange exchange) {
        return transientFailure(exchange) && exchange.getFromEndpoint() instanceof JmsEndpoint
                && retry.brokerRetryHorizon(exchange.getFromRouteId()).isPresent()
                && !brokerRetriesExhausted(exchange);
    }

    /** Retried {@code maxRedeliveries} times on the broker and its route's horizon passed since it first failed. */
    boolean brokerRetriesExhausted(Exchange exchange) {
        if (!(exchange.getFromEndpoint() instanceof JmsEndpoint)) {
            return false;
        }
        java.util.Optional<java.time.Duration> horizon = retry.brokerRetryHorizon(exchange.getFromRouteId());
        if (horizon.isEmpty()) {
            return false;
        }
        int retries = exchange.getIn().getHeader(RETRIES, 0, Integer.class);
        long since = exchange.getIn().getHeader(RETRYING_SINCE, clock.millis(), Long.class);
        return retries >= maxRedeliveries && clock.millis() - since >= horizon.get().toMillis()
                && !deferrable(exchange);
    }

    /**
     * The failure is a {@link TransientException}: the deepest of the transient and permanent
     * exceptions among its causes is transient (Camel matches its clauses from the root cause up).
     */
    static boolean transientFailure(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        Throwable deepest = null;
        for (int depth = 0; failure != null && depth < 20; failure = failure.getCause(), depth++) {
            if (failure instanceof TransientException || failure instanceof PermanentException) {
                deepest = failure;
            }
        }
        return deepest instanceof TransientException;
    }

    /** Back on the consumer's queue, due after the backoff (or the destination's Retry-After when longer). */
    void retryLater(Exchange exchange) {
        int retries = exchange.getIn().getHeader(RETRIES, 0, Integer.class);
        long wait = Math.min(Math.max(backoff(retries), advertisedWait(exchange)), retry.maxDeferralMs());
        String queue = ((JmsEndpoint) exchange.getFromEndpoint()).getDestinationName();
        if (deferrable(exchange)) { // a long wait the destination asked for counts as a deferral, as in place
            exchange.getIn().setHeader(DEFERRALS, exchange.getIn().getHeader(DEFERRALS, 0, Integer.class) + 1);
        } else {
            exchange.getIn().setHeader(RETRIES, retries + 1);
        }
        if (exchange.getIn().getHeader(RETRYING_SINCE) == null) {
            exchange.getIn().setHeader(RETRYING_SINCE, clock.millis());
        }
        // an instant on the broker's clock, not the gateway's injected one: the wait is what we decide
        exchange.getIn().setHeader(SCHEDULED_DELIVERY, System.currentTimeMillis() + wait);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.atLevel(retryLogLevel(exchange)).log("{} on {} tried again in {} ms (attempt {}): {}", exchange.getIn().getHeader(Variables.H_EVENT_KEY),
                queue, wait, deliveryAttempt(exchange), cause == null ? "unknown" : cause.getMessage());
    }

    /**
     * The wait before broker retry {@code retries + 1}: {@code initialDelayMs} doubling, capped at
     * {@code maxDelayMs} for the first {@code maxRedeliveries} retries and at {@code maxDeferralMs}
     * after them, ±15 % so the retries of a burst spread out.
     */
    long backoff(int retries) {
        long cap = retries < maxRedeliveries ? maxDelay : Math.max(maxDelay, retry.maxDeferralMs());
        double base = Math.min((double) initialDelay * Math.pow(2, Math.min(retries, 40)), cap);
        double jitter = 1 + JITTER * (2 * java.util.concurrent.ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(1, Math.min(cap, Math.round(base * jitter)));
    }

    /**
     * Forgets a message's retries, deferrals, horizon and due time: for a message sent on as a new
     * step of its work (a job run again) or replayed, whose retries start afresh.
     */
    public static void clearRetryState(Message message) {
        message.removeHeader(RETRIES);
        message.removeHeader(RETRYING_SINCE);
        message.removeHeader(DEFERRALS);
        message.removeHeader(SCHEDULED_DELIVERY);
    }

    /**
     * The number of this try of the message (1 the first time): retries and deferrals it went
     * through on the broker, redeliveries after a rollback, and retries in place. Receivers see it
     * (a callback's {@code X-Pasarela-Delivery-Attempt}); it may skip numbers, and after a crash
     * repeat one (a rolled-back try re-queued): for logs, not for deduplication.
     */
    public static int deliveryAttempt(Exchange exchange) {
        Message in = exchange.getIn();
        int redelivered = Math.max(0, in.getHeader(JMS_DELIVERY_COUNT, 1, Integer.class) - 1);
        return 1 + in.getHeader(RETRIES, 0, Integer.class) + in.getHeader(DEFERRALS, 0, Integer.class)
                + redelivered + in.getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
    }

    /** The wait a {@link TransientException} in the failure's causes carries; 0 when none. */
    private static long advertisedWait(Exchange exchange) {
        return advertised(exchange).map(java.time.Duration::toMillis).orElse(0L);
    }

    /** The provider's wait ({@code Retry-After}) a {@link TransientException} among the failure's causes carries. */
    private static java.util.Optional<java.time.Duration> advertised(Exchange exchange) {
        TransientException failure = transientCause(exchange);
        return failure == null ? java.util.Optional.empty() : failure.retryAfter();
    }

    /** WARN for a retry or deferral after a failed call; DEBUG when the destination was not called ({@link NotTriedException}). */
    static org.slf4j.event.Level retryLogLevel(Exchange exchange) {
        return transientCause(exchange) instanceof NotTriedException ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.WARN;
    }

    private static TransientException transientCause(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        while (failure != null && !(failure instanceof TransientException)) {
            failure = failure.getCause();
        }
        return (TransientException) failure;
    }

    /**
     * A provider's {@code Retry-After} (carried by a {@link TransientException}) sets the next
     * redelivery's delay instead of the backoff, capped at the longest backoff: the consumer's
     * JMS transaction stays open while it waits.
     */
    static void honourRetryAfter(Exchange exchange, long maxDelay) {
        java.util.Optional<java.time.Duration> wait = advertised(exchange);
        if (wait.isPresent()) {
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, Math.min(wait.get().toMillis(), maxDelay));
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    /** {@code JMSException < IOException}: the failure's chain of types, outermost first. */
    static String causeTypes(Throwable failure) {
        java.util.StringJoiner chain = new java.util.StringJoiner(" < ");
        for (int depth = 0; failure != null && depth < 6; failure = failure.getCause(), depth++) {
            chain.add(failure.getClass().getSimpleName());
        }
        return chain.toString();
    }

    static void problem(Exchange exchange, int status, String type, String title, String detail) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, Problems.MEDIA_TYPE);
        String instance = exchange.getFromEndpoint() == null ? null
                : exchange.getFromEndpoint().getEndpointBaseUri().replaceFirst("^platform-http:/*", "/");
        out.setBody(Problems.json(status, type, title, detail, instance).getBytes(StandardCharsets.UTF_8));
    }
}
