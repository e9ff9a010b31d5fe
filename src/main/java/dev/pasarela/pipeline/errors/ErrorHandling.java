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

    public ErrorHandling(RetryProperties retry, Clock clock) {
        this.maxRedeliveries = retry.maxRedeliveries();
        this.initialDelay = retry.initialDelayMs();
        this.maxDelay = retry.maxDelayMs();
        this.deadLetterPreparer = new DeadLetterPreparer(clock);
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
                        .onExceptionOccurred(deadLetterPreparer::recordFirstFailure)
                        .onPrepareFailure(deadLetterPreparer))
                // an onException clause has its own policy: it must keep the original message too
                .onException(PermanentException.class).maximumRedeliveries(0).useOriginalMessage().end();

        routeConfiguration(INGRESS)
                .onException(ProblemException.class).handled(true)
                .process(e -> {
                    ProblemException p = e.getProperty(Exchange.EXCEPTION_CAUGHT, ProblemException.class);
                    problem(e, p.status(), p.type(), p.title(), p.detail());
                    if (p instanceof dev.pasarela.api.RateLimitedException limited) {
                        e.getMessage().setHeader("Retry-After", String.valueOf(limited.retryAfterSeconds()));
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
