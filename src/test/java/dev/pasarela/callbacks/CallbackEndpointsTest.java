package dev.pasarela.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.support.MovableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How many consumers one tenant's endpoint may hold at once. */
class CallbackEndpointsTest {

    static final String URL = "https://crm.example/hooks";

    final CallbackEndpoints endpoints = new CallbackEndpoints(
            new CallbackProperties(Duration.ofSeconds(10), Duration.ofSeconds(5), 2),
            MovableClock.at(Instant.parse("2026-06-01T10:00:00Z")), new SimpleMeterRegistry());

    @Test
    void aFastEndpointTakesAsManyConsumersAsThereAre() {
        CircuitBreaker breaker = endpoints.breaker("t1", URL);
        assertThat(endpoints.tryCall("t1", URL, breaker)).isTrue();
        endpoints.callEnded("t1", URL, Duration.ofMillis(40));
        assertThat(endpoints.tryCall("t1", URL, breaker)).isTrue();
        assertThat(endpoints.tryCall("t1", URL, breaker)).as("a second call beside the first").isTrue();
    }

    /** A tenant whose endpoint answers, but slowly, holds one consumer: the others serve other tenants. */
    @Test
    void aSlowEndpointGetsOneCallAtATime() {
        CircuitBreaker breaker = endpoints.breaker("t1", URL);
        assertThat(endpoints.tryCall("t1", URL, breaker)).isTrue();
        endpoints.callEnded("t1", URL, Duration.ofSeconds(6)); // over half the 10 s timeout
        assertThat(endpoints.tryCall("t1", URL, breaker)).isTrue();
        assertThat(endpoints.tryCall("t1", URL, breaker)).as("a second call beside the first").isFalse();
        assertThat(endpoints.tryCall("t2", URL + "/other", endpoints.breaker("t2", URL + "/other"))).isTrue();

        endpoints.callEnded("t1", URL, Duration.ofMillis(30)); // fast again: the limit lifts
        assertThat(endpoints.tryCall("t1", URL, breaker)).isTrue();
        assertThat(endpoints.tryCall("t1", URL, breaker)).isTrue();
    }
}
