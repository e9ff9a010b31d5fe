package dev.pasarela.pipeline.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Which consumers retry on the broker, for how long, how far apart, and the attempt number receivers see. */
class BrokerRetryPolicyTest {

    final RetryProperties retry = new RetryProperties(5, 500, 8000, 6, 3_600_000, Map.of(
            "callbacks.out.deliver", Duration.ofDays(3), "*.out.deliver", Duration.ZERO));
    final ErrorHandling errors = new ErrorHandling(retry, Clock.systemUTC());

    @Test
    void anExactRouteIdWinsOverAPatternAndOtherRoutesRetryInPlace() {
        assertThat(retry.brokerRetryHorizon("callbacks.out.deliver")).contains(Duration.ofDays(3));
        assertThat(retry.brokerRetryHorizon("whatsapp.out.deliver")).contains(Duration.ZERO);
        assertThat(retry.brokerRetryHorizon("meta.in.deliver")).isEmpty();
        assertThat(retry.brokerRetryHorizon(null)).isEmpty();
    }

    @Test
    void theBackoffDoublesWithJitterToTheShortCapThenGrowsToTheLongOne() {
        for (int i = 0; i < 200; i++) {
            assertThat(errors.backoff(0)).isBetween(425L, 575L);
            assertThat(errors.backoff(3)).isBetween(3400L, 4600L);
            assertThat(errors.backoff(4)).isBetween(6800L, 8000L); // in the first max-redeliveries: at most max-delay
            assertThat(errors.backoff(5)).isBetween(13_600L, 18_400L); // past them it keeps doubling
            assertThat(errors.backoff(30)).isBetween(3_060_000L, 3_600_000L); // to max-deferral (an hour)
            assertThat(errors.backoff(Integer.MAX_VALUE)).isBetween(3_060_000L, 3_600_000L);
        }
    }

    @Test
    void theAttemptCountsBrokerRetriesDeferralsRollbacksAndInPlaceRetries() {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        assertThat(ErrorHandling.deliveryAttempt(e)).isEqualTo(1);
        e.getIn().setHeader("JMSXDeliveryCount", 1);
        assertThat(ErrorHandling.deliveryAttempt(e)).isEqualTo(1);
        e.getIn().setHeader(ErrorHandling.RETRIES, 4);
        e.getIn().setHeader(ErrorHandling.DEFERRALS, 1);
        e.getIn().setHeader("JMSXDeliveryCount", 2); // rolled back once (a crash)
        e.getIn().setHeader(Exchange.REDELIVERY_COUNTER, 1);
        assertThat(ErrorHandling.deliveryAttempt(e)).isEqualTo(1 + 4 + 1 + 1 + 1);
    }

    /** A failure on a JMS consumer of the given route, at the test clock's now. */
    Exchange failed(String routeId, TransientException cause) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getExchangeExtension().setFromEndpoint(new org.apache.camel.component.jms.JmsEndpoint());
        e.getExchangeExtension().setFromRouteId(routeId);
        e.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        return e;
    }

    @Test
    void aCallbackIsRetriedOnTheBrokerUntilItsHorizonPassedThenDeadLettered() {
        Clock now = Clock.fixed(java.time.Instant.parse("2026-06-01T10:00:00Z"), java.time.ZoneOffset.UTC);
        ErrorHandling errors = new ErrorHandling(retry, now);
        Exchange e = failed("callbacks.out.deliver", new TransientException("callback answered 503"));
        assertThat(errors.retryOnBroker(e)).as("first failure").isTrue();
        e.getIn().setHeader(ErrorHandling.RETRIES, 40);
        e.getIn().setHeader(ErrorHandling.RETRYING_SINCE, now.millis() - Duration.ofDays(2).toMillis());
        assertThat(errors.retryOnBroker(e)).as("many retries, within three days").isTrue();
        assertThat(errors.brokerRetriesExhausted(e)).isFalse();
        e.getIn().setHeader(ErrorHandling.RETRYING_SINCE, now.millis() - Duration.ofDays(3).toMillis());
        assertThat(errors.retryOnBroker(e)).isFalse();
        assertThat(errors.brokerRetriesExhausted(e)).as("three days passed: a dead letter").isTrue();
    }

    @Test
    void aSendWithoutHorizonIsDeadLetteredAfterItsRetriesUnlessTheProviderAskedForALongWait() {
        Exchange e = failed("whatsapp.out.deliver", new TransientException("HTTP 503"));
        e.getIn().setHeader(ErrorHandling.RETRIES, 4);
        assertThat(errors.retryOnBroker(e)).isTrue();
        e.getIn().setHeader(ErrorHandling.RETRIES, 5);
        assertThat(errors.brokerRetriesExhausted(e)).isTrue();
        Exchange throttled = failed("whatsapp.out.deliver", new TransientException("130429", null, Duration.ofMinutes(5)));
        throttled.getIn().setHeader(ErrorHandling.RETRIES, 5);
        assertThat(errors.retryOnBroker(throttled)).as("a deferral, counted apart").isTrue();
        throttled.getIn().setHeader(ErrorHandling.DEFERRALS, 6);
        assertThat(errors.brokerRetriesExhausted(throttled)).isTrue();
    }

    @Test
    void aRetryOfACallNotMadeIsLoggedAtDebugWithoutAStackAndOneAfterAFailedCallAtWarn() {
        NotTriedException parked = new NotTriedException("callback of t1 not tried: its endpoint is parked", Duration.ofMinutes(1));
        assertThat(ErrorHandling.retryLogLevel(failed("callbacks.out.deliver", parked))).isEqualTo(org.slf4j.event.Level.DEBUG);
        assertThat(ErrorHandling.retryLogLevel(failed("callbacks.out.deliver", new TransientException("callback answered 503"))))
                .isEqualTo(org.slf4j.event.Level.WARN);
        assertThat(parked.getStackTrace()).as("nothing to debug in it, and filling it in costs").isEmpty();
        assertThat(parked.retryAfter()).contains(Duration.ofMinutes(1));
    }

    @Test
    void aRouteNotNamedRetriesInPlace() {
        Exchange e = failed("meta.in.deliver", new TransientException("store unavailable"));
        assertThat(errors.retryOnBroker(e)).isFalse();
        assertThat(errors.brokerRetriesExhausted(e)).isFalse();
    }

    @Test
    void aRetryOnTheBrokerIsNotPreparedAsADeadLetterAndKeepsItsCounts() {
        Exchange e = failed("callbacks.out.deliver", new TransientException("callback answered 503"));
        e.getIn().setHeader(ErrorHandling.RETRIES, 2);
        new DeadLetterPreparer(Clock.systemUTC(), errors::retryOnBroker).process(e);
        assertThat(e.getIn().getHeader(ErrorHandling.RETRIES)).isEqualTo(2);
        assertThat(e.getIn().getHeader(dev.pasarela.pipeline.Variables.H_FAILED_ROUTE)).isNull();
        e.getIn().setHeader(ErrorHandling.RETRYING_SINCE, 0L);
        e.getIn().setHeader(ErrorHandling.RETRIES, 5);
        new DeadLetterPreparer(Clock.systemUTC(), errors::retryOnBroker).process(e);
        assertThat(e.getIn().getHeader(ErrorHandling.RETRIES)).as("a replay starts afresh").isNull();
        assertThat(e.getIn().getHeader(dev.pasarela.pipeline.Variables.H_FIRST_FAILURE_AT)).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void aPermanentFailureOfAConsumerRetriedOnTheBrokerIsADeadLetterAtOnce() {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getExchangeExtension().setFromEndpoint(new org.apache.camel.component.jms.JmsEndpoint());
        e.getExchangeExtension().setFromRouteId("callbacks.out.deliver");
        e.setProperty(Exchange.EXCEPTION_CAUGHT, new PermanentException("callback answered 410"));
        assertThat(errors.retryOnBroker(e)).isFalse();
        e.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException(new TransientException("HTTP 503")));
        assertThat(errors.retryOnBroker(e)).as("a transient cause").isTrue();
        e.setProperty(Exchange.EXCEPTION_CAUGHT, new TransientException("wrapped", new PermanentException("410")));
        assertThat(errors.retryOnBroker(e)).as("the deepest decides, as Camel matches").isFalse();
    }
}
