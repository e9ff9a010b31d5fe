package dev.pasarela.pipeline.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A provider's Retry-After, carried by a TransientException, sets the next redelivery's delay, capped. */
class RetryAfterRedeliveryTest {

    CamelContext camel;
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
        camel.stop();
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
        assertThat(gapMillis()).isBetween(300L, 3000L);
    }

    @Test
    void withoutRetryAfterTheBackoffApplies() throws Exception {
        start(null, 5000);
        camel.createProducerTemplate().sendBody("direct:send", "x");
        assertThat(attempts).hasSize(2);
        assertThat(gapMillis()).isLessThan(500);
    }
}
