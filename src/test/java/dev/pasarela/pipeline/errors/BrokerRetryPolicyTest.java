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
}
