package dev.pasarela.pipeline.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A provider's Retry-After, carried by a TransientException, sets the next redelivery's delay, capped. */
class RetryAfterRedeliveryTest {

    CamelContext camel;
    /** For exchanges that go through no route. */
    final CamelContext unstarted = new DefaultCamelContext();
    final List<Long> attempts = new CopyOnWriteArrayList<>();

    void start(Duration retryAfter, long maxDelayMs) throws Exception {
        camel = new DefaultCamelContext();
        camel.setAllowUseOriginalMessage(true);
        camel.addRoutesConfigurations(new ErrorHandling(new RetryProperties(3, 10, maxDelayMs, 0, 3_600_000), java.time.Clock.systemUTC()));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(ErrorHandling.DEAD_LETTER_ENDPOINT).routeConfigurationId(ErrorHandling.DEAD_LETTER).log("dead letter");
                from("direct:send").routeConfigurationId(ErrorHandling.DELIVERY).process(e -> {
                    attempts.add(System.nanoTime());
                    if (attempts.size() == 1) {
                        throw new TransientException("HTTP 429", null, retryAfter);
                    }
                });
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    long gapMillis() {
        return Duration.ofNanos(attempts.get(1) - attempts.get(0)).toMillis();
    }

    @Test
    void theNextAttemptWaitsAsLongAsTheProviderAsked() throws Exception {
        start(Duration.ofMillis(700), 5000);
        camel.createProducerTemplate().sendBody("direct:send", "x");
        assertThat(attempts).hasSize(2);
        assertThat(gapMillis()).isGreaterThanOrEqualTo(700); // the backoff alone would wait about 10 ms
    }

    @Test
    void aLongRetryAfterIsCappedAtTheLongestBackoff() throws Exception {
        start(Duration.ofHours(1), 300);
        camel.createProducerTemplate().sendBody("direct:send", "x");
        assertThat(attempts).hasSize(2);
        assertThat(gapMillis()).isGreaterThanOrEqualTo(300); // and not the hour: see the delay asked below
    }

    @Test
    void withoutRetryAfterTheBackoffApplies() throws Exception {
        start(null, 5000);
        camel.createProducerTemplate().sendBody("direct:send", "x");
        assertThat(attempts).hasSize(2);
        assertThat(gapMillis()).as("the first backoff: 10 ms less its jitter (15 per cent) at most").isGreaterThanOrEqualTo(8);
    }

    /** The delay each failure asks Camel for; how long the wait took is the tests' above, and only from below. */
    @Test
    void theDelayAskedIsTheProvidersCappedOrNone() {
        assertThat(delayAsked(new TransientException("HTTP 429", null, Duration.ofMillis(700)), 5000)).isEqualTo(700L);
        assertThat(delayAsked(new TransientException("HTTP 429", null, Duration.ofHours(1)), 300))
                .as("the longest backoff, not the hour asked").isEqualTo(300L);
        assertThat(delayAsked(new TransientException("HTTP 503", null, null), 5000))
                .as("none of its own, not the one an earlier failure asked: the backoff's").isNull();
        assertThat(delayAsked(new IllegalStateException("wrapped", new TransientException("HTTP 429", null,
                Duration.ofSeconds(2))), 5000)).as("found in the cause").isEqualTo(2000L);
    }

    Long delayAsked(Exception failure, long maxDelayMs) {
        Exchange exchange = new DefaultExchange(unstarted);
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, 1234L); // asked by an earlier failure
        exchange.setException(failure);
        ErrorHandling.honourRetryAfter(exchange, maxDelayMs);
        return exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class);
    }
}
