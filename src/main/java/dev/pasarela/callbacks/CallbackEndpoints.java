package dev.pasarela.callbacks;

import dev.pasarela.pipeline.errors.TransientException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A circuit breaker per tenant callback endpoint (tenant and URL): after
 * {@code pasarela.callbacks.breaker.failures} transient failures in a row the endpoint is parked
 * for {@code open-for}: its callbacks go back to the broker without a network call, so a dead
 * endpoint costs the shared consumers nothing; then one callback is tried and, if it passes, the
 * others follow as their waits end (each waits longer the more tries it had: CallbackRoutes#parkedWait).
 * While its last call failed, an endpoint gets one call at a time. Parking is logged with the tenant id (never the URL, which may hold a token),
 * counted in {@code pasarela.callbacks.endpoints.parked}, and readable through {@link #parkedSince}.
 */
@Component
public class CallbackEndpoints {

    private static final Logger log = LoggerFactory.getLogger(CallbackEndpoints.class);

    /** A tenant's one endpoint: a new URL replaces it, with a new, closed breaker. */
    private record Endpoint(String url, CircuitBreaker breaker, AtomicInteger inFlight,
                            java.util.concurrent.atomic.AtomicBoolean lastSlow) {
        @Override
        public String toString() { // the URL may carry a tenant's token
            return "Endpoint[" + breaker.getState() + "]";
        }
    }

    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Instant> parked = new ConcurrentHashMap<>();
    private final CircuitBreakerConfig config;
    private final Clock clock;
    private final java.time.Duration slow;

    public CallbackEndpoints(CallbackProperties properties, Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.slow = properties.timeout().dividedBy(2);
        CallbackProperties.Breaker breaker = properties.breaker();
        this.config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breaker.failures()).minimumNumberOfCalls(breaker.failures())
                .failureRateThreshold(100) // every one of the last calls failed: a tenant's endpoint, not a blip
                .waitDurationInOpenState(breaker.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordExceptions(TransientException.class) // a 4xx says the endpoint is up
                .clock(clock)
                .build();
        Gauge.builder("pasarela.callbacks.endpoints.parked", parked, Map::size)
                .description("tenant callback endpoints parked after failing").register(meters);
    }

    /** The breaker of a tenant's endpoint; a new URL gets a new, closed one (and is not parked). */
    CircuitBreaker breaker(String tenantId, String url) {
        return endpoint(tenantId, url).breaker();
    }

    private Endpoint endpoint(String tenantId, String url) {
        Endpoint current = endpoints.get(tenantId);
        if (current != null && current.url().equals(url)) {
            return current;
        }
        return endpoints.compute(tenantId, (id, existing) -> {
            if (existing != null && existing.url().equals(url)) {
                return existing;
            }
            if (existing != null) {
                parked.remove(tenantId); // the old URL's state says nothing of the new one
            }
            CircuitBreaker b = CircuitBreaker.of("callback", config);
            // a replaced breaker's late transitions (a call still in flight to the old URL) are ignored
            b.getEventPublisher().onStateTransition(e -> {
                Endpoint now = endpoints.get(tenantId);
                if (now != null && now.breaker() == b) {
                    transition(tenantId, e.getStateTransition().getToState());
                }
            });
            return new Endpoint(url, b, new AtomicInteger(), new java.util.concurrent.atomic.AtomicBoolean());
        });
    }

    /**
     * Takes a slot for a call to the endpoint, unless its last calls failed or its last call was slow
     * (over half the timeout) and another call to it is still in flight: a hanging or slow endpoint
     * then holds one consumer, not every consumer that picks up one of its callbacks, and the others
     * go on with other tenants' callbacks. Each slot taken is given back by {@link #callEnded}.
     */
    boolean tryCall(String tenantId, String url, CircuitBreaker breaker) {
        Endpoint endpoint = endpoint(tenantId, url);
        AtomicInteger calls = endpoint.inFlight();
        if (calls.incrementAndGet() > 1
                && (breaker.getMetrics().getNumberOfFailedCalls() > 0 || endpoint.lastSlow().get())) {
            calls.decrementAndGet();
            return false;
        }
        return true;
    }

    /** A call ended after {@code took}: its slot is free, and whether the endpoint is slow is noted. */
    void callEnded(String tenantId, String url, java.time.Duration took) {
        Endpoint current = endpoints.get(tenantId);
        if (current != null && current.url().equals(url)) {
            current.lastSlow().set(took.compareTo(slow) > 0);
            current.inFlight().decrementAndGet();
        }
    }

    private void transition(String tenantId, CircuitBreaker.State to) {
        switch (to) {
            case OPEN, FORCED_OPEN -> {
                if (parked.putIfAbsent(tenantId, clock.instant()) == null) {
                    log.warn("Callback endpoint of tenant {} parked: it kept failing; its callbacks wait on the broker",
                            tenantId);
                }
            }
            case CLOSED -> {
                if (parked.remove(tenantId) != null) {
                    log.info("Callback endpoint of tenant {} answers again: its waiting callbacks are delivered", tenantId);
                }
            }
            default -> { }
        }
    }

    /** Since when the tenant's endpoint is parked (failing); empty when it is taking callbacks. */
    public Optional<Instant> parkedSince(String tenantId) {
        return Optional.ofNullable(parked.get(tenantId));
    }
}
