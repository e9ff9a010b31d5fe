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
 *       exponential backoff and jitter; permanent ones (and transient ones out of retries) go
 *       to {@code dlq.<route-id>} as the original message with the cause in headers.</li>
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

    public ErrorHandling(RetryProperties retry, Clock clock) {
        this.maxRedeliveries = retry.maxRedeliveries();
        this.initialDelay = retry.initialDelayMs();
        this.maxDelay = retry.maxDelayMs();
        this.deadLetterPreparer = new DeadLetterPreparer(clock);
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
                // a wait longer than a redelivery may hold the consumer: back on the queue for then,
                // in the consumer's transaction (the message is never in two places or none)
                .onException(TransientException.class).onWhen(this::deferrable).handled(true).useOriginalMessage()
                    .process(this::defer)
                    .toD("jms:queue:${exchangeProperty." + DEFER_TO + "}")
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
                    log.error("Webhook for {} not accepted: {}", e.getVariable(Variables.PROVIDER), cause.toString());
                    problem(e, 503, "temporarily-unavailable", "Temporarily unavailable",
                            "The event could not be stored; it was not accepted. Retry later.");
                    e.getMessage().setHeader("Retry-After", "5");
                })
                .end();

        routeConfiguration(DEAD_LETTER).errorHandler(noErrorHandler());
    }

    static final String DEFERRALS = "PasarelaDeferrals";
    /** Artemis' scheduled delivery time (epoch millis) as a JMS property: a message sent with it is due then. */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    private static final String DEFER_TO = "pasarelaDeferTo";

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
        exchange.setProperty(DEFER_TO, queue);
        log.warn("{} on {} deferred {} s (deferral {} of {}): the provider asked to wait that long",
                exchange.getIn().getHeader(Variables.H_EVENT_KEY), queue, wait / 1000, deferrals, retry.maxDeferrals());
    }

    /** The wait a {@link TransientException} in the failure's causes carries; 0 when none. */
    private static long advertisedWait(Exchange exchange) {
        return advertised(exchange).map(java.time.Duration::toMillis).orElse(0L);
    }

    /** The provider's wait ({@code Retry-After}) a {@link TransientException} among the failure's causes carries. */
    private static java.util.Optional<java.time.Duration> advertised(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        while (failure != null && !(failure instanceof TransientException)) {
            failure = failure.getCause();
        }
        return failure instanceof TransientException t ? t.retryAfter() : java.util.Optional.empty();
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
